/* Common includes for the cmocka unit tests. cmocka needs these before cmocka.h. */
#ifndef NETSIFT_UNIT_H
#define NETSIFT_UNIT_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "dissect.h"
#endif

/* ipv6: being written */
#include "dissect.h"

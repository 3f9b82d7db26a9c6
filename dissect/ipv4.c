/* ipv4: being written */
#include "dissect.h"

/* icmp: being written */
#include "dissect.h"

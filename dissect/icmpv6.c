/* icmpv6: being written */
#include "dissect.h"

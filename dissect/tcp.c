/* tcp: being written */
#include "dissect.h"

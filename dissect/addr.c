/* addr: being written */
#include "dissect.h"

/* dissect: being written */
#include "dissect.h"

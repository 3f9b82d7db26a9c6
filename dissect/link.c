/* link: being written */
#include "dissect.h"

/* udp: being written */
#include "dissect.h"

#include "encap.h"
int main(void) { return 0; }

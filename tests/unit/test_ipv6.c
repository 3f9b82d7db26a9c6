/* Unit tests for dissect/ipv6.c: being written. */
#include "unit.h"

static void test_placeholder_builds(void **state)
{
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placeholder_builds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

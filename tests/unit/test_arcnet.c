/* Unit tests for dissect/arcnet.c: BSD and Linux ARCNET headers. */
#include "linkunit.h"

static void test_arcnet(void **state)
{
	static const uint8_t rfc1201[] = { 1, 2, 212, 0, 0, 1 };
	static const uint8_t exc[] = { 1, 2, 212, 0xff, 0xff, 0xff, 0, 0, 0, 1 };
	static const uint8_t rfc1051[] = { 1, 2, 240 };
	static const uint8_t v6[] = { 1, 2, 0xc4, 0, 0, 2 };
	static const uint8_t ipx[] = { 1, 2, 250, 0, 0, 3 };

	(void)state;
	lu_expect_ip4(NS_LINK_ARCNET, rfc1201, sizeof(rfc1201));
	lu_expect_ip4(NS_LINK_ARCNET, exc, sizeof(exc));
	lu_expect_ip4(NS_LINK_ARCNET, rfc1051, sizeof(rfc1051));
	lu_expect_ip6(NS_LINK_ARCNET, v6, sizeof(v6));
	lu_expect_not_ip(NS_LINK_ARCNET, ipx, sizeof(ipx), lu_ip4, sizeof(lu_ip4), 0);
	lu_expect_cut(NS_LINK_ARCNET, rfc1201, sizeof(rfc1201));
	lu_expect_cut(NS_LINK_ARCNET, exc, sizeof(exc));
}

static void test_arcnet_linux(void **state)
{
	static const uint8_t rfc1201[] = { 1, 2, 0, 0, 212, 0, 0, 1 };
	static const uint8_t rfc1051[] = { 1, 2, 0, 0, 240 };
	static const uint8_t arp[] = { 1, 2, 0, 0, 213, 0, 0, 1 };

	(void)state;
	lu_expect_ip4(NS_LINK_ARCNET_LINUX, rfc1201, sizeof(rfc1201));
	lu_expect_ip4(NS_LINK_ARCNET_LINUX, rfc1051, sizeof(rfc1051));
	lu_expect_not_ip(NS_LINK_ARCNET_LINUX, arp, sizeof(arp), lu_ip4, 8, 0);
	lu_expect_cut(NS_LINK_ARCNET_LINUX, rfc1201, sizeof(rfc1201));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arcnet),
		cmocka_unit_test(test_arcnet_linux),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

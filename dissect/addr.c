/* addr: text form of IP addresses and equality.
 *
 * Hand-rolled (no snprintf/inet_ntop): this runs twice per event in the hot
 * path, and the output must be identical on every libc. IPv6 follows RFC 5952:
 * lower-case hex, no leading zeros, the longest run of two or more zero
 * groups shortened to "::" (the first one on ties), and IPv4-mapped addresses
 * (::ffff:0:0/96) with the IPv4 part in dotted-quad form.
 */
#include <string.h>
#include "dissect.h"
#include "bytes.h"

/* Decimal 0..255 without leading zeros. Returns characters written. */
static size_t put_u8(char *out, uint8_t v)
{
	size_t n = 0;

	if (v >= 100)
		out[n++] = (char)('0' + v / 100);
	if (v >= 10)
		out[n++] = (char)('0' + (v / 10) % 10);
	out[n++] = (char)('0' + v % 10);
	return n;
}

static size_t put_dotted(char *out, const uint8_t *a)
{
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		if (i)
			out[n++] = '.';
		n += put_u8(out + n, a[i]);
	}
	return n;
}

/* One group of 1..4 lower-case hex digits, no leading zeros. */
static size_t put_hex16(char *out, uint16_t v)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	int shift = 12;

	while (shift > 0 && ((v >> shift) & 0xf) == 0)
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		out[n++] = hex[(v >> shift) & 0xf];
	return n;
}

static bool is_v4_mapped(const uint8_t *a)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

static size_t put_v6(char *out, const uint8_t *a)
{
	uint16_t g[8];
	int best = -1, best_len = 0, cur = -1, cur_len = 0;
	size_t n = 0;

	for (int i = 0; i < 8; i++)
		g[i] = ns_get16(a + 2 * i);

	if (is_v4_mapped(a)) {
		memcpy(out, "::ffff:", 7);
		return 7 + put_dotted(out + 7, a + 12);
	}

	/* Longest run of zero groups; strict '>' keeps the first on ties. */
	for (int i = 0; i < 8; i++) {
		if (g[i] == 0) {
			if (cur < 0) {
				cur = i;
				cur_len = 0;
			}
			cur_len++;
			if (cur_len > best_len) {
				best = cur;
				best_len = cur_len;
			}
		} else {
			cur = -1;
		}
	}
	if (best_len < 2)	/* RFC 5952 4.2.2: a single zero group stays "0" */
		best = -1;

	for (int i = 0; i < 8; i++) {
		if (i == best) {
			out[n++] = ':';
			out[n++] = ':';
			i += best_len - 1;
			continue;
		}
		/* A separator, unless we just wrote "::" or this is the first group. */
		if (i > 0 && !(best >= 0 && i == best + best_len))
			out[n++] = ':';
		n += put_hex16(out + n, g[i]);
	}
	return n;
}

size_t ns_addr_format(const struct ns_addr *addr, char *buf)
{
	size_t n;

	switch (addr->family) {
	case 4:
		n = put_dotted(buf, addr->a);
		break;
	case 6:
		n = put_v6(buf, addr->a);
		break;
	default:
		n = 0;
		break;
	}
	buf[n] = '\0';
	return n;
}

bool ns_addr_equal(const struct ns_addr *x, const struct ns_addr *y)
{
	if (x->family != y->family)
		return false;
	switch (x->family) {
	case 4:
		return memcmp(x->a, y->a, 4) == 0;
	case 6:
		return memcmp(x->a, y->a, 16) == 0;
	default:
		return true;	/* two absent addresses */
	}
}

/* Write a synthetic capture of N concurrent TCP connections for the
 * millions-of-flows bench: every connection does its handshake (SYN, SYN+ACK,
 * ACK) before any connection sends data, then each sends a request and gets
 * it ACKed: 5 packets each, all N alive at once until the capture ends.
 * Half IPv4 (clients 10.0.0.0/8), half IPv6 (fd00:1::/64), server port 80.
 * Usage: mkflows N OUT.pcap */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *out;
static uint64_t now_us = 1000000;

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

struct ep {
	int v6;
	uint8_t a[16];
	uint16_t port;
};

static void emit(const struct ep *s, const struct ep *d, uint32_t seq, uint32_t ack,
		 uint8_t flags, size_t plen)
{
	uint8_t b[128];
	size_t ipl = s->v6 ? 40 : 20, n = 14 + ipl + 20 + plen;
	uint8_t *ip = b + 14, *tcp = ip + ipl;
	uint32_t pseudo = 0;

	memset(b, 0, n);
	memcpy(b, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
	if (s->v6) {
		put16(b + 12, 0x86dd);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(20 + plen));
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, s->a, 16);
		memcpy(ip + 24, d->a, 16);
		pseudo = csum_add(pseudo, ip + 8, 32);
	} else {
		put16(b + 12, 0x0800);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(20 + 20 + plen));
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, s->a, 4);
		memcpy(ip + 16, d->a, 4);
		put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
		pseudo = csum_add(pseudo, ip + 12, 8);
	}
	pseudo += 6 + (uint32_t)(20 + plen);
	put16(tcp, s->port);
	put16(tcp + 2, d->port);
	put32(tcp + 4, seq);
	put32(tcp + 8, ack);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	put16(tcp + 14, 65535);
	memset(tcp + 20, 'x', plen);
	put16(tcp + 16, csum_fold(csum_add(pseudo, tcp, 20 + plen)));

	uint32_t rec[4] = { (uint32_t)(now_us / 1000000), (uint32_t)(now_us % 1000000),
			    (uint32_t)n, (uint32_t)n };
	fwrite(rec, sizeof(rec), 1, out);
	fwrite(b, n, 1, out);
	now_us += 1;
}

static void endpoints(uint32_t i, struct ep *c, struct ep *s)
{
	memset(c, 0, sizeof(*c));
	memset(s, 0, sizeof(*s));
	c->v6 = s->v6 = i & 1;
	c->port = (uint16_t)(10000 + (i >> 1) % 50000);
	s->port = 80;
	uint32_t host = (i >> 1) / 50000 + 1;
	if (c->v6) {
		memcpy(c->a, "\xfd\0\0\x01\0\0\0\0\0\0\0\0", 12);
		put32(c->a + 12, host);
		memcpy(s->a, c->a, 16);
		memset(s->a + 12, 0xff, 4);
	} else {
		put32(c->a, 0x0a000000u | host);
		put32(s->a, 0x0aff0001u);
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkflows N OUT.pcap\n");
		return 2;
	}
	uint32_t n = (uint32_t)strtoul(argv[1], NULL, 10);
	out = fopen(argv[2], "wb");
	if (!out || n == 0 || n > 50000u * 2 * 1000) {
		perror(argv[2]);
		return 1;
	}
	static char buf[1 << 20];
	setvbuf(out, buf, _IOFBF, sizeof(buf));
	uint32_t hdr[6] = { 0xa1b2c3d4, 2 | 4u << 16, 0, 0, 65535, 1 };
	fwrite(hdr, sizeof(hdr), 1, out);
	struct ep c, s;
	for (uint32_t i = 0; i < n; i++) {          /* every handshake first */
		endpoints(i, &c, &s);
		emit(&c, &s, 1000, 0, 0x02, 0);
		emit(&s, &c, 5000, 1001, 0x12, 0);
		emit(&c, &s, 1001, 5001, 0x10, 0);
	}
	for (uint32_t i = 0; i < n; i++) {          /* then a request and its ACK each */
		endpoints(i, &c, &s);
		emit(&c, &s, 1001, 5001, 0x18, 20);
		emit(&s, &c, 5001, 1021, 0x10, 0);
	}
	if (fclose(out) != 0) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}

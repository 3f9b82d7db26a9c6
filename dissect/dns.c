/* DNS message parser (RFC 1035 4.1, RFC 3596). See dns.h for the contract.
 *
 * The parser reads only the header, the questions and the answers: that is
 * what the DNS cache (name for an address) and the net_packet_dns summary
 * need. Anything that does not fit the message ends decoding at that point
 * with an error bit, keeping what was read before.
 */
#include <string.h>
#include "dns.h"
#include "bytes.h"

#define DNS_HDR_LEN 12u
#define DNS_MAX_WIRE_NAME 255u   /* RFC 1035 3.1: octets incl. length bytes and root */
#define DNS_MAX_HOPS 127u        /* a 255-octet name has at most 127 labels */

enum { NAME_OK = 0, NAME_TRUNC = -1, NAME_BAD = -2 };

/* Append one byte of label text, escaped as in dig. Returns false if out is full. */
static bool put_label_byte(char *out, size_t *olen, uint8_t c)
{
	char tmp[5];
	size_t n;

	if (c == '.' || c == '\\') {
		tmp[0] = '\\';
		tmp[1] = (char)c;
		n = 2;
	} else if (c < 0x21 || c > 0x7e) {
		tmp[0] = '\\';
		tmp[1] = (char)('0' + c / 100);
		tmp[2] = (char)('0' + c / 10 % 10);
		tmp[3] = (char)('0' + c % 10);
		n = 4;
	} else {
		tmp[0] = (char)c;
		n = 1;
	}
	if (*olen + n >= NS_DNS_NAME_MAX)
		return false;
	memcpy(out + *olen, tmp, n);
	*olen += n;
	return true;
}

/* The real work of ns_dns_read_name, with the failure kind as result. */
static int read_name(const uint8_t *msg, uint32_t len, uint32_t off,
		     char *out, uint32_t *next)
{
	uint32_t pos = off, limit = off, wire = 1, hops = 0;
	bool jumped = false;
	size_t olen = 0;

	out[0] = '\0';
	for (;;) {
		if (!ns_have(len, pos, 1))
			return NAME_TRUNC;
		uint8_t l = msg[pos];
		if ((l & 0xc0) == 0xc0) {
			if (!ns_have(len, pos, 2))
				return NAME_TRUNC;
			uint32_t target = (uint32_t)(l & 0x3f) << 8 | msg[pos + 1];
			/* Each jump must land strictly before the previous one (or
			 * before the name itself): offsets strictly decrease, so
			 * the walk ends. Legitimate compression always refers back. */
			if (target >= limit || ++hops > DNS_MAX_HOPS)
				return NAME_BAD;
			if (!jumped) {
				*next = pos + 2;
				jumped = true;
			}
			limit = target;
			pos = target;
			continue;
		}
		if (l & 0xc0)   /* 0x40 / 0x80: extended label types (RFC 6891 retired them) */
			return NAME_BAD;
		if (l == 0) {
			if (!jumped)
				*next = pos + 1;
			break;
		}
		if (!ns_have(len, pos + 1, l))
			return NAME_TRUNC;
		wire += 1u + l;
		if (wire > DNS_MAX_WIRE_NAME)
			return NAME_BAD;
		if (olen > 0) {
			if (olen + 1 >= NS_DNS_NAME_MAX)
				return NAME_BAD;
			out[olen++] = '.';
		}
		for (uint32_t i = 0; i < l; i++) {
			if (!put_label_byte(out, &olen, msg[pos + 1 + i])) {
				out[0] = '\0';
				return NAME_BAD;
			}
		}
		pos += 1u + l;
	}
	if (olen == 0)
		out[olen++] = '.';
	out[olen] = '\0';
	return NAME_OK;
}

int ns_dns_read_name(const uint8_t *msg, uint32_t len, uint32_t off,
		     char *out, uint32_t *next)
{
	uint32_t nx = off;
	int rc = read_name(msg, len, off, out, &nx);

	if (rc != NAME_OK) {
		out[0] = '\0';
		return -1;
	}
	*next = nx;
	return 0;
}

static uint32_t name_error(int rc)
{
	return rc == NAME_TRUNC ? NS_DNS_E_TRUNCATED : NS_DNS_E_BAD_NAME;
}

static void decode_header(const uint8_t *p, struct ns_dns *d)
{
	d->id = ns_get16(p);
	d->hflags = ns_get16(p + 2);
	d->qr = d->hflags & 0x8000;
	d->opcode = (uint8_t)(d->hflags >> 11 & 0xf);
	d->aa = d->hflags & 0x0400;
	d->tc = d->hflags & 0x0200;
	d->rd = d->hflags & 0x0100;
	d->ra = d->hflags & 0x0080;
	d->z = (uint8_t)(d->hflags >> 4 & 0x7);
	d->rcode = (uint8_t)(d->hflags & 0xf);
	d->qdcount = ns_get16(p + 4);
	d->ancount = ns_get16(p + 6);
	d->nscount = ns_get16(p + 8);
	d->arcount = ns_get16(p + 10);
}

/* Questions: name, type, class. Returns the offset after them, 0 on failure. */
static uint32_t decode_questions(const uint8_t *msg, uint32_t len, uint32_t off, struct ns_dns *d)
{
	char scratch[NS_DNS_NAME_MAX];

	for (uint32_t i = 0; i < d->qdcount; i++) {
		bool keep = d->nq < NS_DNS_MAX_QD;
		char *name = keep ? d->q[d->nq].name : scratch;
		uint32_t next = 0;
		int rc = read_name(msg, len, off, name, &next);

		if (rc != NAME_OK) {
			name[0] = '\0';
			d->errors |= name_error(rc);
			return 0;
		}
		if (!ns_have(len, next, 4)) {
			d->errors |= NS_DNS_E_TRUNCATED;
			return 0;
		}
		if (keep) {
			d->q[d->nq].type = ns_get16(msg + next);
			d->q[d->nq].qclass = ns_get16(msg + next + 2);
			d->nq++;
		} else {
			d->errors |= NS_DNS_E_TOO_MANY;
		}
		off = next + 4;
	}
	return off;
}

/* A name inside rdata must end inside it. */
static void rdata_name(const uint8_t *msg, uint32_t len, uint32_t off, uint32_t end,
		       struct ns_dns_rr *rr, struct ns_dns *d)
{
	uint32_t next = 0;
	int rc = read_name(msg, len, off, rr->target, &next);

	if (rc != NAME_OK || next > end) {
		rr->target[0] = '\0';
		d->errors |= rc == NAME_OK ? NS_DNS_E_BAD_RDATA : name_error(rc);
		return;
	}
	rr->has_target = true;
}

static void decode_rdata(const uint8_t *msg, uint32_t len, uint32_t off,
			 struct ns_dns_rr *rr, struct ns_dns *d)
{
	uint32_t end = off + rr->rdlen;

	switch (rr->type) {
	case NS_DNS_T_A:
	case NS_DNS_T_AAAA: {
		uint32_t alen = rr->type == NS_DNS_T_A ? 4 : 16;
		if (rr->rdlen != alen) {
			d->errors |= NS_DNS_E_BAD_RDATA;
			return;
		}
		rr->addr.family = rr->type == NS_DNS_T_A ? 4 : 6;
		memcpy(rr->addr.a, msg + off, alen);
		return;
	}
	case NS_DNS_T_CNAME:
	case NS_DNS_T_NS:
	case NS_DNS_T_PTR:
	case NS_DNS_T_DNAME:
		rdata_name(msg, len, off, end, rr, d);
		return;
	case NS_DNS_T_MX:
		if (rr->rdlen < 3) {
			d->errors |= NS_DNS_E_BAD_RDATA;
			return;
		}
		rdata_name(msg, len, off + 2, end, rr, d);
		return;
	default:
		return;
	}
}

/* Answer records. Stops at the first one that does not fit. */
static void decode_answers(const uint8_t *msg, uint32_t len, uint32_t off, struct ns_dns *d)
{
	static const struct ns_dns_rr zero_rr;
	struct ns_dns_rr scratch;

	for (uint32_t i = 0; i < d->ancount; i++) {
		bool keep = d->nan < NS_DNS_MAX_AN;
		struct ns_dns_rr *rr = keep ? &d->an[d->nan] : &scratch;
		uint32_t next = 0;
		int rc;

		*rr = zero_rr;
		rc = read_name(msg, len, off, rr->name, &next);
		if (rc != NAME_OK) {
			d->errors |= name_error(rc);
			return;
		}
		if (!ns_have(len, next, 10)) {
			d->errors |= NS_DNS_E_TRUNCATED;
			return;
		}
		rr->type = ns_get16(msg + next);
		rr->rclass = ns_get16(msg + next + 2);
		rr->ttl = ns_get32(msg + next + 4);
		rr->rdlen = ns_get16(msg + next + 8);
		off = next + 10;
		if (!ns_have(len, off, rr->rdlen)) {
			d->errors |= NS_DNS_E_TRUNCATED;
			return;
		}
		decode_rdata(msg, len, off, rr, d);
		off += rr->rdlen;
		if (keep)
			d->nan++;
		else
			d->errors |= NS_DNS_E_TOO_MANY;
	}
}

int ns_decode_dns(const uint8_t *data, uint32_t caplen, struct ns_dns *out)
{
	uint32_t off;

	/* Only the header is zeroed: the arrays are filled up to nq/nan. */
	memset(out, 0, offsetof(struct ns_dns, q));
	out->nan = 0;
	out->errors = 0;
	if (data == NULL || caplen < DNS_HDR_LEN)
		return -1;
	decode_header(data, out);
	off = decode_questions(data, caplen, DNS_HDR_LEN, out);
	if (off == 0)
		return 0;
	decode_answers(data, caplen, off, out);
	return 0;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool ns_dns_name_equal(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower(*a) != lower(*b))
			return false;
	return *a == *b;
}

const char *ns_dns_type_name(uint16_t type)
{
	switch (type) {
	case 1: return "A";
	case 2: return "NS";
	case 5: return "CNAME";
	case 6: return "SOA";
	case 12: return "PTR";
	case 13: return "HINFO";
	case 15: return "MX";
	case 16: return "TXT";
	case 28: return "AAAA";
	case 33: return "SRV";
	case 35: return "NAPTR";
	case 39: return "DNAME";
	case 41: return "OPT";
	case 43: return "DS";
	case 46: return "RRSIG";
	case 47: return "NSEC";
	case 48: return "DNSKEY";
	case 50: return "NSEC3";
	case 64: return "SVCB";
	case 65: return "HTTPS";
	case 252: return "AXFR";
	case 255: return "ANY";
	case 257: return "CAA";
	default: return NULL;
	}
}

const char *ns_dns_class_name(uint16_t qclass)
{
	switch (qclass & 0x7fff) {   /* top bit: mDNS unicast-response / cache-flush */
	case 1: return "IN";
	case 3: return "CH";
	case 4: return "HS";
	case 254: return "NONE";
	case 255: return "ANY";
	default: return NULL;
	}
}

const char *ns_dns_opcode_name(uint8_t opcode)
{
	switch (opcode) {
	case 0: return "query";
	case 1: return "iquery";
	case 2: return "status";
	case 4: return "notify";
	case 5: return "update";
	default: return NULL;
	}
}

const char *ns_dns_rcode_name(uint8_t rcode)
{
	switch (rcode) {
	case 0: return "no error";
	case 1: return "format error";
	case 2: return "server failure";
	case 3: return "name error";
	case 4: return "not implemented";
	case 5: return "refused";
	default: return NULL;
	}
}

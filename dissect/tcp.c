/* TCP header and options (RFC 9293, 7323, 2018, 3540).
 *
 * Like tcpdump's print-tcp.c, every read is checked against the captured
 * length; unlike it, we only fill struct ns_tcp and flag what is wrong.
 */
#include <string.h>
#include "dissect.h"
#include "bytes.h"

#define TCP_HDR_LEN 20u
#define TCP_MAX_WSCALE 14u	/* RFC 7323 2.3 */

enum {
	TCPOPT_EOL = 0, TCPOPT_NOP = 1, TCPOPT_MSS = 2, TCPOPT_WS = 3,
	TCPOPT_SACK_PERM = 4, TCPOPT_SACK = 5, TCPOPT_TS = 8, TCPOPT_TFO = 34,
};

/* Kinds that may appear once per segment (Suricata flags a second one as
 * TCP_OPT_DUPLICATE): a bit per kind, all below 64. */
static uint64_t once_bit(uint8_t kind)
{
	switch (kind) {
	case TCPOPT_MSS: case TCPOPT_WS: case TCPOPT_SACK_PERM: case TCPOPT_SACK:
	case TCPOPT_TS: case TCPOPT_TFO:
		return (uint64_t)1 << kind;
	default:
		return 0;
	}
}

/* Fixed header fields, each only if all its bytes were captured. */
static void tcp_fixed_fields(const uint8_t *p, uint16_t avail, struct ns_tcp *t)
{
	if (avail >= 2)
		t->src_port = ns_get16(p);
	if (avail >= 4)
		t->dst_port = ns_get16(p + 2);
	if (avail >= 8)
		t->seq = ns_get32(p + 4);
	if (avail >= 12)
		t->ack = ns_get32(p + 8);
	if (avail >= 13) {
		t->data_offset = p[12] >> 4;
		if (p[12] & 0x01)
			t->flags |= NS_TCP_NS;
	}
	if (avail >= 14)
		t->flags |= p[13];  /* FIN..CWR are bits 0..7 of byte 13, as in enum ns_tcp_flag */
	if (avail >= 16)
		t->window = ns_get16(p + 14);
	if (avail >= 18)
		t->checksum = ns_get16(p + 16);
	if (avail >= 20)
		t->urgent = ns_get16(p + 18);
}

static void tcp_record_opt(struct ns_tcp *t, uint8_t kind, uint8_t len, uint32_t off)
{
	if (t->nopts >= NS_MAX_TCP_OPTS)
		return;  /* 40 option bytes can hold more NOPs than we keep; values still parsed */
	t->opts[t->nopts].kind = kind;
	t->opts[t->nopts].len = len;
	t->opts[t->nopts].off = (uint16_t)off;
	t->nopts++;
}

/* Interpret one complete, captured option of known kind. Returns false if its
 * length is wrong for its kind (the option is still recorded by kind/len). */
static bool tcp_parse_opt(const uint8_t *o, uint8_t kind, uint8_t len, struct ns_tcp *t)
{
	switch (kind) {
	case TCPOPT_MSS:
		if (len != 4)
			return false;
		if (!t->has_mss) {
			t->has_mss = true;
			t->mss = ns_get16(o + 2);
		}
		return true;
	case TCPOPT_WS:
		if (len != 3)
			return false;
		if (!t->has_wscale) {
			t->has_wscale = true;
			/* RFC 7323 2.3: a shift above 14 is used as 14;
			 * the option bytes keep what was sent */
			t->wscale = o[2] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : o[2];
		}
		return o[2] <= TCP_MAX_WSCALE;
	case TCPOPT_SACK_PERM:
		if (len != 2)
			return false;
		t->sack_permitted = true;
		return true;
	case TCPOPT_SACK:
		if (len < 10 || (len - 2) % 8 != 0)
			return false;
		for (uint32_t b = 2; b + 8 <= len && t->nsack < NS_MAX_SACK; b += 8) {
			t->sack_left[t->nsack] = ns_get32(o + b);
			t->sack_right[t->nsack] = ns_get32(o + b + 4);
			t->nsack++;
		}
		return true;
	case TCPOPT_TS:
		if (len != 10)
			return false;
		if (!t->has_ts) {
			t->has_ts = true;
			t->ts_val = ns_get32(o + 2);
			t->ts_ecr = ns_get32(o + 6);
		}
		return true;
	default:
		return true;  /* unknown kinds are kept by kind/len only */
	}
}

/* Walk the options in [20, hlen), reading only below cap_end (<= hlen).
 * A malformed list (length 0/1, running past the header) sets BAD_OPTIONS; a
 * list cut at cap_end sets cut_flag (TRUNCATED for the capture, 0 for the end
 * of a first fragment). Either way the walk stops. A malformed option value
 * (wrong length for its kind, window scale above 14) or a second option of a
 * once-only kind sets BAD_OPTIONS and the walk goes on. */
static void tcp_options(const uint8_t *p, uint32_t hlen, uint32_t cap_end,
			uint32_t cut_flag, struct ns_packet *pkt)
{
	struct ns_tcp *t = &pkt->tcp;
	uint32_t off = TCP_HDR_LEN;
	uint64_t seen = 0;

	/* NOP, NOP, timestamps: the options of nearly every segment of a Linux
	 * connection. Recorded exactly as the walk below would, without it. */
	if (hlen == TCP_HDR_LEN + 12 && cap_end >= hlen && t->nopts == 0 && !t->has_ts &&
	    p[20] == TCPOPT_NOP && p[21] == TCPOPT_NOP && p[22] == TCPOPT_TS && p[23] == 10) {
		tcp_record_opt(t, TCPOPT_NOP, 1, 20);
		tcp_record_opt(t, TCPOPT_NOP, 1, 21);
		tcp_record_opt(t, TCPOPT_TS, 10, 22);
		t->has_ts = true;
		t->ts_val = ns_get32(p + 24);
		t->ts_ecr = ns_get32(p + 28);
		return;
	}

	while (off < hlen) {
		if (off >= cap_end) {
			pkt->flags |= cut_flag;
			return;
		}
		uint8_t kind = p[off];
		if (kind == TCPOPT_EOL || kind == TCPOPT_NOP) {
			tcp_record_opt(t, kind, 1, off);
			off++;
			if (kind == TCPOPT_EOL)
				return;  /* the rest is padding */
			continue;
		}
		if (off + 1 >= hlen) {
			pkt->flags |= NS_F_BAD_OPTIONS;  /* no room for the length byte */
			return;
		}
		if (off + 1 >= cap_end) {
			pkt->flags |= cut_flag;
			return;
		}
		uint8_t len = p[off + 1];
		if (len < 2 || off + len > hlen) {
			pkt->flags |= NS_F_BAD_OPTIONS;
			return;
		}
		if (off + len > cap_end) {
			pkt->flags |= cut_flag;  /* value bytes not captured: not recorded */
			return;
		}
		tcp_record_opt(t, kind, len, off);
		if (!tcp_parse_opt(p + off, kind, len, t) || (seen & once_bit(kind)))
			pkt->flags |= NS_F_BAD_OPTIONS;
		seen |= once_bit(kind);
		off += len;
	}
}

int ns_decode_tcp(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_tcp *t = &pkt->tcp;

	/* no memset of *t: like every layer decoder, this fills a packet that
	 * ns_dissect (or the caller) zeroed, and a second clear of 160 bytes per
	 * packet was a measurable part of reading a capture */
	pkt->l4 = NS_L4_TCP;
	pkt->payload = NULL;
	pkt->payload_caplen = 0;
	if (caplen > len)
		caplen = len;  /* never look past what the IP layer declared */
	t->hdr = data;
	t->hdr_avail = (uint16_t)(caplen < TCP_HDR_LEN ? caplen : TCP_HDR_LEN);
	tcp_fixed_fields(data, t->hdr_avail, t);

	if (len < TCP_HDR_LEN) {
		/* the declared segment cannot even hold the fixed header; in a
		 * first fragment the rest of it is in the next fragment */
		if (!pkt->more_fragments)
			pkt->flags |= NS_F_BAD_LENGTH;
		else if (caplen < len)
			pkt->flags |= NS_F_TRUNCATED;
		return t->hdr_avail >= 4 ? 0 : -1;
	}
	if (caplen < TCP_HDR_LEN) {
		pkt->flags |= NS_F_TRUNCATED;
		return t->hdr_avail >= 4 ? 0 : -1;
	}

	/* A data offset below 5 is impossible; treat the header as the fixed 20
	 * bytes so payload accounting stays sane, and flag it. */
	uint32_t hlen = (uint32_t)t->data_offset * 4;
	if (t->data_offset < 5) {
		pkt->flags |= NS_F_BAD_HEADER;
		hlen = TCP_HDR_LEN;
	}
	if (hlen > len && pkt->more_fragments) {
		/* options continue in the next fragment: read what is here */
		tcp_options(data, hlen, caplen, caplen < len ? NS_F_TRUNCATED : 0, pkt);
	} else if (hlen > len) {
		/* options end with the segment: one spanning its end is malformed */
		pkt->flags |= NS_F_BAD_LENGTH;
		tcp_options(data, len, caplen, NS_F_TRUNCATED, pkt);
	} else {
		tcp_options(data, hlen, caplen < hlen ? caplen : hlen, NS_F_TRUNCATED, pkt);
		t->payload_len = len - hlen;
		if (caplen > hlen) {
			pkt->payload = data + hlen;
			pkt->payload_caplen = caplen - hlen;
		}
	}
	if (caplen < len)
		pkt->flags |= NS_F_TRUNCATED;
	return 0;
}

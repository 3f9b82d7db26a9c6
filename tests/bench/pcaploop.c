/* The practical limit for reading a capture: a minimal libpcap loop that touches
 * every packet (sums lengths and the first byte) and does nothing else. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdint.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	uint64_t n = 0, bytes = 0, sum = 0;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: pcaploop FILE\n");
		return 2;
	}
	p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "pcaploop: %s\n", err);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		n++;
		bytes += h->caplen;
		if (h->caplen)
			sum += d[0];
	}
	pcap_close(p);
	printf("%llu packets %llu bytes %llu\n", (unsigned long long)n,
	       (unsigned long long)bytes, (unsigned long long)sum);
	return rc == PCAP_ERROR ? 1 : 0;
}

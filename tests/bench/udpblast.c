/* A UDP packet generator for tests/bench-live.sh part A: iperf3 -u on the
 * paravirtualised test machine never reaches 200k packets/s (it sends one
 * datagram per system call and sleeps between them), so the tracer's
 * zero-drop rate could not be measured there. This sends with sendmmsg(2) in
 * batches of up to 64, paced to RATE packets/s over SECONDS, and prints what
 * it sent; `sink` receives and counts (so no ICMP port-unreachable replies
 * add packets).
 *
 *   udpblast send ADDR PORT RATE SECONDS [PAYLOAD]   prints "sent N in S s"
 *   udpblast sink PORT SECONDS                       prints "received N"
 * ADDR: IPv4 or IPv6 literal. PAYLOAD: bytes per datagram (default 64). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* sendmmsg, recvmmsg */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fputs("usage: udpblast send ADDR PORT RATE SECONDS [PAYLOAD] | udpblast sink PORT SECONDS\n",
	      stderr);
	return 2;
}

static int blast(const char *addr, int port, double rate, double secs, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	static uint8_t payload[65507];
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	uint64_t sent = 0, want;
	double t0, t;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		sl = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		sl = sizeof(struct sockaddr_in6);
	} else {
		fprintf(stderr, "udpblast: %s: not an IPv4 or IPv6 address\n", addr);
		return 2;
	}
	if (len > sizeof(payload))
		len = sizeof(payload);
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) != 0) {
		fprintf(stderr, "udpblast: %s\n", strerror(errno));
		return 1;
	}
	iov.iov_base = payload;
	iov.iov_len = len;
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now_s();
	for (;;) {
		t = now_s() - t0;
		if (t >= secs)
			break;
		want = (uint64_t)(t * rate) + 1;
		if (want <= sent) {
			struct timespec nap = { 0, 20000 };
			nanosleep(&nap, NULL);
			continue;
		}
		unsigned n = want - sent > BATCH ? BATCH : (unsigned)(want - sent);
		int k = sendmmsg(fd, msgs, n, 0);
		if (k > 0)
			sent += (uint64_t)k;
		else if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED)
			break;
	}
	printf("sent %llu in %.2f s\n", (unsigned long long)sent, now_s() - t0);
	close(fd);
	return 0;
}

static int sink(int port, double secs)
{
	struct sockaddr_in6 sa;
	static uint8_t bufs[BATCH][2048];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct timeval tv = { 0, 200000 };
	uint64_t got = 0;
	int fd = socket(AF_INET6, SOCK_DGRAM, 0), off = 0;
	double t0 = now_s();

	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	sa.sin6_port = htons((uint16_t)port);
	sa.sin6_addr = in6addr_any;
	if (fd < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "udpblast: %s\n", strerror(errno));
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (now_s() - t0 < secs) {
		int k = recvmmsg(fd, msgs, BATCH, 0, NULL);
		if (k > 0)
			got += (uint64_t)k;
	}
	printf("received %llu\n", (unsigned long long)got);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 6 && strcmp(argv[1], "send") == 0)
		return blast(argv[2], atoi(argv[3]), atof(argv[4]), atof(argv[5]),
			     argc > 6 ? (size_t)atol(argv[6]) : 64);
	if (argc == 4 && strcmp(argv[1], "sink") == 0)
		return sink(atoi(argv[2]), atof(argv[3]));
	return usage();
}

/* The table's time column, as tcpdump prints it (print.c ts_format and
 * friends): time of day in local time by default, none (-t), seconds since
 * the epoch (-tt), the delta from the previous line (-ttt), date and time
 * (-tttt), time since the first line (-ttttt); microseconds, or nanoseconds
 * with --time-precision=nano; UTC instead of local time with --utc. */
#include <string.h>
#include <time.h>

#include "output/table.h"

/* Broken-down local or UTC time of `secs`, cached per minute: every line
 * needs it and a capture's packets share their minutes. */
static void clock_of(struct ns_timefmt *tf, int64_t secs, int f[6])
{
	int64_t min = secs >= 0 ? secs / 60 : (secs - 59) / 60;

	if (!tf->cache_ok || tf->cache_min != min) {
		time_t t = (time_t)(min * 60);
		struct tm tm;

		if (!(tf->utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)))
			memset(&tm, 0, sizeof(tm));
		tf->cache[0] = tm.tm_year + 1900;
		tf->cache[1] = tm.tm_mon + 1;
		tf->cache[2] = tm.tm_mday;
		tf->cache[3] = tm.tm_hour;
		tf->cache[4] = tm.tm_min;
		tf->cache_sec0 = tm.tm_sec;   /* 0, but a leap-second zone may say otherwise */
		tf->cache_min = min;
		tf->cache_ok = true;
	}
	memcpy(f, tf->cache, 5 * sizeof(int));
	f[5] = tf->cache_sec0 + (int)(secs - min * 60);
}

static size_t put_frac(char *d, const struct ns_timefmt *tf, uint64_t ns)
{
	d[0] = '.';
	if (tf->nano)
		return 1 + fmt_u_pad(d + 1, ns % 1000000000u, 9);
	return 1 + fmt_u_pad(d + 1, ns % 1000000000u / 1000u, 6);
}

/* HH:MM:SS.frac of a duration (hours not wrapped at a day, as tcpdump) */
static size_t put_duration(char *d, const struct ns_timefmt *tf, uint64_t ns, bool neg)
{
	uint64_t s = ns / 1000000000u;
	size_t n = 0;

	if (neg)
		d[n++] = '-';
	n += fmt_u_pad(d + n, s / 3600, 2);
	d[n++] = ':';
	n += fmt_u_pad(d + n, s / 60 % 60, 2);
	d[n++] = ':';
	n += fmt_u_pad(d + n, s % 60, 2);
	return n + put_frac(d + n, tf, ns);
}

void out_table_time(struct ns_out *o, uint64_t ts_ns)
{
	struct ns_timefmt *tf = &o->tf;
	char *d;
	size_t n = 0;
	int f[6];

	if (tf->mode == NS_TIME_NONE)
		return;
	d = ob_reserve(o->ob, 64);
	switch (tf->mode) {
	case NS_TIME_EPOCH:
		n = fmt_u64(d, ts_ns / 1000000000u);
		n += put_frac(d + n, tf, ts_ns);
		break;
	case NS_TIME_DELTA:
		if (!tf->have_prev)
			tf->prev_ns = ts_ns;
		n = ts_ns >= tf->prev_ns ? put_duration(d, tf, ts_ns - tf->prev_ns, false)
					 : put_duration(d, tf, tf->prev_ns - ts_ns, true);
		break;
	case NS_TIME_SINCE_FIRST:
		if (!tf->have_prev)
			tf->first_ns = ts_ns;
		n = ts_ns >= tf->first_ns ? put_duration(d, tf, ts_ns - tf->first_ns, false)
					  : put_duration(d, tf, tf->first_ns - ts_ns, true);
		break;
	case NS_TIME_DATE:
	case NS_TIME_CLOCK:
	default:
		clock_of(tf, (int64_t)(ts_ns / 1000000000u), f);
		if (tf->mode == NS_TIME_DATE) {
			n += fmt_u_pad(d + n, (uint64_t)f[0], 4);
			d[n++] = '-';
			n += fmt_u_pad(d + n, (uint64_t)f[1], 2);
			d[n++] = '-';
			n += fmt_u_pad(d + n, (uint64_t)f[2], 2);
			d[n++] = ' ';
		}
		n += fmt_u_pad(d + n, (uint64_t)f[3], 2);
		d[n++] = ':';
		n += fmt_u_pad(d + n, (uint64_t)f[4], 2);
		d[n++] = ':';
		n += fmt_u_pad(d + n, (uint64_t)f[5], 2);
		n += put_frac(d + n, tf, ts_ns);
		break;
	}
	d[n++] = ' ';
	o->ob->len += n;
	tf->prev_ns = ts_ns;
	tf->have_prev = true;
}

/* read --threads N (see read_threads.h).
 *
 * Half of `read -o json` is rendering packet events; everything else keeps
 * state from one packet to the next (flows, DNS cache, reassembly,
 * --analysis) and stays on the reading thread. So the reader fills a batch:
 * for each frame with events a copy of its captured bytes, its link type,
 * its struct ns_ctx (direction decided) and its event mask, and, in between,
 * the bytes consumers wrote (flow, DNS and analysis events: p->ob points at
 * the batch's buffer, and each frame records how much of it came before its
 * own events). A worker decodes each frame again (ns_dissect is a pure
 * function of the bytes, the link type and ctx->wire_len) and renders it with
 * a struct ns_out of its own: the same text as the reader would have made.
 *
 * Batches use the slots of a ring in sequence order and are written to
 * standard output strictly in that order, by whichever thread finished the
 * next one to write; a slot is free again once written, so memory is bounded
 * and the reader waits (rendering a batch itself meanwhile) when every slot
 * is in use. While a batch waits for a worker, the reader renders the frames
 * it reads itself, into the batch's bytes as consumers do (no copy, no
 * second decode), so a slow worker costs little more than one thread. */
#include "read_threads.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "output/json.h"
#include "output/output.h"

#define BATCH_FRAMES 256                  /* frames with events per batch */
#define BATCH_DATA ((size_t)512 << 10)    /* captured bytes per batch */
#define BATCH_BYTES ((size_t)512 << 10)   /* consumers' bytes per batch */
#define OUT_CAP ((size_t)1 << 20)         /* first size of a rendered batch */
#define MAX_SLOTS 32

struct rt_frame {
	struct ns_ctx ctx;       /* as the reader had it when it would have rendered */
	size_t off;              /* its bytes in the batch's data */
	size_t boff;             /* the consumers' bytes before its events end here */
	uint32_t caplen;
	uint32_t sel;
	uint8_t lt;              /* enum ns_linktype */
};

enum { SLOT_FREE, SLOT_FILLING, SLOT_READY, SLOT_RENDERING, SLOT_DONE };

struct rt_batch {
	int state;               /* SLOT_*, under the mutex */
	struct rt_frame *frames;
	size_t nframes;
	uint8_t *data;
	size_t dlen, dcap;
	struct outbuf bytes;     /* what consumers wrote (the reader's p->ob) */
	struct outbuf out;       /* the batch rendered */
};

/* What renders: a worker, or the reader when it helps. */
struct renderer {
	struct ns_packet *pkt;
	struct ns_out out;
};

struct worker {
	struct ns_rt *t;
	pthread_t th;
	bool started;
	struct renderer r;
};

struct ns_rt {
	struct pipeline *p;
	struct outbuf *stdout_ob;
	unsigned nslots;
	struct rt_batch *slot;
	unsigned nworkers;
	struct worker *w;
	struct renderer self;    /* the reader's, when it renders */
	pthread_mutex_t mu;
	pthread_cond_t work_cv;  /* workers: a batch is ready, or stop */
	pthread_cond_t done_cv;  /* reader: a batch was written */
	/* batch sequence numbers; batch s is in slot s % nslots */
	uint64_t fill;           /* the one the reader fills */
	uint64_t submitted;      /* those below are ready or further */
	_Atomic uint64_t claimed; /* those below are being or were rendered (the
				   * reader reads it without the mutex) */
	uint64_t written;        /* those below are written: their slots are free */
	bool writing;            /* a thread is writing one */
	/* who sleeps: wake-ups are system calls, made only when one does */
	unsigned idle;           /* workers waiting on work_cv */
	bool reader_waits;       /* the reader waits on done_cv */
	bool stop;
	bool ended;              /* ns_rt_end ran */
	int err;                 /* errno of the first failed write */
	uint64_t bytes_written;
	uint64_t gen;            /* outbuf generations handed out (see outbuf.h) */
};

static struct rt_batch *slot_of(struct ns_rt *t, uint64_t seq)
{
	return &t->slot[seq % t->nslots];
}

/* ---- rendering ---- */

static void render(struct renderer *r, struct rt_batch *b, uint64_t gen)
{
	struct outbuf *ob = &b->out;
	size_t prev = 0;

	if (b->nframes == 0) {
		/* all rendered by the reader already: its bytes are the batch */
		struct outbuf tmp = b->out;
		b->out = b->bytes;
		b->bytes = tmp;
		return;
	}
	ob->len = 0;
	ob->gen = gen;
	r->out.ob = ob;
	for (size_t i = 0; i < b->nframes; i++) {
		const struct rt_frame *f = &b->frames[i];
		struct ns_ctx ctx = f->ctx;
		const uint8_t *data = b->data + f->off;

		ob_mem(ob, b->bytes.buf + prev, f->boff - prev);
		prev = f->boff;
		/* decoded before (with the same result): its events again */
		if (ns_dissect((enum ns_linktype)f->lt, data, f->caplen, &ctx, r->pkt) == 0)
			r->out.fmt->packet(&r->out, r->pkt, data + f->caplen, f->sel);
	}
	ob_mem(ob, b->bytes.buf + prev, b->bytes.len - prev);
}

/* Write the batches that are next in order and rendered, unless another
 * thread is at it (it writes them then). Called with the mutex held. */
static void write_ready(struct ns_rt *t)
{
	while (!t->writing && t->written < t->submitted &&
	       slot_of(t, t->written)->state == SLOT_DONE) {
		struct rt_batch *b = slot_of(t, t->written);
		int err = t->err;

		t->writing = true;
		pthread_mutex_unlock(&t->mu);
		if (!err)
			err = b->out.err;   /* rendered text lost for want of memory */
		if (!err)
			err = ob_write_all(t->stdout_ob->fd, b->out.buf, b->out.len);
		pthread_mutex_lock(&t->mu);
		if (err && !t->err)
			t->err = err;
		else if (!err)
			t->bytes_written += b->out.len;
		b->state = SLOT_FREE;
		t->written++;
		t->writing = false;
		if (t->reader_waits)
			pthread_cond_signal(&t->done_cv);
	}
}

/* Render the next ready batch and write what can be. Mutex held, and a
 * ready batch not yet claimed. */
static void render_next(struct ns_rt *t, struct renderer *r)
{
	uint64_t seq = t->claimed++;
	struct rt_batch *b = slot_of(t, seq);
	uint64_t gen = ++t->gen;

	b->state = SLOT_RENDERING;
	pthread_mutex_unlock(&t->mu);
	render(r, b, gen);
	pthread_mutex_lock(&t->mu);
	b->state = SLOT_DONE;
	write_ready(t);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct ns_rt *t = w->t;

	pthread_mutex_lock(&t->mu);
	for (;;) {
		while (!t->stop && t->claimed == t->submitted) {
			t->idle++;
			pthread_cond_wait(&t->work_cv, &t->mu);
			t->idle--;
		}
		if (t->claimed == t->submitted)
			break;   /* stopping, nothing left */
		render_next(t, &w->r);
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

/* ---- the reader's side ---- */

/* Wait (mutex held) until cond holds, rendering ready batches meanwhile. */
#define WAIT_HELPING(t, cond) do { \
	while (!(cond)) { \
		if ((t)->claimed < (t)->submitted) \
			render_next((t), &(t)->self); \
		else { \
			(t)->reader_waits = true; \
			pthread_cond_wait(&(t)->done_cv, &(t)->mu); \
			(t)->reader_waits = false; \
		} \
	} \
} while (0)

/* Take the slot of batch t->fill for the reader (mutex held). */
static void take_slot(struct ns_rt *t)
{
	struct rt_batch *b;

	WAIT_HELPING(t, t->fill < t->written + t->nslots);
	b = slot_of(t, t->fill);
	b->state = SLOT_FILLING;
	b->nframes = 0;
	b->dlen = 0;
	b->bytes.len = 0;
	b->bytes.gen = ++t->gen;
	/* a failed write stops the reading as with one thread (pipeline_done) */
	b->bytes.err = t->err;
	t->p->ob = &b->bytes;
	t->p->out.ob = &b->bytes;
}

/* Hand the batch being filled to the workers and take the next slot. */
static void submit(struct ns_rt *t)
{
	pthread_mutex_lock(&t->mu);
	/* what consumers wrote was lost (outbuf.c: no memory to grow it) */
	if (slot_of(t, t->fill)->bytes.err && !t->err)
		t->err = slot_of(t, t->fill)->bytes.err;
	slot_of(t, t->fill)->state = SLOT_READY;
	t->submitted = ++t->fill;
	if (t->idle)
		pthread_cond_signal(&t->work_cv);
	take_slot(t);
	pthread_mutex_unlock(&t->mu);
}

/* A frame handed over: its bytes and what decoding them again needs.
 * false when its bytes do not fit and no more memory is to be had. */
static bool defer(struct rt_batch *b, enum ns_linktype lt, const uint8_t *data,
		  uint32_t caplen, const struct ns_ctx *ctx, uint32_t sel)
{
	struct rt_frame *f;

	if (b->dcap - b->dlen < caplen) {
		size_t cap = b->dcap ? b->dcap : BATCH_DATA;
		uint8_t *nd;
		while (cap - b->dlen < caplen)
			cap *= 2;
		nd = realloc(b->data, cap);
		if (!nd)
			return false;
		b->data = nd;
		b->dcap = cap;
	}
	f = &b->frames[b->nframes++];
	f->ctx = *ctx;
	f->off = b->dlen;
	f->boff = b->bytes.len;
	f->caplen = caplen;
	f->sel = sel;
	f->lt = (uint8_t)lt;
	memcpy(b->data + b->dlen, data, caplen);
	b->dlen += caplen;
	return true;
}

unsigned ns_rt_frame(struct ns_rt *t, enum ns_linktype lt, const uint8_t *data,
		     uint32_t caplen, const struct ns_ctx *ctx, const struct ns_packet *pkt,
		     uint32_t sel)
{
	struct rt_batch *b = slot_of(t, t->fill);
	struct pipeline *p = t->p;
	unsigned n;

	/* The workers are behind (a batch waits for one), or the frame cannot
	 * be copied: render it here, in its place among the batch's bytes, as
	 * one thread does. */
	if (atomic_load_explicit(&t->claimed, memory_order_relaxed) < t->submitted ||
	    !defer(b, lt, data, caplen, ctx, sel)) {
		n = p->out.fmt->packet(&p->out, pkt, data + caplen, sel);
	} else {
		n = out_json_packet_nevents(sel);   /* as the worker will write */
	}
	if (b->nframes == BATCH_FRAMES || b->dlen >= BATCH_DATA || b->bytes.len >= BATCH_BYTES)
		submit(t);
	return n;
}

void ns_rt_sync(struct ns_rt *t)
{
	struct rt_batch *b = slot_of(t, t->fill);

	if (b->nframes == 0 && b->bytes.len == 0) {
		pthread_mutex_lock(&t->mu);
		WAIT_HELPING(t, t->written == t->submitted);
		b->bytes.err = t->err;
		pthread_mutex_unlock(&t->mu);
		return;
	}
	submit(t);
	pthread_mutex_lock(&t->mu);
	WAIT_HELPING(t, t->written == t->submitted);
	slot_of(t, t->fill)->bytes.err = t->err;
	pthread_mutex_unlock(&t->mu);
}

/* ---- setup ---- */

static int batch_init(struct rt_batch *b)
{
	memset(b, 0, sizeof(*b));
	b->frames = malloc(BATCH_FRAMES * sizeof(*b->frames));
	b->data = malloc(BATCH_DATA);
	if (!b->frames || !b->data)
		return -1;
	b->dcap = BATCH_DATA;
	if (ob_init(&b->bytes, -1, BATCH_BYTES + 4096) < 0)
		return -1;
	if (ob_init(&b->out, -1, OUT_CAP) < 0)
		return -1;
	return 0;
}

static void batch_free(struct rt_batch *b)
{
	free(b->frames);
	free(b->data);
	ob_free(&b->bytes);
	ob_free(&b->out);
}

static int renderer_init(struct renderer *r, const struct ns_out *like)
{
	r->pkt = calloc(1, sizeof(*r->pkt));
	if (!r->pkt)
		return -1;
	memset(&r->out, 0, sizeof(r->out));
	r->out.fmt = like->fmt;
	r->out.cid_seed = like->cid_seed;
	r->out.cid_packets = like->cid_packets;
	return 0;
}

static void stop_workers(struct ns_rt *t)
{
	pthread_mutex_lock(&t->mu);
	t->stop = true;
	pthread_cond_broadcast(&t->work_cv);
	pthread_mutex_unlock(&t->mu);
	for (unsigned i = 0; t->w && i < t->nworkers; i++)
		if (t->w[i].started) {
			pthread_join(t->w[i].th, NULL);
			t->w[i].started = false;
		}
}

void ns_rt_free(struct ns_rt *t)
{
	if (!t)
		return;
	stop_workers(t);
	for (unsigned i = 0; t->slot && i < t->nslots; i++)
		batch_free(&t->slot[i]);
	for (unsigned i = 0; t->w && i < t->nworkers; i++)
		free(t->w[i].r.pkt);
	free(t->self.pkt);
	free(t->slot);
	free(t->w);
	pthread_cond_destroy(&t->work_cv);
	pthread_cond_destroy(&t->done_cv);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

struct ns_rt *ns_rt_new(unsigned nthreads, struct pipeline *p)
{
	struct ns_rt *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->work_cv, NULL);
	pthread_cond_init(&t->done_cv, NULL);
	t->p = p;
	t->stdout_ob = p->ob;
	t->nworkers = nthreads - 1;
	t->nslots = 2 * nthreads < MAX_SLOTS ? 2 * nthreads : MAX_SLOTS;
	if (t->nslots < 4)
		t->nslots = 4;
	t->slot = calloc(t->nslots, sizeof(*t->slot));
	t->w = calloc(t->nworkers, sizeof(*t->w));
	if (!t->slot || !t->w || renderer_init(&t->self, &p->out) < 0)
		goto fail;
	for (unsigned i = 0; i < t->nslots; i++)
		if (batch_init(&t->slot[i]) < 0)
			goto fail;
	for (unsigned i = 0; i < t->nworkers; i++) {
		t->w[i].t = t;
		if (renderer_init(&t->w[i].r, &p->out) < 0)
			goto fail;
	}
	for (unsigned i = 0; i < t->nworkers; i++) {
		if (pthread_create(&t->w[i].th, NULL, worker_main, &t->w[i]) != 0)
			goto fail;
		t->w[i].started = true;
	}
	pthread_mutex_lock(&t->mu);
	take_slot(t);
	pthread_mutex_unlock(&t->mu);
	return t;
fail:
	p->ob = t->stdout_ob;
	p->out.ob = t->stdout_ob;
	ns_rt_free(t);
	return NULL;
}

void ns_rt_end(struct ns_rt *t)
{
	if (t->ended)
		return;
	t->ended = true;
	ns_rt_sync(t);
	stop_workers(t);
	t->stdout_ob->written += t->bytes_written;
	if (t->err && !t->stdout_ob->err)
		t->stdout_ob->err = t->err;
	t->p->ob = t->stdout_ob;
	t->p->out.ob = t->stdout_ob;
}

/* DNS cache: (address, name) pairs with a validity interval in packet time.
 * See dnscache.h. Entries live in a fixed pool; the hash is on the address
 * alone, so all names of one address are on one chain.
 */
#include <stdlib.h>
#include <string.h>
#include "dnscache.h"
#include "nshash.h"

#define NIL UINT32_MAX
#define NS_PER_S 1000000000ull

struct entry {
	struct ns_addr addr;
	uint32_t hnext;          /* hash chain, or free list */
	uint32_t prev, next;     /* LRU by last refresh; head = most recent */
	uint64_t first_ns;       /* valid from ... */
	uint64_t expires_ns;     /* ... until (inclusive) */
	char name[NS_DNS_NAME_MAX];
};

struct ns_dnscache {
	struct entry *pool;
	uint32_t cap, hwm, used, free_head;
	uint32_t *buckets;
	uint32_t mask;
	uint32_t head, tail;
	uint64_t evicted;        /* entries reused while the pool was full */
};

static uint32_t bucket_of(const struct ns_dnscache *c, const struct ns_addr *a)
{
	uint8_t key[17];

	key[0] = a->family;
	memcpy(key + 1, a->a, 16);
	return (uint32_t)ns_hash_bytes(key, sizeof(key), NS_HASH_DEFAULT_SEED) & c->mask;
}

static bool addr_same(const struct ns_addr *x, const struct ns_addr *y)
{
	return x->family == y->family && memcmp(x->a, y->a, x->family == 4 ? 4 : 16) == 0;
}

static void lru_unlink(struct ns_dnscache *c, uint32_t i)
{
	struct entry *e = &c->pool[i];

	if (e->prev != NIL)
		c->pool[e->prev].next = e->next;
	else
		c->head = e->next;
	if (e->next != NIL)
		c->pool[e->next].prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NIL;
}

static void lru_push(struct ns_dnscache *c, uint32_t i)
{
	struct entry *e = &c->pool[i];

	e->prev = NIL;
	e->next = c->head;
	if (c->head != NIL)
		c->pool[c->head].prev = i;
	c->head = i;
	if (c->tail == NIL)
		c->tail = i;
}

static void hash_unlink(struct ns_dnscache *c, uint32_t i)
{
	uint32_t *pp = &c->buckets[bucket_of(c, &c->pool[i].addr)];

	while (*pp != NIL && *pp != i)
		pp = &c->pool[*pp].hnext;
	if (*pp == i)
		*pp = c->pool[i].hnext;
}

/* A free entry: never used, freed, or the least recently refreshed one. */
static uint32_t take_entry(struct ns_dnscache *c)
{
	uint32_t i;

	if (c->free_head != NIL) {
		i = c->free_head;
		c->free_head = c->pool[i].hnext;
	} else if (c->hwm < c->cap) {
		i = c->hwm++;
	} else {
		i = c->tail;
		c->evicted++;
		hash_unlink(c, i);
		lru_unlink(c, i);
		c->used--;
	}
	c->used++;
	return i;
}

static uint64_t lifetime_ns(uint32_t ttl_s)
{
	/* RFC 2181 8: a TTL with the top bit set is treated as zero. */
	if (ttl_s > 0x7fffffffu)
		ttl_s = 0;
	if (ttl_s < NS_DNSCACHE_MIN_TTL_S)
		ttl_s = NS_DNSCACHE_MIN_TTL_S;
	return (uint64_t)ttl_s * NS_PER_S;
}

void ns_dnscache_put(struct ns_dnscache *c, const struct ns_addr *addr,
		     const char *name, uint64_t now_ns, uint32_t ttl_s)
{
	uint64_t until = now_ns + lifetime_ns(ttl_s);
	uint32_t b, i;
	struct entry *e;
	size_t n;

	if (!c || (addr->family != 4 && addr->family != 6) || !name || !name[0])
		return;
	b = bucket_of(c, addr);
	for (i = c->buckets[b]; i != NIL; i = c->pool[i].hnext) {
		e = &c->pool[i];
		if (!addr_same(&e->addr, addr) || !ns_dns_name_equal(e->name, name))
			continue;
		if (now_ns > e->expires_ns) {
			/* expired: a new validity starts now */
			e->first_ns = now_ns;
			e->expires_ns = until;
		} else {
			if (now_ns < e->first_ns)   /* packet time went back */
				e->first_ns = now_ns;
			if (until > e->expires_ns)
				e->expires_ns = until;
		}
		lru_unlink(c, i);
		lru_push(c, i);
		return;
	}
	i = take_entry(c);
	b = bucket_of(c, addr);   /* unchanged by an eviction, recomputed for clarity */
	e = &c->pool[i];
	memset(&e->addr, 0, sizeof(e->addr));
	e->addr.family = addr->family;
	memcpy(e->addr.a, addr->a, addr->family == 4 ? 4 : 16);
	e->first_ns = now_ns;
	e->expires_ns = until;
	n = strlen(name);
	if (n >= sizeof(e->name))
		n = sizeof(e->name) - 1;
	memcpy(e->name, name, n);
	e->name[n] = '\0';
	e->hnext = c->buckets[b];
	c->buckets[b] = i;
	lru_push(c, i);
}

/* The owner name an answer set leads back to from `name` through CNAMEs. */
static const char *chain_origin(const struct ns_dns *msg, const char *name, uint32_t *ttl)
{
	for (uint32_t hop = 0; hop < NS_DNSCACHE_MAX_CHAIN; hop++) {
		const struct ns_dns_rr *alias = NULL;
		for (uint8_t k = 0; k < msg->nan; k++) {
			const struct ns_dns_rr *rr = &msg->an[k];
			if (rr->type == NS_DNS_T_CNAME && rr->has_target &&
			    ns_dns_name_equal(rr->target, name) &&
			    !ns_dns_name_equal(rr->name, name)) {
				alias = rr;
				break;
			}
		}
		if (!alias)
			break;
		name = alias->name;
		if (alias->ttl < *ttl)
			*ttl = alias->ttl;
	}
	return name;
}

size_t ns_dnscache_add_response(struct ns_dnscache *c, const struct ns_dns *msg, uint64_t now_ns)
{
	size_t added = 0;

	if (!c || !msg->qr || msg->rcode != 0 || msg->opcode != 0)
		return 0;
	for (uint8_t k = 0; k < msg->nan; k++) {
		const struct ns_dns_rr *rr = &msg->an[k];
		uint32_t ttl = rr->ttl;
		if (rr->addr.family == 0 || (rr->rclass & 0x7fff) != 1)
			continue;
		const char *name = chain_origin(msg, rr->name, &ttl);
		ns_dnscache_put(c, &rr->addr, name, now_ns, ttl);
		added++;
	}
	return added;
}

/* Insert name into the sorted array names[0..*n) keeping at most max. */
static void insert_sorted(const char **names, size_t *n, size_t max, const char *name)
{
	size_t pos = *n;

	while (pos > 0 && strcmp(names[pos - 1], name) > 0)
		pos--;
	if (pos >= max)
		return;
	size_t last = *n < max ? *n : max - 1;
	memmove(&names[pos + 1], &names[pos], (last - pos) * sizeof(*names));
	names[pos] = name;
	if (*n < max)
		(*n)++;
}

size_t ns_dnscache_lookup(const struct ns_dnscache *c, const struct ns_addr *addr,
			  uint64_t at_ns, const char **names, size_t max)
{
	size_t n = 0;

	if (!c || max == 0 || (addr->family != 4 && addr->family != 6))
		return 0;
	for (uint32_t i = c->buckets[bucket_of(c, addr)]; i != NIL; i = c->pool[i].hnext) {
		const struct entry *e = &c->pool[i];
		if (addr_same(&e->addr, addr) && at_ns >= e->first_ns && at_ns <= e->expires_ns)
			insert_sorted(names, &n, max, e->name);
	}
	return n;
}

uint32_t ns_dnscache_count(const struct ns_dnscache *c)
{
	return c ? c->used : 0;
}

struct ns_dnscache *ns_dnscache_new(uint32_t max_entries)
{
	struct ns_dnscache *c = calloc(1, sizeof(*c));
	uint64_t nb = 1;

	if (!c)
		return NULL;
	c->cap = max_entries ? max_entries : NS_DNSCACHE_DEFAULT_MAX;
	if (c->cap > (1u << 24))
		c->cap = 1u << 24;
	while (nb < c->cap)
		nb <<= 1;
	c->mask = (uint32_t)(nb - 1);
	c->pool = calloc(c->cap, sizeof(*c->pool));
	c->buckets = malloc(nb * sizeof(*c->buckets));
	if (!c->pool || !c->buckets) {
		ns_dnscache_free(c);
		return NULL;
	}
	memset(c->buckets, 0xff, nb * sizeof(*c->buckets));
	c->free_head = NIL;
	c->head = c->tail = NIL;
	return c;
}

void ns_dnscache_clear(struct ns_dnscache *c)
{
	/* entries are written whole when taken (ns_dnscache_put) */
	memset(c->buckets, 0xff, ((size_t)c->mask + 1) * sizeof(*c->buckets));
	c->hwm = c->used = 0;
	c->free_head = NIL;
	c->head = c->tail = NIL;
	c->evicted = 0;
}

void ns_dnscache_free(struct ns_dnscache *c)
{
	if (!c)
		return;
	free(c->pool);
	free(c->buckets);
	free(c);
}

uint64_t ns_dnscache_evicted(const struct ns_dnscache *c)
{
	return c ? c->evicted : 0;
}

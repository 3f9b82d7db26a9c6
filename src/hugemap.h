/* hugemap: anonymous memory the kernel can back with transparent huge
 * pages. On a virtual machine each page fault is also a fault of the host,
 * so memory filled front to back (the analysis engine's connection slabs,
 * the report's per-packet record) is cheaper in 2 MiB pages than in 4 KiB
 * ones. */
#ifndef NETSIFT_HUGEMAP_H
#define NETSIFT_HUGEMAP_H

#include <stdbool.h>
#include <stddef.h>

#define NS_HUGE_PAGE (2u << 20)

/* len bytes (a multiple of NS_HUGE_PAGE), zeroed, aligned to NS_HUGE_PAGE
 * and asked to be backed by huge pages (MADV_HUGEPAGE, a hint: 4 KiB pages
 * without it); with populate, faulted in now in one call instead of a fault
 * per page. NULL if out of memory. Released with munmap(p, len). */
void *ns_map_huge(size_t len, bool populate);

#endif

/* hugemap: see hugemap.h. */
#include "hugemap.h"

#include <stdint.h>
#include <sys/mman.h>

void *ns_map_huge(size_t len, bool populate)
{
	/* one huge page more than asked, then the unaligned ends given back:
	 * mmap alone aligns to 4 KiB only */
	size_t span = len + NS_HUGE_PAGE;
	uint8_t *m = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	uint8_t *a = (uint8_t *)(((uintptr_t)m + NS_HUGE_PAGE - 1) & ~(uintptr_t)(NS_HUGE_PAGE - 1));
	if (a > m)
		munmap(m, (size_t)(a - m));
	if (a + len < m + span)
		munmap(a + len, (size_t)(m + span - (a + len)));
#ifdef MADV_HUGEPAGE
	(void)madvise(a, len, MADV_HUGEPAGE);
#endif
#ifdef MADV_POPULATE_WRITE
	if (populate)
		(void)madvise(a, len, MADV_POPULATE_WRITE);
#else
	(void)populate;
#endif
	return a;
}

/* SPDX-License-Identifier: MIT */
/*
 * Zeroed allocations for common objects, page-granular on top of the arch's xenheap.
 * Objects are few and long-lived (domains, vCPUs, event-channel buckets, grant-table
 * pieces), so a page allocator is all we need.
 */
#include <hv/arch_hooks.h>
#include <hv/domain.h>
#include <hv/string.h>

static unsigned int size_to_order(size_t size)
{
    unsigned int order = 0;

    while ((PAGE_SIZE << order) < size)
        order++;
    return order;
}

void *hv_zalloc(size_t size)
{
    unsigned int order = size_to_order(size);
    void *p = alloc_xenheap_pages(order);

    if (p)
        memset(p, 0, PAGE_SIZE << order);
    return p;
}

void hv_free(void *p, size_t size)
{
    if (p)
        free_xenheap_pages(p, size_to_order(size));
}

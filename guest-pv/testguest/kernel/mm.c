/*
 * Page allocator: one bit per page of RAM bank 0 between the end of the image and the
 * lowest boot module (the device tree sits at the top of a small bank, libxc
 * xg_dom_arm.c).  Cases that balloon pages out take them from here and give them back only
 * after repopulating them, so a free page is always backed.
 */
#include <tg/lib.h>
#include <tg/mm.h>

#define MAX_PAGES (64UL * 1024 * 1024 / PAGE_SIZE) /* the first 64 MiB of the bank */

static uint64_t bitmap[MAX_PAGES / 64]; /* 1 = free */
static uint64_t first_pfn;
static unsigned long nr_pages, nr_free;
uint64_t mm_ram_base, mm_ram_size;

void mm_init(uint64_t ram_base, uint64_t ram_size, uint64_t reserved_lo, uint64_t reserved_hi)
{
    extern char _end[];
    uint64_t start = ALIGN_UP((uint64_t)(uintptr_t)_end, PAGE_SIZE);
    uint64_t end = ram_base + ram_size;

    mm_ram_base = ram_base;
    mm_ram_size = ram_size;
    if (reserved_lo > start && reserved_lo < end)
        end = reserved_lo & ~(PAGE_SIZE - 1);
    (void)reserved_hi;
    first_pfn = start >> PAGE_SHIFT;
    nr_pages = end > start ? (end - start) >> PAGE_SHIFT : 0;
    if (nr_pages > MAX_PAGES)
        nr_pages = MAX_PAGES;
    for (unsigned long i = 0; i < nr_pages; i++)
        bitmap[i / 64] |= 1UL << (i % 64);
    nr_free = nr_pages;
}

void *alloc_page(void)
{
    for (unsigned long w = 0; w < (nr_pages + 63) / 64; w++) {
        if (!bitmap[w])
            continue;
        unsigned bit = (unsigned)__builtin_ctzl(bitmap[w]);
        unsigned long i = w * 64 + bit;
        if (i >= nr_pages)
            break;
        bitmap[w] &= ~(1UL << bit);
        nr_free--;
        void *p = (void *)(uintptr_t)((first_pfn + i) << PAGE_SHIFT);
        memset(p, 0, PAGE_SIZE);
        return p;
    }
    return NULL;
}

void free_page(void *p)
{
    uint64_t pfn = (uint64_t)(uintptr_t)p >> PAGE_SHIFT;

    if (!p || pfn < first_pfn || pfn - first_pfn >= nr_pages)
        return;
    unsigned long i = pfn - first_pfn;
    if (bitmap[i / 64] & (1UL << (i % 64)))
        return; /* double free: ignore rather than corrupt the count */
    bitmap[i / 64] |= 1UL << (i % 64);
    nr_free++;
}

unsigned long mm_free_pages(void)
{
    return nr_free;
}

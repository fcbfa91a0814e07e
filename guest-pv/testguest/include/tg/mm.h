/* Page allocator over the guest's RAM (between the image end and the device tree). */
#ifndef TG_MM_H
#define TG_MM_H

#include "types.h"

void mm_init(uint64_t ram_base, uint64_t ram_size, uint64_t reserved_lo, uint64_t reserved_hi);
void *alloc_page(void); /* zeroed, or NULL */
void free_page(void *p);
unsigned long mm_free_pages(void);
static inline uint64_t virt_to_gfn(const void *p)
{
    return (uint64_t)(uintptr_t)p >> 12; /* identity map */
}
static inline void *gfn_to_virt(uint64_t gfn)
{
    return (void *)(uintptr_t)(gfn << 12);
}
/* RAM bank as the device tree describes it. */
extern uint64_t mm_ram_base, mm_ram_size;

#endif

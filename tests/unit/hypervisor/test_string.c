/* SPDX-License-Identifier: MIT */
/* The hypervisor's own memcpy/memmove (hypervisor/lib/string.c), built here under other
 * names beside the host's C library: every size and alignment around the 64-byte blocks
 * of the aligned path and the shifted words of the misaligned one, and memmove's overlaps
 * both ways (aligned alike or not), against a byte-by-byte model. */
#define memcpy           hv_lib_memcpy
#define memmove          hv_lib_memmove
#define memset           hv_lib_memset
#define memcmp           hv_lib_memcmp
#define memchr           hv_lib_memchr
#define strlen           hv_lib_strlen
#define strnlen          hv_lib_strnlen
#define strcmp           hv_lib_strcmp
#define strncmp          hv_lib_strncmp
#define strchr           hv_lib_strchr
#define strrchr          hv_lib_strrchr
#define strtoul          hv_lib_strtoul
#define __stack_chk_fail hv_lib_stack_chk_fail
#define panic            hv_lib_test_panic
#include "../../../hypervisor/lib/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strtoul
#undef __stack_chk_fail
#undef panic

#include <stdlib.h>

void hv_lib_test_panic(const char *fmt, ...)
{
    (void)fmt;
    abort();
}

#include "th.h"

#define AREA 1024

static unsigned char buf[AREA], model[AREA];

static void fill(void)
{
    for (unsigned int i = 0; i < AREA; i++)
        buf[i] = model[i] = (unsigned char)(i * 7 + 3);
}

/* What memmove must leave: the source bytes as they were, then written at dst. */
static void model_move(size_t dst, size_t src, size_t n)
{
    unsigned char tmp[AREA];

    for (size_t i = 0; i < n; i++)
        tmp[i] = model[src + i];
    for (size_t i = 0; i < n; i++)
        model[dst + i] = tmp[i];
}

START_TEST(string_memcpy_sizes_alignments)
{
    static const size_t sizes[] = {0,  1,  7,  8,  9,   15,  16,  17,  23,  56,
                                   63, 64, 65, 72, 120, 127, 128, 136, 200, 256};

    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
        for (size_t da = 0; da < 16; da += 1)
            for (size_t sa = 0; sa < 16; sa += 1) {
                size_t n = sizes[s], dst = 512 + da, src = 16 + sa;

                fill();
                ck_assert_ptr_eq(hv_lib_memcpy(buf + dst, buf + src, n), buf + dst);
                model_move(dst, src, n);
                ck_assert_msg(!memcmp(buf, model, AREA), "memcpy n=%zu dst+%zu src+%zu", n, da, sa);
            }
}
END_TEST

START_TEST(string_memmove_overlaps)
{
    static const long shifts[] = {-72, -64, -13, -8, -5, -3, -1, 1, 3, 5, 8, 13, 64, 72};
    static const size_t sizes[] = {8, 17, 64, 136, 255, 256};

    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
        for (size_t k = 0; k < sizeof(shifts) / sizeof(shifts[0]); k++) {
            size_t n = sizes[s], src = 400, dst = (size_t)((long)src + shifts[k]);

            fill();
            ck_assert_ptr_eq(hv_lib_memmove(buf + dst, buf + src, n), buf + dst);
            model_move(dst, src, n);
            ck_assert_msg(!memcmp(buf, model, AREA), "memmove n=%zu shift %ld", n, shifts[k]);
        }
}
END_TEST

TCase *tcase_string(void)
{
    TCase *tc = tcase_create("string");

    tcase_add_test(tc, string_memcpy_sizes_alignments);
    tcase_add_test(tc, string_memmove_overlaps);
    return tc;
}

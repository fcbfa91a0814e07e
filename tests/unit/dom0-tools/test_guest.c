/* Domain builder pieces: arm64 Image header parsing (raw and gzip), the memory layout
 * rules, and the generated device tree (read back with libfdt). */
#include <fcntl.h>
#include <libfdt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "suites.h"
#include "tern/guest.h"
#include "../../../dom0-tools/libs/guest/arch_arm.h"

static char err[256];

static uint8_t *fake_image(size_t size, uint64_t text_offset, uint64_t image_size)
{
    uint8_t *p = calloc(1, size);

    for (int i = 0; i < 8; i++) {
        p[8 + i] = (uint8_t)(text_offset >> (8 * i));
        p[16 + i] = (uint8_t)(image_size >> (8 * i));
    }
    memcpy(p + 56, "ARM\x64", 4);
    for (size_t i = 64; i < size; i++)
        p[i] = (uint8_t)(i * 7);
    return p;
}

START_TEST(test_image_raw)
{
    struct tern_image img;
    uint8_t *p = fake_image(8192, 0, 3 << 20);

    ck_assert_int_eq(tern_image_parse(p, 8192, &img, err, sizeof(err)), 0);
    ck_assert_uint_eq(img.text_offset, 0);
    ck_assert_uint_eq(img.image_size, 3 << 20);
    ck_assert_uint_eq(img.size, 8192);
    tern_image_free(&img);
}
END_TEST

START_TEST(test_image_bad)
{
    struct tern_image img;
    uint8_t *p = fake_image(8192, 0, 0);

    /* image_size 0: a pre-3.17 kernel, text_offset is 0x80000 by definition. */
    ck_assert_int_eq(tern_image_parse(p, 8192, &img, err, sizeof(err)), 0);
    ck_assert_uint_eq(img.text_offset, 0x80000);
    ck_assert_uint_eq(img.image_size, 8192);
    p = calloc(1, 8192);
    ck_assert_int_lt(tern_image_parse(p, 8192, &img, err, sizeof(err)), 0);
    ck_assert_str_eq(err, "not an arm64 Image (no \"ARM\\x64\" magic at offset 56)");
    ck_assert_int_lt(tern_image_parse(p, 10, &img, err, sizeof(err)), 0);
    free(p);
    p = fake_image(8192, 4 << 20, 8192);
    ck_assert_int_lt(tern_image_parse(p, 8192, &img, err, sizeof(err)), 0);
    free(p);
    free(img.data);
}
END_TEST

START_TEST(test_gunzip)
{
    size_t size = 100000, out_len;
    uint8_t *p = fake_image(size, 0, size), *gz = malloc(size + 1024), *out;
    z_stream zs = {0};

    ck_assert_int_eq(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = p;
    zs.avail_in = (uInt)size;
    zs.next_out = gz;
    zs.avail_out = (uInt)(size + 1024);
    ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    ck_assert_int_eq(tern_gunzip(gz, zs.total_out, &out, &out_len), 0);
    ck_assert_uint_eq(out_len, size);
    ck_assert(!memcmp(out, p, size));
    free(out);
    /* A truncated stream is an error, not a short kernel. */
    ck_assert_int_lt(tern_gunzip(gz, zs.total_out / 2, &out, &out_len), 0);
    deflateEnd(&zs);
    free(gz);
    free(p);
}
END_TEST

START_TEST(test_layout)
{
    struct tern_layout l;

    /* 512 MiB: modules at RAM base + 128 MiB, DTB right after the ramdisk. */
    ck_assert_int_eq(
        tern_layout_compute(&l, 512ULL << 20, 0, 34 << 20, 1000000, 65536, err, sizeof(err)), 0);
    ck_assert_uint_eq(l.ram_base[0], 0x40000000);
    ck_assert_uint_eq(l.ram_size[0], 512 << 20);
    ck_assert_uint_eq(l.ram_size[1], 0);
    ck_assert_uint_eq(l.kernel_base, 0x40000000);
    ck_assert_uint_eq(l.entry, 0x40000000);
    ck_assert_uint_eq(l.ramdisk_base, 0x48000000);
    ck_assert_uint_eq(l.dtb_base, 0x48000000 + 1003520);
    ck_assert_uint_eq(l.magic_pfn_base, 0x39000);
    ck_assert_uint_eq(l.gnttab_base, 0x38000000);
    /* 64 MiB: no room at +128 MiB, so at the end of bank 0. */
    ck_assert_int_eq(
        tern_layout_compute(&l, 64ULL << 20, 0, 34 << 20, 1 << 20, 65536, err, sizeof(err)), 0);
    ck_assert_uint_eq(l.ramdisk_base, 0x44000000 - (1 << 20) - 65536);
    ck_assert_uint_eq(l.dtb_base, 0x44000000 - 65536);
    /* 4 GiB: bank 0 full (3 GiB), 1 GiB in bank 1. */
    ck_assert_int_eq(tern_layout_compute(&l, 4ULL << 30, 0, 34 << 20, 0, 65536, err, sizeof(err)),
                     0);
    ck_assert_uint_eq(l.ram_size[0], 3ULL << 30);
    ck_assert_uint_eq(l.ram_base[1], 0x200000000ULL);
    ck_assert_uint_eq(l.ram_size[1], 1ULL << 30);
    /* Too small for kernel + ramdisk. */
    ck_assert_int_lt(
        tern_layout_compute(&l, 36ULL << 20, 0, 34 << 20, 4 << 20, 65536, err, sizeof(err)), 0);
    ck_assert_str_eq(err, "kernel (34816 KiB) + ramdisk (4096 KiB) + DTB do not fit in 36 MiB "
                          "of RAM");
    ck_assert_int_lt(tern_layout_compute(&l, 4 << 20, 0, 1 << 20, 0, 4096, err, sizeof(err)), 0);
}
END_TEST

static const void *prop(const void *fdt, const char *path, const char *name, int *len)
{
    int node = fdt_path_offset(fdt, path);

    ck_assert_msg(node >= 0, "node %s missing", path);
    return fdt_getprop(fdt, node, name, len);
}

START_TEST(test_dtb)
{
    static uint8_t buf[65536];
    struct tern_layout l;
    struct tern_dt_params p = {.nr_vcpus = 2,
                               .layout = &l,
                               .bootargs = "console=hvc0 rdinit=/init",
                               .xen_major = 4,
                               .xen_minor = 17};
    const fdt64_t *reg;
    const fdt32_t *irq;
    const char *s;
    int len, size;

    ck_assert_int_eq(
        tern_layout_compute(&l, 512ULL << 20, 0, 34 << 20, 1 << 20, 65536, err, sizeof(err)), 0);
    size = tern_dtb_build(buf, sizeof(buf), &p);
    ck_assert_int_gt(size, 0);
    ck_assert_int_eq(fdt_check_header(buf), 0);
    ck_assert_int_eq(fdt_totalsize(buf), size);
    s = prop(buf, "/chosen", "bootargs", &len);
    ck_assert_str_eq(s, "console=hvc0 rdinit=/init");
    reg = prop(buf, "/chosen", "linux,initrd-start", &len);
    ck_assert_int_eq(len, 8);
    ck_assert_uint_eq(fdt64_to_cpu(reg[0]), 0x48000000);
    reg = prop(buf, "/chosen", "linux,initrd-end", &len);
    ck_assert_uint_eq(fdt64_to_cpu(reg[0]), 0x48100000);
    reg = prop(buf, "/memory@40000000", "reg", &len);
    ck_assert_int_eq(len, 16);
    ck_assert_uint_eq(fdt64_to_cpu(reg[1]), 512 << 20);
    ck_assert_int_ge(fdt_path_offset(buf, "/cpus/cpu@0"), 0);
    ck_assert_int_ge(fdt_path_offset(buf, "/cpus/cpu@1"), 0);
    ck_assert_int_lt(fdt_path_offset(buf, "/cpus/cpu@2"), 0);
    s = prop(buf, "/hypervisor", "compatible", &len);
    ck_assert_str_eq(s, "xen,xen-4.17");
    ck_assert_str_eq(s + strlen(s) + 1, "xen,xen");
    irq = prop(buf, "/hypervisor", "interrupts", &len);
    ck_assert_int_eq(len, 12);
    ck_assert_uint_eq(fdt32_to_cpu(irq[1]), 15); /* PPI 31 = event channel upcall */
    reg = prop(buf, "/hypervisor", "reg", &len);
    ck_assert_uint_eq(fdt64_to_cpu(reg[0]), 0x38000000);
    irq = prop(buf, "/timer", "interrupts", &len);
    ck_assert_int_eq(len, 36);
    ck_assert_uint_eq(fdt32_to_cpu(irq[7]), 11); /* virtual timer = PPI 27 */
    reg = prop(buf, "/interrupt-controller@3001000", "reg", &len);
    ck_assert_int_eq(len, 32);
    ck_assert_uint_eq(fdt64_to_cpu(reg[2]), 0x03020000);
    ck_assert_uint_eq(fdt_get_phandle(buf, fdt_path_offset(buf, "/interrupt-controller@3001000")),
                      65000);
    s = prop(buf, "/psci", "method", &len);
    ck_assert_str_eq(s, "hvc");
    /* createdomain chose GICv2: Xen's GICv2 guest layout, the same phandle. */
    p.gic_version = XEN_DOMCTL_CONFIG_GIC_V2;
    ck_assert_int_gt(tern_dtb_build(buf, sizeof(buf), &p), 0);
    s = prop(buf, "/interrupt-controller@3001000", "compatible", &len);
    ck_assert_str_eq(s, "arm,cortex-a15-gic");
    reg = prop(buf, "/interrupt-controller@3001000", "reg", &len);
    ck_assert_int_eq(len, 32);
    ck_assert_uint_eq(fdt64_to_cpu(reg[0]), GUEST_GICD_BASE);
    ck_assert_uint_eq(fdt64_to_cpu(reg[1]), GUEST_GICD_SIZE);
    ck_assert_uint_eq(fdt64_to_cpu(reg[2]), GUEST_GICC_BASE);
    ck_assert_uint_eq(fdt64_to_cpu(reg[3]), GUEST_GICC_SIZE);
    ck_assert_uint_eq(fdt_get_phandle(buf, fdt_path_offset(buf, "/interrupt-controller@3001000")),
                      GUEST_PHANDLE_GIC);
    p.gic_version = 0;
    /* Too small a buffer is an error, not a truncated tree. */
    ck_assert_int_lt(tern_dtb_build(buf, 256, &p), 0);
    p.nr_vcpus = 0;
    ck_assert_int_lt(tern_dtb_build(buf, sizeof(buf), &p), 0);
}
END_TEST

/* Copy windows: contiguous, at most max_pages each, the data ends where the source ends. */
START_TEST(test_copy_plan)
{
    struct tern_copy_window w[32];
    size_t len = (32u << 20) + 100, n, pages = 0, data = 0;

    n = tern_copy_plan(0x40080000ULL, len, 504, w, 32);
    ck_assert_uint_eq(n, (8193 + 503) / 504);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(w[i].gfn, 0x40080 + pages);
        ck_assert_uint_eq(w[i].src_off, pages * 4096);
        ck_assert_uint_le(w[i].npages, 504);
        ck_assert_uint_le(w[i].data_len, w[i].npages * 4096);
        pages += w[i].npages;
        data += w[i].data_len;
    }
    ck_assert_uint_eq(pages, 8193);
    ck_assert_uint_eq(data, len);
    ck_assert_uint_eq(w[n - 1].data_len % 4096, 100);
    /* Too small an output array: the count is still the whole plan's. */
    ck_assert_uint_eq(tern_copy_plan(0x40080000ULL, len, 504, w, 2), n);
    ck_assert_uint_eq(tern_copy_plan(0x40000000ULL, 4096, 504, w, 32), 1);
    ck_assert_uint_eq(w[0].npages, 1);
    ck_assert_uint_eq(tern_copy_plan(0x40000000ULL, 0, 504, w, 32), 0);
    ck_assert_uint_eq(tern_copy_plan(0x40000000ULL, 4096, 0, w, 32), 0);
}
END_TEST

/* Grant copy segments: every page of the window written whole, through its own ref, data
 * first and zeros after the end of the source; no segment crosses a page. */
START_TEST(test_copy_segments)
{
    struct tern_copy_window w = {
        .gfn = 0x40000, .npages = 3, .src_off = 8192, .data_len = 2 * 4096 + 10};
    struct tern_copy_seg s[4];
    size_t covered[3] = {0};
    size_t n = tern_copy_segments(&w, 8, s);

    ck_assert_uint_eq(n, 4);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_ge(s[i].ref, 8);
        ck_assert_uint_lt(s[i].ref, 11);
        ck_assert_uint_le(s[i].offset + s[i].len, 4096);
        ck_assert_uint_eq(s[i].offset, covered[s[i].ref - 8]);
        covered[s[i].ref - 8] += s[i].len;
    }
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(covered[i], 4096);
    ck_assert_uint_eq(s[0].src_off, 8192);
    ck_assert_uint_eq(s[1].src_off, 8192 + 4096);
    ck_assert_uint_eq(s[2].src_off, 8192 + 8192);
    ck_assert_uint_eq(s[2].len, 10);
    ck_assert(s[3].src_off == TERN_COPY_ZEROS);
    ck_assert_uint_eq(s[3].offset, 10);
    /* Whole pages only: no zero segment. */
    w.data_len = 3 * 4096;
    ck_assert_uint_eq(tern_copy_segments(&w, 8, s), 3);
}
END_TEST

/* tern_image_load: a raw Image is used from its file mapping, a gzip one inflated. */
START_TEST(test_image_load_file)
{
    char path[] = "/tmp/tern-test-image-XXXXXX";
    uint8_t *p = fake_image(3 * 4096 + 5, 0, 1 << 20), gz[65536];
    uLongf gzlen;
    struct tern_image img;
    z_stream zs = {0};
    int fd = mkstemp(path);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, p, 3 * 4096 + 5), 3 * 4096 + 5);
    close(fd);
    ck_assert_int_eq(tern_image_load(path, &img, err, sizeof(err)), 0);
    ck_assert_uint_eq(img.size, 3 * 4096 + 5);
    ck_assert_uint_eq(img.mapped, 3 * 4096 + 5);
    ck_assert_mem_eq(img.data, p, img.size);
    tern_image_free(&img);
    ck_assert_int_eq(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = p;
    zs.avail_in = 3 * 4096 + 5;
    zs.next_out = gz;
    zs.avail_out = sizeof(gz);
    ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    gzlen = sizeof(gz) - zs.avail_out;
    deflateEnd(&zs);
    fd = open(path, O_WRONLY | O_TRUNC);
    ck_assert_int_eq(write(fd, gz, gzlen), (ssize_t)gzlen);
    close(fd);
    ck_assert_int_eq(tern_image_load(path, &img, err, sizeof(err)), 0);
    ck_assert_ptr_null(img.data); /* inflated as it is read */
    ck_assert_uint_eq(img.size, 3 * 4096 + 5);
    {
        uint8_t out[3 * 4096 + 5];

        /* In uneven pieces, across the header's end and the window boundaries. */
        ck_assert_int_eq(tern_image_read(&img, out, 10), 0);
        ck_assert_int_eq(tern_image_read(&img, out + 10, 4096), 0);
        ck_assert_int_eq(tern_image_read(&img, out + 4106, sizeof(out) - 4106), 0);
        ck_assert_mem_eq(out, p, sizeof(out));
        ck_assert_int_lt(tern_image_read(&img, out, 1), 0); /* past the end */
    }
    tern_image_free(&img);
    /* A trailer that lies: more bytes promised than there are, or fewer. */
    for (int delta = -1; delta <= 1; delta += 2) {
        uint8_t out[3 * 4096 + 6];
        uint32_t isize = 3 * 4096 + 5 + delta;

        memcpy(gz + gzlen - 4, &isize, 4); /* little-endian host */
        fd = open(path, O_WRONLY | O_TRUNC);
        ck_assert_int_eq(write(fd, gz, gzlen), (ssize_t)gzlen);
        close(fd);
        ck_assert_int_eq(tern_image_load(path, &img, err, sizeof(err)), 0);
        ck_assert_int_lt(tern_image_read(&img, out, isize), 0);
        tern_image_free(&img);
    }
    unlink(path);
    free(p);
}
END_TEST

Suite *guest_suite(void)
{
    Suite *s = suite_create("guest-builder");
    TCase *tc = tcase_create("pure");

    tcase_add_test(tc, test_image_raw);
    tcase_add_test(tc, test_image_bad);
    tcase_add_test(tc, test_gunzip);
    tcase_add_test(tc, test_layout);
    tcase_add_test(tc, test_dtb);
    tcase_add_test(tc, test_copy_plan);
    tcase_add_test(tc, test_copy_segments);
    tcase_add_test(tc, test_image_load_file);
    suite_add_tcase(s, tc);
    return s;
}

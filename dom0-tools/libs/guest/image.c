/* arm64 kernel Image loading: raw or gzip (zlib), header per Linux's
 * Documentation/arm64/booting.rst (text_offset at +8, image_size at +16, magic at +56). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "tern/guest.h"

#define ARM64_IMAGE_MAGIC  0x644d5241U /* "ARM\x64" */
#define ARM64_HEADER_SIZE  64
#define IMAGE_MAX_SIZE     (256u << 20)
#define LEGACY_TEXT_OFFSET 0x80000 /* image_size == 0: pre-3.17 kernels */

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int tern_gunzip(const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len)
{
    z_stream zs = {0};
    size_t cap = in_len * 4 + 4096, len = 0;
    uint8_t *buf;
    int zrc;

    /* gzip's trailer holds the input size mod 2^32 (RFC 1952 ISIZE): with a single member,
     * one exact allocation instead of growing a guess (+1 so that reaching the end of the
     * buffer still means the stream ended). */
    if (in_len >= 18) {
        uint32_t isize = le32(in + in_len - 4);

        if (isize && isize <= IMAGE_MAX_SIZE)
            cap = (size_t)isize + 1;
    }
    buf = malloc(cap);

    if (!buf)
        return -ENOMEM;
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
        free(buf);
        return -ENOMEM;
    }
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)in_len;
    do {
        if (len == cap) {
            uint8_t *nbuf;

            if (cap >= IMAGE_MAX_SIZE) {
                zrc = Z_MEM_ERROR;
                break;
            }
            cap *= 2;
            nbuf = realloc(buf, cap);
            if (!nbuf) {
                zrc = Z_MEM_ERROR;
                break;
            }
            buf = nbuf;
        }
        zs.next_out = buf + len;
        zs.avail_out = (uInt)(cap - len);
        zrc = inflate(&zs, Z_NO_FLUSH);
        len = cap - zs.avail_out;
    } while (zrc == Z_OK);
    inflateEnd(&zs);
    if (zrc != Z_STREAM_END) {
        free(buf);
        return zrc == Z_MEM_ERROR ? -ENOMEM : -EINVAL;
    }
    *out = buf;
    *out_len = len;
    return 0;
}

int tern_image_parse(uint8_t *data, size_t size, struct tern_image *img, char *err, size_t errlen)
{
    uint64_t text_offset, image_size;

    if (size < ARM64_HEADER_SIZE || le32(data + 56) != ARM64_IMAGE_MAGIC) {
        snprintf(err, errlen, "not an arm64 Image (no \"ARM\\x64\" magic at offset 56)");
        return -ENOEXEC;
    }
    text_offset = le64(data + 8);
    image_size = le64(data + 16);
    if (!image_size)
        text_offset = LEGACY_TEXT_OFFSET;
    if (image_size < size)
        image_size = size;
    if (text_offset >= (2u << 20) || image_size > IMAGE_MAX_SIZE) {
        snprintf(err, errlen, "arm64 Image header out of range (text_offset %#llx, size %#llx)",
                 (unsigned long long)text_offset, (unsigned long long)image_size);
        return -ENOEXEC;
    }
    img->data = data;
    img->size = size;
    img->text_offset = text_offset;
    img->image_size = image_size;
    img->mapped = 0;
    return 0;
}

/* A raw Image is used straight from the file's pages (mmap: no read() copy); a gzip one is
 * inflated into a buffer. */
int tern_image_load(const char *path, struct tern_image *img, char *err, size_t errlen)
{
    struct stat st;
    uint8_t *raw = NULL, *data = NULL;
    size_t size = 0;
    int fd, rc;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0) {
        rc = -errno;
        snprintf(err, errlen, "open kernel %s: %s", path, strerror(errno));
        goto out;
    }
    if (st.st_size <= 0 || (uint64_t)st.st_size > IMAGE_MAX_SIZE) {
        rc = -EFBIG;
        snprintf(err, errlen, "kernel %s: size %lld out of range", path, (long long)st.st_size);
        goto out;
    }
    size = (size_t)st.st_size;
    raw = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (raw == MAP_FAILED) {
        rc = -errno;
        raw = NULL;
        snprintf(err, errlen, "read kernel %s: %s", path, strerror(-rc));
        goto out;
    }
    if (size >= 2 && raw[0] == 0x1f && raw[1] == 0x8b) {
        rc = tern_gunzip(raw, size, &data, &size);
        munmap(raw, (size_t)st.st_size);
        raw = NULL;
        if (rc < 0) {
            snprintf(err, errlen, "gunzip kernel %s: %s", path, strerror(-rc));
            goto out;
        }
    }
    rc = tern_image_parse(raw ? raw : data, size, img, err, errlen);
    if (rc == 0) {
        img->mapped = raw ? size : 0;
        raw = data = NULL;
    } else {
        char tmp[200];

        snprintf(tmp, sizeof(tmp), "%s", err);
        snprintf(err, errlen, "kernel %s: %s", path, tmp);
    }
out:
    if (raw)
        munmap(raw, (size_t)st.st_size);
    free(data);
    if (fd >= 0)
        close(fd);
    return rc;
}

void tern_image_free(struct tern_image *img)
{
    if (img->mapped)
        munmap(img->data, img->mapped);
    else
        free(img->data);
    img->data = NULL;
    img->mapped = 0;
}

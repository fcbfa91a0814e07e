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
    img->map = NULL;
    img->gz = NULL;
    img->pos = 0;
    return 0;
}

/* A gzip Image, inflated as it is read (tern_image_read): no buffer for the whole kernel. */
struct tern_gz {
    z_stream zs;
    const uint8_t *file; /* the compressed file, mapped */
    size_t file_len;
    uint8_t head[ARM64_HEADER_SIZE]; /* inflated first to parse the header; read back first */
    int zrc;
};

/* Reads the next len bytes of a gzip image; -EINVAL if the stream is corrupt or ends early. */
static int gz_read(struct tern_image *img, uint8_t *buf, size_t len)
{
    struct tern_gz *gz = img->gz;

    if (img->pos < ARM64_HEADER_SIZE) {
        size_t n = ARM64_HEADER_SIZE - img->pos < len ? ARM64_HEADER_SIZE - img->pos : len;

        memcpy(buf, gz->head + img->pos, n);
        buf += n;
        len -= n;
        img->pos += n;
    }
    while (len) {
        size_t before;

        if (gz->zrc != Z_OK)
            return -EINVAL; /* ended (or broke) before the size its trailer gave */
        gz->zs.next_out = buf;
        gz->zs.avail_out = (uInt)len;
        before = len;
        gz->zrc = inflate(&gz->zs, Z_NO_FLUSH);
        if (gz->zrc != Z_OK && gz->zrc != Z_STREAM_END)
            return -EINVAL;
        buf += before - gz->zs.avail_out;
        img->pos += before - gz->zs.avail_out;
        len = gz->zs.avail_out;
        if (gz->zrc == Z_OK && before == len && !gz->zs.avail_in)
            gz->zrc = Z_DATA_ERROR; /* no progress, no input left: truncated */
    }
    if (img->pos == img->size && gz->zrc == Z_OK) {
        /* All the bytes the trailer promised: the stream must end here. */
        uint8_t extra;

        gz->zs.next_out = &extra;
        gz->zs.avail_out = 1;
        gz->zrc = inflate(&gz->zs, Z_NO_FLUSH);
        if (gz->zrc != Z_STREAM_END || gz->zs.avail_out == 0)
            return -EFBIG; /* longer than its trailer says */
    }
    return 0;
}

int tern_image_read(struct tern_image *img, void *buf, size_t len)
{
    if (len > img->size - img->pos)
        return -EINVAL;
    if (img->gz)
        return gz_read(img, buf, len);
    memcpy(buf, img->data + img->pos, len);
    img->pos += len;
    return 0;
}

/* Starts inflating a mapped gzip file: the header is parsed from its first 64 bytes, the
 * size taken from the gzip trailer (ISIZE, RFC 1952), checked when the stream ends. */
static int gz_open(const uint8_t *file, size_t file_len, struct tern_image *img, char *err,
                   size_t errlen)
{
    struct tern_gz *gz;
    uint32_t isize;
    int rc;

    if (file_len < 18 || !(isize = le32(file + file_len - 4)) || isize > IMAGE_MAX_SIZE) {
        snprintf(err, errlen, "gzip trailer gives no plausible size");
        return -EINVAL;
    }
    gz = calloc(1, sizeof(*gz));
    if (!gz)
        return -ENOMEM;
    if (inflateInit2(&gz->zs, 16 + MAX_WBITS) != Z_OK) {
        free(gz);
        return -ENOMEM;
    }
    gz->file = file;
    gz->file_len = file_len;
    gz->zs.next_in = (Bytef *)file;
    gz->zs.avail_in = (uInt)file_len;
    gz->zs.next_out = gz->head;
    gz->zs.avail_out = sizeof(gz->head);
    while (gz->zs.avail_out && (gz->zrc = inflate(&gz->zs, Z_NO_FLUSH)) == Z_OK && gz->zs.avail_in)
        ;
    if (gz->zs.avail_out || (gz->zrc != Z_OK && gz->zrc != Z_STREAM_END)) {
        inflateEnd(&gz->zs);
        free(gz);
        snprintf(err, errlen, "gzip stream corrupt or shorter than an Image header");
        return -EINVAL;
    }
    rc = tern_image_parse(gz->head, isize, img, err, errlen);
    if (rc < 0) {
        inflateEnd(&gz->zs);
        free(gz);
        return rc;
    }
    img->data = NULL;
    img->gz = gz;
    img->pos = 0;
    return 0;
}

/* A raw Image is used straight from the file's pages (mmap: no read() copy); a gzip one is
 * inflated window by window as the loader copies it (tern_image_read). */
int tern_image_load(const char *path, struct tern_image *img, char *err, size_t errlen)
{
    struct stat st;
    uint8_t *raw = NULL;
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
    if (size >= 2 && raw[0] == 0x1f && raw[1] == 0x8b)
        rc = gz_open(raw, size, img, err, errlen);
    else
        rc = tern_image_parse(raw, size, img, err, errlen);
    if (rc == 0) {
        img->mapped = size; /* the file mapping: the data (raw) or the gzip input */
        img->map = raw;
        raw = NULL;
    } else {
        char tmp[200];

        snprintf(tmp, sizeof(tmp), "%s", err);
        snprintf(err, errlen, "kernel %s: %s", path, tmp);
    }
out:
    if (raw)
        munmap(raw, size);
    if (fd >= 0)
        close(fd);
    return rc;
}

void tern_image_free(struct tern_image *img)
{
    if (img->gz) {
        inflateEnd(&img->gz->zs);
        free(img->gz);
    }
    if (img->mapped)
        munmap(img->map, img->mapped);
    else
        free(img->data);
    img->data = NULL;
    img->map = NULL;
    img->gz = NULL;
    img->mapped = 0;
}

/* net-stream: the traffic tool of the network system tests (tests/system/net-tern.py), in dom0
 * and in the guests.
 *
 *   net-stream send HOST PORT MIB SEED  a TCP stream of MIB MiB of xorshift64 data from SEED
 *   net-stream recv PORT                 accepts one connection, reads it to its end
 *   net-stream spoof IFACE SRCMAC N      N broadcast frames (EtherType 0x88b5) from SRCMAC
 *   net-stream sniff IFACE SECONDS       counts 0x88b5 frames arriving on IFACE
 *
 * send and recv print "bytes=N hash=H seconds=S": H hashes the stream 8 bytes at a time, so
 * the same H on both ends means the same bytes arrived. Exit status 0, or 1 with a message. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK        65536
#define TEST_ETYPE   0x88b5 /* IEEE local experimental */
#define HASH_PRIME   0x100000001b3ull
#define HASH_INITIAL 0xcbf29ce484222325ull

static int fail(const char *what)
{
    fprintf(stderr, "net-stream: %s: %s\n", what, strerror(errno));
    return 1;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Hashes whole 8-byte words; len is a multiple of 8 except for the stream's last piece. */
static uint64_t hash_add(uint64_t h, const uint8_t *p, size_t len)
{
    size_t i;

    for (i = 0; i + 8 <= len; i += 8) {
        uint64_t w;

        memcpy(&w, p + i, 8);
        h = (h ^ w) * HASH_PRIME;
    }
    for (; i < len; i++)
        h = (h ^ p[i]) * HASH_PRIME;
    return h;
}

static int do_send(const char *host, int port, long mib, uint64_t seed)
{
    static uint64_t buf[CHUNK / 8];
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    uint64_t x = seed ? seed : 1, h = HASH_INITIAL, total = (uint64_t)mib << 20, sent = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    double t0;

    if (fd < 0)
        return fail("socket");
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "net-stream: '%s' is not an IPv4 address\n", host);
        return 1;
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return fail("connect");
    t0 = now_s();
    while (sent < total) {
        for (size_t i = 0; i < CHUNK / 8; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[i] = x;
        }
        h = hash_add(h, (const uint8_t *)buf, CHUNK);
        for (size_t off = 0; off < CHUNK;) {
            ssize_t n = write(fd, (uint8_t *)buf + off, CHUNK - off);

            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return fail("write");
            off += (size_t)n;
        }
        sent += CHUNK;
    }
    close(fd);
    printf("bytes=%" PRIu64 " hash=%016" PRIx64 " seconds=%.2f\n", sent, h, now_s() - t0);
    return 0;
}

static int do_recv(int port)
{
    static uint8_t buf[CHUNK];
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int one = 1, ls = socket(AF_INET, SOCK_STREAM, 0), fd;
    uint64_t h = HASH_INITIAL, got = 0;
    size_t have = 0;
    double t0;

    if (ls < 0)
        return fail("socket");
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 1) < 0)
        return fail("bind/listen");
    printf("listening\n");
    fflush(stdout);
    fd = accept(ls, NULL, NULL);
    if (fd < 0)
        return fail("accept");
    t0 = now_s();
    for (;;) {
        ssize_t n = read(fd, buf + have, sizeof(buf) - have);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail("read");
        if (n == 0)
            break;
        got += (uint64_t)n;
        have += (size_t)n;
        /* hash whole words only, so the result does not depend on how reads split */
        size_t whole = have & ~(size_t)7;

        h = hash_add(h, buf, whole);
        memmove(buf, buf + whole, have - whole);
        have -= whole;
    }
    h = hash_add(h, buf, have);
    printf("bytes=%" PRIu64 " hash=%016" PRIx64 " seconds=%.2f\n", got, h, now_s() - t0);
    return 0;
}

static int packet_socket(const char *ifname, struct sockaddr_ll *ll)
{
    int fd = socket(AF_PACKET, SOCK_RAW, htons(TEST_ETYPE));

    memset(ll, 0, sizeof(*ll));
    ll->sll_family = AF_PACKET;
    ll->sll_protocol = htons(TEST_ETYPE);
    ll->sll_ifindex = (int)if_nametoindex(ifname);
    if (fd < 0 || !ll->sll_ifindex)
        return -1;
    if (bind(fd, (struct sockaddr *)ll, sizeof(*ll)) < 0)
        return -1;
    return fd;
}

static int do_spoof(const char *ifname, const char *mac, int count)
{
    struct sockaddr_ll ll;
    uint8_t f[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    unsigned m[6];
    int fd = packet_socket(ifname, &ll);

    if (fd < 0)
        return fail(ifname);
    if (sscanf(mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6) {
        fprintf(stderr, "net-stream: '%s' is not a MAC address\n", mac);
        return 1;
    }
    for (int i = 0; i < 6; i++)
        f[6 + i] = (uint8_t)m[i];
    f[12] = TEST_ETYPE >> 8;
    f[13] = TEST_ETYPE & 0xff;
    memcpy(f + 14, "tern-netback spoof test", 23);
    ll.sll_halen = 6;
    memset(ll.sll_addr, 0xff, 6);
    for (int i = 0; i < count; i++)
        if (sendto(fd, f, sizeof(f), 0, (struct sockaddr *)&ll, sizeof(ll)) < 0)
            return fail("sendto");
    printf("sent=%d\n", count);
    return 0;
}

static int do_sniff(const char *ifname, int seconds)
{
    struct sockaddr_ll ll;
    uint8_t f[2048];
    int fd = packet_socket(ifname, &ll), n = 0;
    double end = now_s() + seconds;

    if (fd < 0)
        return fail(ifname);
    printf("sniffing\n");
    fflush(stdout);
    for (double left; (left = end - now_s()) > 0;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};

        if (poll(&p, 1, (int)(left * 1000) + 1) > 0 && recv(fd, f, sizeof(f), 0) >= 14)
            n++;
    }
    printf("frames=%d\n", n);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && !strcmp(argv[1], "send"))
        return do_send(argv[2], atoi(argv[3]), atol(argv[4]), strtoull(argv[5], NULL, 0));
    if (argc == 3 && !strcmp(argv[1], "recv"))
        return do_recv(atoi(argv[2]));
    if (argc == 5 && !strcmp(argv[1], "spoof"))
        return do_spoof(argv[2], argv[3], atoi(argv[4]));
    if (argc == 4 && !strcmp(argv[1], "sniff"))
        return do_sniff(argv[2], atoi(argv[3]));
    fprintf(stderr, "usage: net-stream send HOST PORT MIB SEED | recv PORT | "
                    "spoof IFACE SRCMAC N | sniff IFACE SECONDS\n");
    return 2;
}

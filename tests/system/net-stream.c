/* net-stream: the traffic tool of the network system tests (tests/system/net-tern.py), in dom0
 * and in the guests.
 *
 *   net-stream send HOST PORT MIB SEED  a TCP stream of MIB MiB of xorshift64 data from SEED
 *   net-stream recv PORT                 accepts one connection, reads it to its end
 *   net-stream spoof IFACE SRCMAC N      N broadcast frames (EtherType 0x88b5) from SRCMAC
 *   net-stream sniff IFACE SECONDS       counts 0x88b5 frames arriving on IFACE
 *
 * send and recv print "bytes=N hash=H seconds=S": H hashes the stream 8 bytes at a time, so
 * the same H on both ends means the same bytes arrived. HOST is an IPv4 or IPv6 address; recv
 * takes both. Exit status 0, or 1 with a message. With NET_STREAM_HOPOPTS=1 in the
 * environment an IPv6 stream's packets carry a hop-by-hop options header (see set_hopopts),
 * and recv adds " hopopts=1" (or 0) to its line: whether the last packet of the stream it
 * took in carried one.
 *
 * The benchmark modes (bench/net/run.py: a server in dom0, the others in the guest):
 *   net-stream serve PORT                TCP and UDP server on PORT, forever (below)
 *   net-stream tx HOST PORT MIB          TCP: MIB MiB to the server; tx_mibs= (until the
 *                                        server has read them all and answered)
 *   net-stream rx HOST PORT MIB          TCP: the server sends MIB MiB; rx_mibs= (to EOF)
 *   net-stream flood HOST PORT SECS SIZE UDP datagrams of SIZE payload bytes for SECS s;
 *                                        pps= (received, the server's count over its first to
 *                                        last arrival), sent_pps=, sent=, received=, loss_pct=,
 *                                        and the server machine's CPU time over that span as
 *                                        server_busy_pct=, server_idle_pct=, server_steal_pct=
 *                                        (/proc/stat: of a Xen guest, steal is waiting for a pCPU)
 *   net-stream rtt HOST PORT N           N UDP request/response exchanges (64-byte payload);
 *                                        rtt_p50_us=, rtt_p99_us=, lost=, quantiles and
 *                                        rtt_ms_bins= (exchanges per 1 ms bin, 9+ last)
 * serve's TCP: the client's first 8 bytes are 'S' (a sink: read to EOF, then answer
 * "bytes=N seconds=S") or 'G' (a source: send the MiB count in bytes 4..7, big-endian, then
 * close), 3 bytes ignored. UDP: 'E' is echoed back; 'F' (flood: 4-byte run id) is counted
 * per run id; 'Q' + run id is answered "received=N seconds=S" and the CPU figures. Payloads are
 * fixed bytes (no data generation or hashing: the figures are the network's, not the CPU's). A TCP
 * transfer of the benchmark modes that makes no progress for IDLE_S seconds fails ("stalled"), on
 * either end, so a stalled stream neither hangs the guest's run nor keeps the server from the next
 * client. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip6.h>
#include <linux/tcp.h> /* tcp_info with tcpi_busy_time and its kin (glibc's lacks them) */
#include <poll.h>
#include <sys/time.h>
#include <stdbool.h>
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

/* host (an IPv4 or IPv6 literal) and port as a socket address; its length, 0 if neither. */
static socklen_t inet_any(const char *host, int port, struct sockaddr_storage *ss)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof(*ss));
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        return sizeof(*v4);
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        return sizeof(*v6);
    }
    return 0;
}

/* NET_STREAM_HOPOPTS=1: a hop-by-hop options header on every packet of an IPv6 stream
 * (net-tern.py's test of tern-netback's walk past it). What Linux does with it, as read in its
 * source (net/ipv6/ipv6_sockglue.c, exthdrs.c, tcp_ipv6.c, ipv4/tcp_output.c, core/sock.c):
 * - IPV6_HOPOPTS is a sticky option that needs CAP_NET_RAW (ipv6_set_opt_hdr; root has it).
 *   Its value is an ipv6_opt_hdr (next header, then the length in 8-octet units not counting
 *   the first 8) followed by the options, a multiple of 8 bytes in all and no shorter than
 *   the length byte says. The kernel writes the next-header byte itself as it pushes the
 *   header onto each packet (ipv6_push_exthdr).
 * - A receiver drops a packet whose PadN pads more than 7 bytes or holds a non-zero byte
 *   (ip6_parse_tlv): so 8 bytes, the two of the header and one PadN of 4 zero bytes.
 * - Set before connect(), tcp_v6_connect counts it in icsk_ext_hdr_len, which
 *   tcp_mtu_to_mss takes off the MSS: a full segment still fits the MTU. On a listener, the
 *   SYN-ACK carries it (tcp_v6_send_synack) and tcp_v6_syn_recv_sock copies it, with
 *   icsk_ext_hdr_len, to each accepted IPv6 connection (an IPv4-mapped one gets none). Set on
 *   an accepted socket instead, ipv6_update_options would leave icsk_ext_hdr_len at 0 (it
 *   skips a socket whose inet_daddr is LOOPBACK4_IPV6, as tcp_v6_syn_recv_sock makes every
 *   accepted IPv6 one), and a full segment would be 8 bytes over the MTU.
 * - TSO/GSO stays on: sk_setup_caps clears the GSO features only for a route with a
 *   header_len (IPsec), and a socket's options are not one; each GSO packet carries the
 *   header once, and whoever cuts it copies it into every segment (ipv6_gso_segment). */
static int hopopts_wanted(void)
{
    const char *v = getenv("NET_STREAM_HOPOPTS");

    return v && !strcmp(v, "1");
}

static int set_hopopts(int fd)
{
    static const struct {
        struct ip6_hbh h; /* ip6h_nxt: the kernel's; ip6h_len 0: 8 bytes */
        uint8_t padn[6];  /* type, length, 4 zero bytes */
    } hbh = {.padn = {IP6OPT_PADN, 4}};

    _Static_assert(sizeof(hbh) == 8, "one 8-octet unit");
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_HOPOPTS, &hbh, sizeof(hbh)) < 0)
        return fail("setsockopt(IPPROTO_IPV6, IPV6_HOPOPTS)");
    return 0;
}

/* Whether the last in-order packet the connection fd took in carried a hop-by-hop header:
 * with IPV6_RECVHOPOPTS set, TCP keeps that packet's options (tcp_v6_do_rcv) and
 * IPV6_2292PKTOPTIONS hands them over as control messages. */
static int got_hopopts(int fd)
{
    union {
        struct cmsghdr align;
        uint8_t buf[256];
    } u;
    socklen_t len = sizeof(u.buf);
    struct msghdr m = {.msg_control = u.buf};

    if (getsockopt(fd, IPPROTO_IPV6, IPV6_2292PKTOPTIONS, u.buf, &len) < 0)
        return 0;
    m.msg_controllen = len;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPOPTS)
            return 1;
    return 0;
}

static int do_send(const char *host, int port, long mib, uint64_t seed)
{
    static uint64_t buf[CHUNK / 8];
    struct sockaddr_storage ss;
    socklen_t sslen = inet_any(host, port, &ss);
    uint64_t x = seed ? seed : 1, h = HASH_INITIAL, total = (uint64_t)mib << 20, sent = 0;
    int fd;
    double t0;

    if (!sslen) {
        fprintf(stderr, "net-stream: '%s' is neither an IPv4 nor an IPv6 address\n", host);
        return 1;
    }
    fd = socket(ss.ss_family, SOCK_STREAM, 0);
    if (fd < 0)
        return fail("socket");
    if (ss.ss_family == AF_INET6 && hopopts_wanted() && set_hopopts(fd))
        return 1;
    if (connect(fd, (struct sockaddr *)&ss, sslen) < 0)
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
    /* IPv6 and IPv4 on one socket (v4-mapped addresses) */
    struct sockaddr_in6 sa = {
        .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port), .sin6_addr = IN6ADDR_ANY_INIT};
    int one = 1, zero = 0, ls = socket(AF_INET6, SOCK_STREAM, 0), fd, hop = hopopts_wanted();
    uint64_t h = HASH_INITIAL, got = 0;
    size_t have = 0;
    double t0;

    if (ls < 0)
        return fail("socket");
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    setsockopt(ls, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
    /* on the listener: its IPv6 connections inherit both (see set_hopopts) */
    if (hop && set_hopopts(ls))
        return 1;
    if (hop && setsockopt(ls, IPPROTO_IPV6, IPV6_RECVHOPOPTS, &one, sizeof(one)) < 0)
        return fail("setsockopt(IPPROTO_IPV6, IPV6_RECVHOPOPTS)");
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
    printf("bytes=%" PRIu64 " hash=%016" PRIx64 " seconds=%.2f", got, h, now_s() - t0);
    if (hop)
        printf(" hopopts=%d", got_hopopts(fd));
    printf("\n");
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

/* ---- benchmark modes ---- */

#define BENCH_BUF 65536
#define IDLE_S    60

static int set_idle_timeout(int fd)
{
    struct timeval tv = {.tv_sec = IDLE_S};

    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
        return -1;
    return 0;
}

/* The error of a benchmark transfer after done bytes: a timeout says the stream stalled. */
static int fail_stream(const char *what, uint64_t done)
{
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        fprintf(stderr, "net-stream: %s: stalled: no progress for %d s after %llu bytes\n", what,
                IDLE_S, (unsigned long long)done);
    else
        fprintf(stderr, "net-stream: %s: %s after %llu bytes\n", what, strerror(errno),
                (unsigned long long)done);
    return 1;
}

static uint8_t bench_buf[BENCH_BUF];

static int tcp_connect(const char *host, int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0 || inet_pton(AF_INET, host, &sa.sin_addr) != 1)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || set_idle_timeout(fd) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int udp_socket(const char *host, int port, int do_connect)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    if (fd < 0)
        return -1;
    if (!do_connect) {
        sa.sin_addr.s_addr = htonl(INADDR_ANY);
        return bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -1 : fd;
    }
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
        connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return -1;
    return fd;
}

static int write_all(int fd, const void *p, size_t len)
{
    for (size_t off = 0; off < len;) {
        ssize_t n = write(fd, (const uint8_t *)p + off, len - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (size_t)n;
    }
    return 0;
}

/* Reads fd to its end; returns the bytes read, or -1 (*got: the bytes read before). */
static int64_t drain(int fd, int64_t *got_out)
{
    int64_t got = 0;

    for (;;) {
        ssize_t n = read(fd, bench_buf, sizeof(bench_buf));

        if (n < 0 && errno == EINTR)
            continue;
        *got_out = got;
        if (n < 0)
            return -1;
        if (n == 0)
            return got;
        got += n;
    }
}

/* What bounded a stream the server sent (bench/net/run.py --profile prints the server's log):
 * the time the kernel's sender was limited by the receiver's window or by our send buffer
 * (tcp_info, Linux 4.10+), its congestion window and smoothed round trip at the end. */
static void print_tcp_info(int fd, uint64_t bytes)
{
    struct tcp_info ti;
    socklen_t len = sizeof(ti);

    memset(&ti, 0, sizeof(ti));
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
        return;
    printf("source: bytes=%llu busy_ms=%llu rwnd_limited_ms=%llu sndbuf_limited_ms=%llu "
           "cwnd=%u mss=%u rtt_us=%u rttvar_us=%u snd_wnd=%u retrans=%u\n",
           (unsigned long long)bytes, (unsigned long long)ti.tcpi_busy_time / 1000,
           (unsigned long long)ti.tcpi_rwnd_limited / 1000,
           (unsigned long long)ti.tcpi_sndbuf_limited / 1000, ti.tcpi_snd_cwnd, ti.tcpi_snd_mss,
           ti.tcpi_rtt, ti.tcpi_rttvar, ti.tcpi_snd_wnd, ti.tcpi_total_retrans);
    fflush(stdout);
}

static void serve_tcp(int fd)
{
    uint8_t hdr[8];
    size_t have = 0;

    while (have < sizeof(hdr)) {
        ssize_t n = read(fd, hdr + have, sizeof(hdr) - have);

        if (n <= 0)
            return;
        have += (size_t)n;
    }
    if (hdr[0] == 'S') {
        double t0 = now_s();
        int64_t done, got = drain(fd, &done);
        char line[80];

        if (got < 0) {
            fail_stream("serve: sink", (uint64_t)done);
            return;
        }
        snprintf(line, sizeof(line), "bytes=%lld seconds=%.3f\n", (long long)got, now_s() - t0);
        write_all(fd, line, strlen(line));
    } else if (hdr[0] == 'G') {
        uint64_t left = (uint64_t)((uint32_t)hdr[4] << 24 | (uint32_t)hdr[5] << 16 |
                                   (uint32_t)hdr[6] << 8 | hdr[7])
                        << 20;

        uint64_t total = left;

        while (left) {
            size_t n = left < sizeof(bench_buf) ? (size_t)left : sizeof(bench_buf);

            if (write_all(fd, bench_buf, n) < 0) {
                fail_stream("serve: source", total - left);
                break;
            }
            left -= n;
        }
        print_tcp_info(fd, total - left);
    }
}

/* The "cpu" line of /proc/stat, summed over the CPUs (USER_HZ ticks). */
struct cpu_ticks {
    unsigned long long busy, idle, steal;
};

static int read_cpu_ticks(struct cpu_ticks *c)
{
    unsigned long long v[8] = {0};
    FILE *f = fopen("/proc/stat", "r");
    int n;

    if (!f)
        return -1;
    n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
               &v[5], &v[6], &v[7]);
    fclose(f);
    if (n != 8)
        return -1;
    c->busy = v[0] + v[1] + v[2] + v[5] + v[6]; /* user nice system irq softirq */
    c->idle = v[3] + v[4];                      /* idle iowait */
    c->steal = v[7];                            /* runnable, waiting for a pCPU */
    return 0;
}

/* One flood run being counted by serve: datagrams, and this machine's CPU time from the
 * first datagram to a snapshot taken at most SNAP_S before the last (so the query that
 * follows the flood does not dilute it). */
#define SNAP_S 0.2
struct flood_count {
    uint32_t run;
    uint64_t received;
    double first, last, snap_at;
    struct cpu_ticks c0, c1;
    bool cpu_ok;
};

static void flood_cpu(const struct flood_count *fc, char *out, size_t len)
{
    unsigned long long b = fc->c1.busy - fc->c0.busy, i = fc->c1.idle - fc->c0.idle,
                       s = fc->c1.steal - fc->c0.steal, t = b + i + s;

    if (!fc->cpu_ok || !t) {
        snprintf(out, len, "%s", "");
        return;
    }
    snprintf(out, len, " server_busy_pct=%.0f server_idle_pct=%.0f server_steal_pct=%.0f",
             100.0 * (double)b / (double)t, 100.0 * (double)i / (double)t,
             100.0 * (double)s / (double)t);
}

static void serve_udp(int fd, struct flood_count *fc)
{
    enum { BATCH = 64 };
    static uint8_t bufs[BATCH][2048];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    struct sockaddr_in from[BATCH];
    int n;

    memset(msgs, 0, sizeof(msgs));
    for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = bufs[i];
        iov[i].iov_len = sizeof(bufs[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &from[i];
        msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
    }
    n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0)
        return;
    double t = now_s();

    for (int i = 0; i < n; i++) {
        uint8_t *p = bufs[i];
        size_t len = msgs[i].msg_len;
        uint32_t run = 0;

        if (len >= 5)
            memcpy(&run, p + 1, 4);
        if (len >= 1 && p[0] == 'E') {
            sendto(fd, p, len, 0, (struct sockaddr *)&from[i], msgs[i].msg_hdr.msg_namelen);
        } else if (len >= 5 && p[0] == 'F') {
            if (run != fc->run) {
                fc->run = run;
                fc->received = 0;
                fc->first = fc->snap_at = t;
                fc->cpu_ok = read_cpu_ticks(&fc->c0) == 0;
                fc->c1 = fc->c0;
            }
            fc->received++;
            fc->last = t;
            if (fc->cpu_ok && t - fc->snap_at >= SNAP_S) {
                fc->snap_at = t;
                fc->cpu_ok = read_cpu_ticks(&fc->c1) == 0;
            }
        } else if (len >= 5 && p[0] == 'Q') {
            char line[200], cpu[120] = "";
            int l;

            if (run == fc->run)
                flood_cpu(fc, cpu, sizeof(cpu));
            l = snprintf(line, sizeof(line), "Qreceived=%llu seconds=%.6f%s",
                         (unsigned long long)(run == fc->run ? fc->received : 0),
                         run == fc->run ? fc->last - fc->first : 0.0, cpu);

            sendto(fd, line, (size_t)l, 0, (struct sockaddr *)&from[i],
                   msgs[i].msg_hdr.msg_namelen);
        }
    }
}

static int do_serve(int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int one = 1, big = 8 << 20, ls = socket(AF_INET, SOCK_STREAM, 0), us;
    struct flood_count fc = {0};

    if (ls < 0)
        return fail("socket");
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 4) < 0)
        return fail("bind/listen");
    us = udp_socket(NULL, port, 0);
    if (us < 0)
        return fail("udp bind");
    /* a deep receive queue, so a flood is lost in the network path rather than here */
    if (setsockopt(us, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0)
        setsockopt(us, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
    printf("serving %d\n", port);
    fflush(stdout);
    for (;;) {
        struct pollfd p[2] = {{.fd = ls, .events = POLLIN}, {.fd = us, .events = POLLIN}};

        if (poll(p, 2, -1) < 0 && errno != EINTR)
            return fail("poll");
        if (p[1].revents & POLLIN)
            serve_udp(us, &fc);
        if (p[0].revents & POLLIN) {
            int fd = accept(ls, NULL, NULL);

            if (fd >= 0 && set_idle_timeout(fd) == 0) {
                serve_tcp(fd);
            }
            if (fd >= 0)
                close(fd);
        }
    }
}

static int do_tx(const char *host, int port, long mib)
{
    uint8_t hdr[8] = {'S'};
    char reply[128];
    int fd = tcp_connect(host, port);
    uint64_t total = (uint64_t)mib << 20;
    double t0, dt;
    ssize_t n = 0;
    size_t have = 0;

    if (fd < 0)
        return fail("connect");
    t0 = now_s();
    if (write_all(fd, hdr, sizeof(hdr)) < 0)
        return fail_stream("tx", 0);
    for (uint64_t sent = 0; sent < total; sent += sizeof(bench_buf))
        if (write_all(fd, bench_buf, sizeof(bench_buf)) < 0)
            return fail_stream("tx", sent);
    shutdown(fd, SHUT_WR);
    while (have < sizeof(reply) - 1 && (n = read(fd, reply + have, sizeof(reply) - 1 - have)) > 0)
        have += (size_t)n;
    if (n < 0 && !have)
        return fail_stream("tx: the server's answer", total);
    dt = now_s() - t0;
    reply[have] = 0;
    close(fd);
    if (!strstr(reply, "bytes=")) {
        fprintf(stderr, "net-stream: tx: no answer from the server\n");
        return 1;
    }
    *strchrnul(reply, '\n') = 0;
    printf("tx_mibs=%.3f seconds=%.3f server: %s\n", (double)mib / dt, dt, reply);
    return 0;
}

static int do_rx(const char *host, int port, long mib)
{
    uint8_t hdr[8] = {
        'G',         0, 0, 0, (uint8_t)(mib >> 24), (uint8_t)(mib >> 16), (uint8_t)(mib >> 8),
        (uint8_t)mib};
    int fd = tcp_connect(host, port);
    int64_t got, done;
    double t0, dt;

    if (fd < 0)
        return fail("connect");
    t0 = now_s();
    if (write_all(fd, hdr, sizeof(hdr)) < 0)
        return fail("write");
    got = drain(fd, &done);
    if (got < 0)
        return fail_stream("rx", (uint64_t)done);
    dt = now_s() - t0;
    close(fd);
    if (got != (int64_t)mib << 20) {
        fprintf(stderr, "net-stream: rx: %lld bytes, not %ld MiB\n", (long long)got, mib);
        return 1;
    }
    printf("rx_mibs=%.3f seconds=%.3f bytes=%lld\n", (double)mib / dt, dt, (long long)got);
    return 0;
}

/* Sends one UDP request and waits up to wait_ms for an answer starting with its first byte
 * (and, for 'E', the same sequence number); returns the answer's length or -1. */
static ssize_t udp_ask(int fd, const uint8_t *req, size_t len, uint8_t *ans, size_t cap,
                       int wait_ms)
{
    double end = now_s() + wait_ms / 1000.0;

    if (send(fd, req, len, 0) < 0)
        return -1;
    for (double left; (left = end - now_s()) > 0;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        ssize_t n;

        if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
            continue;
        n = recv(fd, ans, cap, 0);
        if (n >= 9 && ans[0] == req[0] && (req[0] != 'E' || !memcmp(ans + 1, req + 1, 8)))
            return n;
        if (n >= 1 && req[0] == 'Q' && ans[0] == 'Q')
            return n;
    }
    return -1;
}

static int do_flood(const char *host, int port, double secs, int size)
{
    enum { BATCH = 32 };
    struct mmsghdr msgs[BATCH];
    struct iovec iov = {.iov_base = bench_buf, .iov_len = (size_t)size};
    uint8_t q[16] = {'Q'}, ans[256];
    const char *cpu = "";
    uint32_t run;
    uint64_t sent = 0, received = 0;
    double t0, dt, rsecs = 0;
    int fd = udp_socket(host, port, 1);

    if (fd < 0)
        return fail("udp socket");
    if (size < 8 || size > 1472) {
        fprintf(stderr, "net-stream: flood: size 8..1472\n");
        return 1;
    }
    run = (uint32_t)(now_s() * 1000) ^ (uint32_t)getpid();
    memset(msgs, 0, sizeof(msgs));
    for (int i = 0; i < BATCH; i++) {
        msgs[i].msg_hdr.msg_iov = &iov;
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    bench_buf[0] = 'F';
    memcpy(bench_buf + 1, &run, 4);
    t0 = now_s();
    while ((dt = now_s() - t0) < secs) {
        int n = sendmmsg(fd, msgs, BATCH, 0);

        if (n > 0)
            sent += (uint64_t)n;
        else if (errno == ENOBUFS || errno == EAGAIN)
            usleep(100);
        else if (errno != EINTR && errno != ECONNREFUSED)
            return fail("sendmmsg");
    }
    memcpy(q + 1, &run, 4);
    usleep(500000); /* what is still in flight arrives */
    for (int i = 0; i < 20; i++) {
        ssize_t n = udp_ask(fd, q, sizeof(q), ans, sizeof(ans) - 1, 500);
        unsigned long long r;
        int end = 0;

        if (n > 0) {
            ans[n] = 0;
            if (sscanf((char *)ans, "Qreceived=%llu seconds=%lf%n", &r, &rsecs, &end) == 2) {
                received = r;
                cpu = (char *)ans + end; /* the server's CPU use, if it sent it */
                break;
            }
        }
        if (i == 19) {
            fprintf(stderr, "net-stream: flood: the server does not answer\n");
            return 1;
        }
    }
    close(fd);
    printf("pps=%.0f sent_pps=%.0f sent=%llu received=%llu loss_pct=%.2f seconds=%.3f "
           "server_seconds=%.3f size=%d%s\n",
           rsecs > 0 ? (double)received / rsecs : 0.0, (double)sent / dt, (unsigned long long)sent,
           (unsigned long long)received,
           sent ? 100.0 * (double)(sent - (received < sent ? received : sent)) / (double)sent : 0.0,
           dt, rsecs, size, cpu);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void rtt_histogram(const double *us, int n)
{
    int bins[10] = {0};

    for (int i = 0; i < n; i++)
        bins[us[i] >= 9000 ? 9 : (int)(us[i] / 1000)]++;
    printf(" rtt_ms_bins=");
    for (int b = 0; b < 10; b++)
        printf("%s%d", b ? "/" : "", bins[b]);
}

static int do_rtt(const char *host, int port, int count)
{
    uint8_t req[64] = {'E'}, ans[128];
    double *us = calloc((size_t)count, sizeof(double));
    int fd = udp_socket(host, port, 1), ok = 0;

    if (fd < 0 || !us || count < 1)
        return fail("udp socket");
    for (int i = 0; i < count; i++) {
        uint64_t seq = (uint64_t)i + 1;
        double t0;

        memcpy(req + 1, &seq, 8);
        t0 = now_s();
        if (udp_ask(fd, req, sizeof(req), ans, sizeof(ans), 1000) == (ssize_t)sizeof(req))
            us[ok++] = (now_s() - t0) * 1e6;
    }
    close(fd);
    if (!ok) {
        fprintf(stderr, "net-stream: rtt: no answer\n");
        return 1;
    }
    qsort(us, (size_t)ok, sizeof(double), cmp_double);
    printf("rtt_p50_us=%.0f rtt_p99_us=%.0f rtt_min_us=%.0f rtt_max_us=%.0f n=%d lost=%d "
           "rtt_p10_us=%.0f rtt_p25_us=%.0f rtt_p75_us=%.0f rtt_p90_us=%.0f",
           us[(ok - 1) / 2], us[(size_t)((ok - 1) * 0.99)], us[0], us[ok - 1], ok, count - ok,
           us[(size_t)((ok - 1) * 0.10)], us[(size_t)((ok - 1) * 0.25)],
           us[(size_t)((ok - 1) * 0.75)], us[(size_t)((ok - 1) * 0.90)]);
    /* How many exchanges took 0-1, 1-2, ... ms (the last bin: 9 ms or more): a wake-up
     * held to a guest's timer tick shows as a mode of its own. */
    rtt_histogram(us, ok);
    printf("\n");
    free(us);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "serve"))
        return do_serve(atoi(argv[2]));
    if (argc == 5 && !strcmp(argv[1], "tx"))
        return do_tx(argv[2], atoi(argv[3]), atol(argv[4]));
    if (argc == 5 && !strcmp(argv[1], "rx"))
        return do_rx(argv[2], atoi(argv[3]), atol(argv[4]));
    if (argc == 6 && !strcmp(argv[1], "flood"))
        return do_flood(argv[2], atoi(argv[3]), atof(argv[4]), atoi(argv[5]));
    if (argc == 5 && !strcmp(argv[1], "rtt"))
        return do_rtt(argv[2], atoi(argv[3]), atoi(argv[4]));
    if (argc == 6 && !strcmp(argv[1], "send"))
        return do_send(argv[2], atoi(argv[3]), atol(argv[4]), strtoull(argv[5], NULL, 0));
    if (argc == 3 && !strcmp(argv[1], "recv"))
        return do_recv(atoi(argv[2]));
    if (argc == 5 && !strcmp(argv[1], "spoof"))
        return do_spoof(argv[2], argv[3], atoi(argv[4]));
    if (argc == 4 && !strcmp(argv[1], "sniff"))
        return do_sniff(argv[2], atoi(argv[3]));
    fprintf(stderr, "usage: net-stream send HOST PORT MIB SEED | recv PORT | "
                    "spoof IFACE SRCMAC N | sniff IFACE SECONDS | serve PORT | "
                    "tx|rx HOST PORT MIB | flood HOST PORT SECS SIZE | rtt HOST PORT N\n");
    return 2;
}

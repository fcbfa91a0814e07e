/* tern top's command line: xentop's options (-d -i -b -v -r -f -z), plus -m (ours). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "topfmt.h"

static int positive(const char *s, unsigned *out)
{
    char *end;
    long v;

    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    v = strtol(s, &end, 10);
    if (*end || v <= 0 || v > 86400)
        return -1;
    *out = (unsigned)v;
    return 0;
}

int top_parse_args(int argc, char **argv, struct top_opts *o, char *err, size_t errlen)
{
    static const struct option lopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"delay", required_argument, NULL, 'd'},
        {"iterations", required_argument, NULL, 'i'},
        {"batch", no_argument, NULL, 'b'},
        {"vcpus", no_argument, NULL, 'v'},
        {"repeat-header", no_argument, NULL, 'r'},
        {"full-name", no_argument, NULL, 'f'},
        {"dom0-first", no_argument, NULL, 'z'},
        {"memory", no_argument, NULL, 'm'},
        {"networks", no_argument, NULL, 'n'},
        {"vbds", no_argument, NULL, 'x'},
        {0, 0, 0, 0},
    };
    int opt;

    memset(o, 0, sizeof(*o));
    o->delay_s = 3;
    o->sort = TOP_NAME;
    optind = 0; /* glibc: a full re-initialisation (the parser may run more than once) */
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "+hd:i:bvrfzmnx", lopts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            return 1;
        case 'd':
            if (positive(optarg, &o->delay_s) < 0) {
                snprintf(err, errlen, "-d: '%s' is not a number of seconds (1..86400)", optarg);
                return -1;
            }
            break;
        case 'i':
            if (positive(optarg, &o->iterations) < 0) {
                snprintf(err, errlen, "-i: '%s' is not a positive count", optarg);
                return -1;
            }
            break;
        case 'b':
            o->batch = true;
            break;
        case 'v':
            o->vcpus = true;
            break;
        case 'r':
            o->repeat_header = true;
            break;
        case 'f':
            o->full_name = true;
            break;
        case 'z':
            o->dom0_first = true;
            break;
        case 'm':
            o->memory = true;
            break;
        case 'n':
        case 'x':
            snprintf(err, errlen, "-%c: no per-device lines yet (per %s: tern %s DOM)", opt,
                     opt == 'n' ? "vif" : "disk", opt == 'n' ? "network-stats" : "block-stats");
            return -1;
        default:
            snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
        return -1;
    }
    return 0;
}

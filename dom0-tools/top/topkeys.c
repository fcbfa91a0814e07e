/* The key table of topkeys.h. */
#include <stdlib.h>
#include "topkeys.h"

static void key_quit(struct top_screen *s)
{
    s->quit = true;
}

static void key_sort(struct top_screen *s)
{
    s->opts.sort = (s->opts.sort + 1) % TOP_NFIELDS;
}

static void key_vcpus(struct top_screen *s)
{
    s->opts.vcpus = !s->opts.vcpus;
}

static void key_repeat(struct top_screen *s)
{
    s->opts.repeat_header = !s->opts.repeat_header;
}

static void key_memory(struct top_screen *s)
{
    s->opts.memory = !s->opts.memory;
}

static void key_delay(struct top_screen *s)
{
    s->prompting = true;
    s->prompt_len = 0;
    s->prompt[0] = '\0';
}

static const struct {
    char key;
    void (*fn)(struct top_screen *s);
} keys[] = {
    {'q', key_quit},   {'Q', key_quit},  {'\033', key_quit}, {'s', key_sort},   {'S', key_sort},
    {'v', key_vcpus},  {'V', key_vcpus}, {'r', key_repeat},  {'R', key_repeat}, {'m', key_memory},
    {'M', key_memory}, {'d', key_delay}, {'D', key_delay},
};

static void prompt_key(struct top_screen *s, char c)
{
    if (c == '\r' || c == '\n') {
        long v = atol(s->prompt);

        if (v > 0 && v <= 86400)
            s->opts.delay_s = (unsigned)v;
        s->prompting = false;
    } else if (c == '\033') {
        s->prompting = false;
    } else if ((c == 0x7f || c == '\b') && s->prompt_len) {
        s->prompt[--s->prompt_len] = '\0';
    } else if (c >= '0' && c <= '9' && s->prompt_len + 1 < sizeof(s->prompt)) {
        s->prompt[s->prompt_len++] = c;
        s->prompt[s->prompt_len] = '\0';
    }
}

void top_keys_feed(struct top_screen *s, const char *buf, size_t n)
{
    for (size_t i = 0; i < n && !s->quit; i++) {
        if (buf[i] == '\033' && i + 2 < n && buf[i + 1] == '[') {
            i += 2; /* a cursor key: no scrolling here */
            continue;
        }
        if (s->prompting) {
            prompt_key(s, buf[i]);
            continue;
        }
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
            if (keys[k].key == buf[i])
                keys[k].fn(s);
    }
}

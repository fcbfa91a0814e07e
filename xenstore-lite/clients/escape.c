/* Value escaping (see escape.h). */
#include "escape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *xsl_escape(const char *val, size_t len)
{
    char *out = malloc(len * 4 + 1), *o = out;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)val[i];
        if (c >= ' ' && c <= '~' && c != '\\') {
            *o++ = (char)c;
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '\t':
            *o++ = 't';
            break;
        case '\n':
            *o++ = 'n';
            break;
        case '\r':
            *o++ = 'r';
            break;
        case '\\':
            *o++ = '\\';
            break;
        default:
            o += sprintf(o, c < 010 ? "%03o" : "x%02x", c);
        }
    }
    *o = '\0';
    return out;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t xsl_unescape(const char *s, char *out)
{
    size_t n = 0;

    while (*s) {
        if (*s != '\\') {
            out[n++] = *s++;
            continue;
        }
        s++;
        switch (*s) {
        case 't':
            out[n++] = '\t';
            s++;
            break;
        case 'n':
            out[n++] = '\n';
            s++;
            break;
        case 'r':
            out[n++] = '\r';
            s++;
            break;
        case '\\':
            out[n++] = '\\';
            s++;
            break;
        case 'x': {
            int v = 0, d = 0;
            s++;
            while (d < 2 && hexval(*s) >= 0)
                v = v * 16 + hexval(*s++), d++;
            out[n++] = (char)v;
            break;
        }
        case '\0':
            break;
        default:
            if (*s >= '0' && *s <= '7') {
                int v = 0, d = 0;
                while (d < 3 && *s >= '0' && *s <= '7')
                    v = v * 8 + (*s++ - '0'), d++;
                out[n++] = (char)v;
            } else {
                out[n++] = *s++; /* unknown escape: the character itself */
            }
        }
    }
    out[n] = '\0';
    return n;
}

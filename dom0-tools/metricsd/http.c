/* http.h: request parsing and response headers. */
#include <string.h>
#include "http.h"

static const char *find_end(const char *buf, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (buf[i] == '\n' && buf[i + 1] == '\n')
            return buf + i;
        if (i + 3 < len && !memcmp(buf + i, "\r\n\r\n", 4))
            return buf + i;
    }
    return NULL;
}

static int token(const char **p, const char *end, char *out, size_t size)
{
    size_t n = 0;

    while (*p < end && **p != ' ' && **p != '\r' && **p != '\n') {
        if ((unsigned char)**p < 0x21 || (unsigned char)**p > 0x7e)
            return -1;
        if (n + 1 >= size)
            return -2;
        out[n++] = *(*p)++;
    }
    out[n] = '\0';
    return n ? 0 : -1;
}

int http_parse(const char *buf, size_t len, struct http_req *r)
{
    const char *end = find_end(buf, len), *p = buf, *eol;
    char version[16];
    int t;

    if (!end)
        return len >= HTTP_MAX_REQUEST ? 431 : 0;
    eol = memchr(buf, '\n', len); /* there is one: end found a blank line */
    if (!eol)
        return 400;
    memset(r, 0, sizeof(*r));
    if (token(&p, eol, r->method, sizeof(r->method)) < 0 || p >= eol || *p++ != ' ')
        return 400;
    t = token(&p, eol, r->path, sizeof(r->path));
    if (t == -2)
        return 414;
    if (t < 0 || p >= eol || *p++ != ' ' || r->path[0] != '/')
        return 400;
    if (token(&p, eol, version, sizeof(version)) < 0 || (*p != '\r' && *p != '\n'))
        return 400;
    if (strcmp(version, "HTTP/1.0") && strcmp(version, "HTTP/1.1"))
        return 505;
    r->path[strcspn(r->path, "?#")] = '\0';
    if (!strcmp(r->method, "HEAD"))
        r->head = 1;
    else if (strcmp(r->method, "GET"))
        return 405;
    return 1;
}

const char *http_reason(int status)
{
    static const struct {
        int status;
        const char *reason;
    } reasons[] = {
        {200, "OK"},
        {400, "Bad Request"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {414, "URI Too Long"},
        {431, "Request Header Fields Too Large"},
        {500, "Internal Server Error"},
        {503, "Service Unavailable"},
        {505, "HTTP Version Not Supported"},
    };

    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
        if (reasons[i].status == status)
            return reasons[i].reason;
    return "Error";
}

void http_header(FILE *f, int status, const char *content_type, size_t len)
{
    fprintf(f,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n%s\r\n",
            status, http_reason(status), content_type, len,
            status == 405 ? "Allow: GET, HEAD\r\n" : "");
}

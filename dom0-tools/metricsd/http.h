/* The little HTTP/1.x that tern-metricsd speaks: one GET or HEAD per connection, answered
 * with Content-Length and closed. Nothing in a request is trusted. */
#ifndef TERN_METRICSD_HTTP_H
#define TERN_METRICSD_HTTP_H

#include <stddef.h>
#include <stdio.h>

#define HTTP_MAX_REQUEST 4096 /* request line + headers */
#define HTTP_MAX_PATH    256

struct http_req {
    char method[8];
    char path[HTTP_MAX_PATH]; /* without the query string */
    int head;                 /* HEAD: headers only */
};

/* Parses buf[0..len). Returns 0 while the headers are incomplete, 1 with r filled, or the
 * HTTP status to answer with (400 malformed, 405 method, 414 long path, 431 too large,
 * 505 version). */
int http_parse(const char *buf, size_t len, struct http_req *r);
const char *http_reason(int status);
/* Status line and headers for a body of len bytes. */
void http_header(FILE *f, int status, const char *content_type, size_t len);

#endif

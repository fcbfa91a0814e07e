/* See capture.h. */
#include "capture.h"

#include <stdlib.h>

char *capture_buf;
static size_t capture_len;

FILE *capture(void)
{
    free(capture_buf);
    capture_buf = NULL;
    return open_memstream(&capture_buf, &capture_len);
}

const char *done(FILE *f)
{
    fclose(f);
    return capture_buf;
}

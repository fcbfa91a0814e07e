/* xs_wire framing helpers (see wire.h). */
#include "wire.h"

#include <string.h>

static const char *const type_names[XSL_TYPE_COUNT] = {
    [XS_CONTROL] = "CONTROL",
    [XS_DIRECTORY] = "DIRECTORY",
    [XS_READ] = "READ",
    [XS_GET_PERMS] = "GET_PERMS",
    [XS_WATCH] = "WATCH",
    [XS_UNWATCH] = "UNWATCH",
    [XS_TRANSACTION_START] = "TRANSACTION_START",
    [XS_TRANSACTION_END] = "TRANSACTION_END",
    [XS_INTRODUCE] = "INTRODUCE",
    [XS_RELEASE] = "RELEASE",
    [XS_GET_DOMAIN_PATH] = "GET_DOMAIN_PATH",
    [XS_WRITE] = "WRITE",
    [XS_MKDIR] = "MKDIR",
    [XS_RM] = "RM",
    [XS_SET_PERMS] = "SET_PERMS",
    [XS_WATCH_EVENT] = "WATCH_EVENT",
    [XS_ERROR] = "ERROR",
    [XS_IS_DOMAIN_INTRODUCED] = "IS_DOMAIN_INTRODUCED",
    [XS_RESUME] = "RESUME",
    [XS_SET_TARGET] = "SET_TARGET",
    [XS_RESET_WATCHES] = "RESET_WATCHES",
    [XS_DIRECTORY_PART] = "DIRECTORY_PART",
};

const char *xsl_err_name(int err)
{
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (xsd_errors[i].errnum == err)
            return xsd_errors[i].errstring;
    return "EINVAL";
}

int xsl_err_from_name(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++) {
        const char *s = xsd_errors[i].errstring;
        if (strlen(s) == len && memcmp(s, name, len) == 0)
            return xsd_errors[i].errnum;
    }
    return EINVAL;
}

const char *xsl_type_name(uint32_t type)
{
    if (type < XSL_TYPE_COUNT && type_names[type])
        return type_names[type];
    return "UNKNOWN";
}

unsigned int xsl_count_strings(const char *buf, size_t len)
{
    unsigned int n = 0;
    for (size_t i = 0; i < len; i++)
        if (buf[i] == '\0')
            n++;
    return n;
}

unsigned int xsl_split(const char *buf, size_t len, const char **argv, unsigned int max)
{
    unsigned int n = 0;
    size_t start = 0;
    for (size_t i = 0; i < len && n < max; i++) {
        if (buf[i] == '\0') {
            argv[n++] = buf + start;
            start = i + 1;
        }
    }
    return n;
}

bool xsl_onearg(const char *buf, size_t len)
{
    return len > 0 && memchr(buf, '\0', len) == buf + len - 1;
}

bool xsl_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        if (v > (max - (unsigned long)(*s - '0')) / 10)
            return false;
        v = v * 10 + (unsigned long)(*s - '0');
    }
    *out = v;
    return true;
}

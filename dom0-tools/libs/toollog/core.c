/* libxentoollog-compatible logger: the stdio stream logger every tool uses. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xentoollog.h>

struct xentoollog_logger_stdiostream {
    xentoollog_logger vtable;
    FILE *f;
    xentoollog_level min_level;
    unsigned flags;
};

static const char *const level_names[XTL_NUM_LEVELS] = {
    [XTL_NONE] = "none",         [XTL_DEBUG] = "debug",       [XTL_VERBOSE] = "verbose",
    [XTL_DETAIL] = "detail",     [XTL_PROGRESS] = "progress", [XTL_INFO] = "info",
    [XTL_NOTICE] = "notice",     [XTL_WARN] = "warning",      [XTL_ERROR] = "error",
    [XTL_CRITICAL] = "critical",
};

const char *xtl_level_to_string(xentoollog_level level)
{
    if (level < 0 || level >= XTL_NUM_LEVELS)
        return "unknown";
    return level_names[level];
}

void xtl_logv(struct xentoollog_logger *logger, xentoollog_level level, int errnoval,
              const char *context, const char *format, va_list al)
{
    int saved = errno;

    if (logger && logger->vmessage)
        logger->vmessage(logger, level, errnoval, context, format, al);
    errno = saved;
}

void xtl_log(struct xentoollog_logger *logger, xentoollog_level level, int errnoval,
             const char *context, const char *format, ...)
{
    va_list al;

    va_start(al, format);
    xtl_logv(logger, level, errnoval, context, format, al);
    va_end(al);
}

void xtl_progress(struct xentoollog_logger *logger, const char *context, const char *doing_what,
                  unsigned long done, unsigned long total)
{
    int percent = total ? (int)(done * 100 / total) : 0;

    if (logger && logger->progress)
        logger->progress(logger, context, doing_what, percent, done, total);
}

void xtl_logger_destroy(struct xentoollog_logger *logger)
{
    if (logger && logger->destroy)
        logger->destroy(logger);
}

static void stdio_vmessage(xentoollog_logger *logger, xentoollog_level level, int errnoval,
                           const char *context, const char *format, va_list al)
{
    xentoollog_logger_stdiostream *lg = (void *)logger;

    if (level < lg->min_level)
        return;
    if (context)
        fprintf(lg->f, "%s: ", context);
    if (!(lg->flags & XTL_STDIOSTREAM_HIDE_PROGRESS) || level != XTL_PROGRESS)
        fprintf(lg->f, "%s: ", xtl_level_to_string(level));
    vfprintf(lg->f, format, al);
    if (errnoval >= 0)
        fprintf(lg->f, ": %s", strerror(errnoval));
    fputc('\n', lg->f);
    fflush(lg->f);
}

static void stdio_destroy(xentoollog_logger *logger)
{
    free(logger);
}

xentoollog_logger_stdiostream *xtl_createlogger_stdiostream(FILE *f, xentoollog_level min_level,
                                                            unsigned flags)
{
    xentoollog_logger_stdiostream *lg = calloc(1, sizeof(*lg));

    if (!lg)
        return NULL;
    lg->vtable.vmessage = stdio_vmessage;
    lg->vtable.destroy = stdio_destroy;
    lg->f = f;
    lg->min_level = min_level;
    lg->flags = flags;
    return lg;
}

void xtl_stdiostream_set_minlevel(xentoollog_logger_stdiostream *lg, xentoollog_level min_level)
{
    lg->min_level = min_level;
}

void xtl_stdiostream_adjust_flags(xentoollog_logger_stdiostream *lg, unsigned set_flags,
                                  unsigned clear_flags)
{
    lg->flags = (lg->flags & ~clear_flags) | set_flags;
}

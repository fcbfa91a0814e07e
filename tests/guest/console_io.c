/*
 * console_io from a domU: Xen's dummy XSM policy (xsm/dummy.h xsm_console_io) lets only the
 * console domain (dom0) in, plus CONSOLEIO_write for everyone on a CONFIG_VERBOSE_DEBUG
 * build.  Debian's Xen is a release build: -EPERM for all of them.
 */
#include <tg/test.h>

static void run(void)
{
    static const char msg[] = "tern console_io probe\n";
    char buf[16];

    tg_expect_rc2("write", hyp_console_io(CONSOLEIO_write, sizeof(msg) - 1, msg), XEN_ERR(EPERM),
                  0);
    tg_expect_rc("read", hyp_console_io(CONSOLEIO_read, sizeof(buf), buf), XEN_ERR(EPERM));
    tg_expect_rc2("write_unmapped", hyp_console_io(CONSOLEIO_write, 16, (void *)0xC0000000UL),
                  XEN_ERR(EPERM), XEN_ERR(EFAULT));
    tg_expect_rc2("bad_cmd", hyp_console_io(7, 0, NULL), XEN_ERR(EPERM), XEN_ERR(ENOSYS));
}
TG_CASE(console_io, "CONSOLEIO_write/read from an unprivileged domU", run);

/* The tern toolstack: shared context, the domain lifecycle (domain.c, also used by
 * tern-consoled) and the command table entry points. */
#ifndef TERN_TERN_H
#define TERN_TERN_H

#define __XEN_TOOLS__ 1
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xenctrl.h>
#include <xenstore.h>
#include "config.h"

#define TERN_CONSOLE_SOCKET  "/run/tern/console.sock"
#define TERN_CONSOLE_LOGDIR  "/var/log/tern/console"
#define TERN_MAXMEM_SLACK_KB 1024 /* libxl's LIBXL_MAXMEM_CONSTANT */
/* How long a domain's destroy waits for its connected backends to close (all at once). */
#define TERN_DEV_CLOSE_MS 2000
/* How long block-detach / network-detach wait for the backend to close (libxl: 10 s). */
#define TERN_DEV_DETACH_MS 10000

struct tern_ctx {
    xc_interface *xch;
    struct xs_handle *xsh;
    xentoollog_logger_stdiostream *logger;
    int verbose;
};

/* Opens the hypervisor and xenstore connections; prints the error and returns -1. */
int tern_ctx_open(struct tern_ctx *ctx, bool need_xs);
void tern_ctx_close(struct tern_ctx *ctx);

/* One error message on stderr: "tern: <message>". Returns 1 (the exit status). */
int tern_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* xenstore helpers (NULL/-1 on failure with errno). */
char *tern_xs_read(struct tern_ctx *ctx, xs_transaction_t t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool tern_xs_write(struct tern_ctx *ctx, xs_transaction_t t, const char *value, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));

/* Device command arguments: a spec given as several arguments joined with commas (as
 * xl does); a guest domain (not dom0) by name or id, reported if not found. */
int tern_join_args(int argc, char **argv, char *out, size_t size);
long tern_guest_arg(struct tern_ctx *ctx, const char *cmd, const char *what);
/* A number node dir/key; -1 if absent or not a number (as xl's lists show it). */
long tern_xs_read_long(struct tern_ctx *ctx, const char *dir, const char *key);

/* Domain lookup: a domid or a name (from /local/domain/N/name). Returns -1 if none. */
long tern_domain_lookup(struct tern_ctx *ctx, const char *what);
/* The domain's name ("Domain-0" for 0); caller frees. */
char *tern_domain_name(struct tern_ctx *ctx, uint32_t domid);

/* Creates, builds and (unless paused) starts a domain. On failure everything made so far is
 * removed again and err holds "step: object: reason". */
int tern_domain_create(struct tern_ctx *ctx, const struct tern_config *cfg, bool paused,
                       uint32_t *domid, char *err, size_t errlen);
/* Destroys a domain and removes its xenstore nodes; waits (up to timeout_ms) until the
 * hypervisor has freed it. Returns 0 or -errno with err filled. */
int tern_domain_destroy(struct tern_ctx *ctx, uint32_t domid, int timeout_ms, char *err,
                        size_t errlen);

/* The timer frequency Xen reported in createdomain's arch output (arch_*.c), 0 if none. */
uint32_t tern_arch_clock_frequency(const struct xen_domctl_createdomain *create);
/* The GIC version createdomain chose (XEN_DOMCTL_CONFIG_GIC_*), 0 if none. */
unsigned int tern_arch_gic_version(const struct xen_domctl_createdomain *create);

/* Commands (cmd_*.c): argc/argv start at the command name; return the exit status. */
typedef int tern_cmd_fn(struct tern_ctx *ctx, int argc, char **argv);
tern_cmd_fn cmd_create, cmd_destroy, cmd_shutdown, cmd_reboot, cmd_pause, cmd_unpause;
tern_cmd_fn cmd_list, cmd_info, cmd_dmesg, cmd_domid, cmd_domname, cmd_uptime, cmd_vcpu_list;
tern_cmd_fn cmd_mem_set, cmd_mem_max, cmd_console;
tern_cmd_fn cmd_block_attach, cmd_block_detach, cmd_block_list, cmd_block_resize;
tern_cmd_fn cmd_network_attach, cmd_network_detach, cmd_network_list, cmd_network_rate;
tern_cmd_fn cmd_network_stats;
tern_cmd_fn cmd_block_stats;
tern_cmd_fn cmd_disk, cmd_top;
tern_cmd_fn cmd_vcpu_pin, cmd_sched_credit; /* cmd_vcpu.c, cmd_sched.c */

/* Attaches the terminal to a domain's console via tern-consoled; returns exit status. */
int tern_console_attach(uint32_t domid);

#endif

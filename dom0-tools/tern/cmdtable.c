/* The one command table: xl's command names, each row with its handler, what it needs
 * opened first, usage and help. */
#include <stdio.h>
#include <string.h>
#include "cmdtable.h"

static int cmd_help(struct tern_ctx *ctx, int argc, char **argv);

const struct tern_cmd tern_cmd_table[] = {
    {"create", cmd_create, TERN_NEED_XC | TERN_NEED_XS, "[-c] [-p] <ConfigFile> [options] [vars]",
     "Create a domain from config file <ConfigFile>.\n"
     "  -c  attach to the console after creation\n"
     "  -p  leave the domain paused after it is created"},
    {"list", cmd_list, TERN_NEED_XC | TERN_NEED_XS, "[-l] [Domain...]",
     "List information about all/some domains.\n  -l  output as JSON"},
    {"destroy", cmd_destroy, TERN_NEED_XC | TERN_NEED_XS, "<Domain>",
     "Terminate a domain immediately."},
    {"shutdown", cmd_shutdown, TERN_NEED_XC | TERN_NEED_XS, "[-w] [-F] <Domain>",
     "Issue a shutdown signal to a domain.\n"
     "  -w  wait for the domain to complete shutdown\n"
     "  -F  fall back to a hypervisor shutdown if the guest has no PV control"},
    {"reboot", cmd_reboot, TERN_NEED_XC | TERN_NEED_XS, "[-w] [-F] <Domain>",
     "Issue a reboot signal to a domain."},
    {"pause", cmd_pause, TERN_NEED_XC | TERN_NEED_XS, "<Domain>", "Pause execution of a domain."},
    {"unpause", cmd_unpause, TERN_NEED_XC | TERN_NEED_XS, "<Domain>", "Unpause a paused domain."},
    {"console", cmd_console, TERN_NEED_XC | TERN_NEED_XS, "<Domain>",
     "Attach to domain's console (Ctrl-] detaches)."},
    {"mem-set", cmd_mem_set, TERN_NEED_XC | TERN_NEED_XS, "[-w] [-f] [-t S] <Domain> <Mem>",
     "Set the current memory usage for a domain (units b/k/m/g/t, default KiB as xl).\n"
     "  -w  wait and report where the balloon ends: the target reached (exit 0), or where\n"
     "      it stopped short and why (exit 3)\n"
     "  -f  write the target even below what the guest can give without running out of\n"
     "      memory (by default it is raised to the lowest safe one, with the reason)\n"
     "  -t  seconds without progress after which -w calls it stopped (default 10)"},
    {"mem-max", cmd_mem_max, TERN_NEED_XC | TERN_NEED_XS, "<Domain> <MemKB>",
     "Set the maximum amount reservation for a domain (units b/k/m/g, default KiB)."},
    {"vcpu-list", cmd_vcpu_list, TERN_NEED_XC | TERN_NEED_XS, "[Domain...]",
     "List the VCPUs for all/some domains."},
    {"top", cmd_top, TERN_NEED_XC | TERN_NEED_XS, "[-b] [-d S] [-i N] [-v] [-m] [-r] [-f] [-z]",
     "Monitor domains in xentop's columns (interactive keys: d v r s m q).\n"
     "  -b  batch mode: print the table every S seconds, no keys\n"
     "  -d  seconds between updates (default 3)\n"
     "  -i  number of updates before exiting (default: until q or a signal)\n"
     "  -v  a VCPUs(sec) line per domain\n"
     "  -m  a memory line per domain: balloon target, guest used/cache/available, balloon\n"
     "      state (the guest agent's and tern-balloond's xenstore keys)\n"
     "  -r  repeat the header before each domain\n"
     "  -f  full domain names\n"
     "  -z  Domain-0 first"},
    {"vcpu-pin", cmd_vcpu_pin, TERN_NEED_XC | TERN_NEED_XS,
     "<Domain> <VCPU|all> <Hard affinity|-> [Soft affinity|-]",
     "Set which CPUs a VCPU can use (CPU lists as xl: all, N, N-M, ^N, comma-separated)."},
    {"sched-credit", cmd_sched_credit, TERN_NEED_XC | TERN_NEED_XS,
     "[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s [-t TSLICE] [-r RATELIMIT] [-m DELAY]] [-p Pool-0]",
     "Get/set credit scheduler parameters.\n"
     "  -d, --domain=DOMAIN       domain to modify\n"
     "  -w, --weight=WEIGHT       weight (int, 1-65535)\n"
     "  -c, --cap=CAP             cap in percent of one CPU (0 = none)\n"
     "  -s, --schedparam          query or set the scheduler's parameters\n"
     "  -t, --tslice_ms=TSLICE    time slice (fixed in Tern: 30)\n"
     "  -r, --ratelimit_us=RLIMIT rate limit (fixed in Tern: 1000)\n"
     "  -m, --migration_delay_us=D migration delay (fixed in Tern: 0)\n"
     "  -p, --cpupool=CPUPOOL     the cpupool (Pool-0 only)"},
    {"info", cmd_info, TERN_NEED_XC, "", "Get information about Xen host."},
    {"dmesg", cmd_dmesg, TERN_NEED_XC, "[-c]",
     "Read and/or clear dmesg buffer.\n  -c  clear dmesg buffer as well as printing it"},
    {"domid", cmd_domid, TERN_NEED_XC | TERN_NEED_XS, "<DomainName>",
     "Convert a domain name to domain id."},
    {"domname", cmd_domname, TERN_NEED_XC | TERN_NEED_XS, "<DomainId>",
     "Convert a domain id to domain name."},
    {"uptime", cmd_uptime, TERN_NEED_XC | TERN_NEED_XS, "[-s] [Domain...]",
     "Print uptime for all/some domains.\n  -s  short output"},
    {"block-attach", cmd_block_attach, TERN_NEED_XC | TERN_NEED_XS,
     "<Domain> <disk-spec-component(s)>...",
     "Create a new virtual block device (xl-disk-configuration syntax, plus cache=writeback|none)."},
    {"block-detach", cmd_block_detach, TERN_NEED_XC | TERN_NEED_XS, "<Domain> <DevId>",
     "Destroy a domain's virtual block device (<DevId> a vdev such as xvdb or its number)."},
    {"block-list", cmd_block_list, TERN_NEED_XC | TERN_NEED_XS, "<Domain(s)>",
     "List virtual block devices for a domain."},
    {"block-resize", cmd_block_resize, TERN_NEED_XC | TERN_NEED_XS, "<Domain> <DevId> <Size>",
     "Grow a virtual block device's image to <Size> (units K/M/G/T) and tell its backend."},
    {"block-stats", cmd_block_stats, TERN_NEED_XC | TERN_NEED_XS, "<Domain> [--json]",
     "Per-disk counters from tern-blkback: requests (read, write, flush, discard), sectors, "
     "errors, OO (the ring was full)."},
    {"network-attach", cmd_network_attach, TERN_NEED_XC | TERN_NEED_XS,
     "<Domain> [mac=<MAC>] [bridge=<bridge>] [rate=<RATE>/s[@<INTERVAL>]] ...",
     "Create a new virtual network device."},
    {"network-detach", cmd_network_detach, TERN_NEED_XC | TERN_NEED_XS, "<Domain> <DevId|mac>",
     "Destroy a domain's virtual network device."},
    {"network-list", cmd_network_list, TERN_NEED_XC | TERN_NEED_XS, "<Domain(s)>",
     "List virtual network interfaces for a domain."},
    {"network-rate", cmd_network_rate, TERN_NEED_XC | TERN_NEED_XS,
     "<Domain> <DevId|mac> <RATE>/s[@<INTERVAL>]|none",
     "Change a running vif's rate limit (none: unlimited)."},
    {"network-stats", cmd_network_stats, TERN_NEED_XC | TERN_NEED_XS,
     "<Domain> [--json] | --switches [--json]",
     "Per-vif counters from tern-netback: packets, bytes, drops; TX = sent by the guest.\n"
     "  --switches  each switch's traffic with dom0's port: frames to dom0 (packets, bytes,\n"
     "              drops) and from dom0 (packets, malformed ones dropped)"},
    {"disk", cmd_disk, 0, "create <Path> <Size> | info <Path>",
     "Thin-provisioned raw images.\n"
     "  create  make a sparse image of <Size> bytes (units K/M/G/T)\n"
     "  info    print its format, virtual_size and allocated_size in bytes"},
    {"help", cmd_help, 0, "[command]", "Print help."},
};
const size_t tern_cmd_count = sizeof(tern_cmd_table) / sizeof(tern_cmd_table[0]);

const struct tern_cmd *tern_cmd_find(const char *name)
{
    for (size_t i = 0; i < tern_cmd_count; i++)
        if (!strcmp(tern_cmd_table[i].name, name))
            return &tern_cmd_table[i];
    return NULL;
}

void tern_print_usage(FILE *f)
{
    fprintf(f, "Usage: tern [-v] <subcommand> [args]\n\ntern full list of subcommands:\n\n");
    for (size_t i = 0; i < tern_cmd_count; i++) {
        const char *nl = strchr(tern_cmd_table[i].help, '\n');
        int len = nl ? (int)(nl - tern_cmd_table[i].help) : (int)strlen(tern_cmd_table[i].help);

        fprintf(f, " %-20s%.*s\n", tern_cmd_table[i].name, len, tern_cmd_table[i].help);
    }
}

static int cmd_help(struct tern_ctx *ctx, int argc, char **argv)
{
    const struct tern_cmd *cmd;

    if (argc < 2) {
        tern_print_usage(stdout);
        return 0;
    }
    cmd = tern_cmd_find(argv[1]);
    if (!cmd)
        return tern_error("help: unknown command '%s'", argv[1]);
    printf("Usage: tern %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->help);
    return 0;
}

int tern_usage_error(const char *name)
{
    const struct tern_cmd *cmd = tern_cmd_find(name);

    fprintf(stderr, "Usage: tern %s %s\n", name, cmd ? cmd->usage : "");
    return 2;
}

/* xl.cfg parser: accepted syntax, values, and file:line errors. */
#include <string.h>
#include "config.h"
#include "suites.h"

static struct tern_config cfg;
static char err[512];

static int parse(const char *text)
{
    tern_config_init(&cfg);
    err[0] = '\0';
    return tern_config_parse(&cfg, "t.cfg", text, err, sizeof(err), NULL);
}

START_TEST(test_values)
{
    const char *text = "name = \"g1\"\nmemory = 256\nmaxmem=512\nvcpus = 2;\n"
                       "kernel = '/guest/vmlinuz'\nramdisk = \"/guest/initrd.gz\"\n"
                       "extra = \"console=hvc0 rdinit=/init\"\n"
                       "on_poweroff = \"destroy\"\non_reboot = 'restart'\non_crash = \"preserve\"\n"
                       "disk = [ 'phy:/dev/loop0,xvda,r',\n"
                       "         'vdev=xvdb,access=rw,target=/img', ]\n"
                       "vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0' ]\nacpi = 0\n";

    ck_assert_msg(parse(text) == 0, "%s", err);
    ck_assert_str_eq(cfg.name, "g1");
    ck_assert_uint_eq(cfg.memory_mib, 256);
    ck_assert_uint_eq(cfg.maxmem_mib, 512);
    ck_assert_uint_eq(cfg.vcpus, 2);
    ck_assert_str_eq(cfg.kernel, "/guest/vmlinuz");
    ck_assert_str_eq(cfg.ramdisk, "/guest/initrd.gz");
    ck_assert_str_eq(cfg.cmdline, "console=hvc0 rdinit=/init");
    ck_assert_int_eq(cfg.on_crash, TERN_ACTION_PRESERVE);
    ck_assert_uint_eq(cfg.nr_disks, 2);
    ck_assert_str_eq(cfg.disks[0].target, "/dev/loop0");
    ck_assert_str_eq(cfg.disks[0].vdev, "xvda");
    ck_assert_int_eq(cfg.disks[0].readonly, 1);
    ck_assert_str_eq(cfg.disks[1].target, "/img");
    ck_assert_str_eq(cfg.disks[1].vdev, "xvdb");
    ck_assert_int_eq(cfg.disks[1].readonly, 0);
    ck_assert_uint_eq(cfg.nr_vifs, 1);
    ck_assert_str_eq(cfg.vifs[0].mac, "00:16:3e:00:00:01");
    ck_assert_str_eq(cfg.vifs[0].bridge, "xenbr0");
    /* maxmem above memory: boots with memory, may grow to maxmem (docs/memory.md) */
    ck_assert_int_eq(tern_config_validate(&cfg, err, sizeof(err)), 0);
    cfg.maxmem_mib = 256;
    ck_assert_int_eq(tern_config_validate(&cfg, err, sizeof(err)), 0);
}
END_TEST

static const struct {
    const char *text;
    const char *err;
} bad[] = {
    {"name = \"a\"\nmemory = \"big\"\n", "t.cfg:2: 'memory' must be a number, not a string"},
    {"name = \"a\"\n\nvcpus = 0\n", "t.cfg:3: vcpus: vcpus 0 out of range [1, 128]"},
    {"name = \"a\nkernel=\"k\"\n", "t.cfg:1: unterminated string"},
    {"name = \"a\"\ndisk = [ 'phy:/dev/x' ]\n", "t.cfg:2: disk: disk 0: disk spec 'phy:/dev/x': "
                                                "no vdev"},
    {"disk = [ '/a,raw,xvda', '/b,raw,51712' ]\n",
     "t.cfg:1: disk: disk 1: vdev 51712 is the same device as disk 0's (xvda)"},
    {"vif = [ 'mac=00:16:3e:00:00:01', 'mac=00:16:3e:00:00:01' ]\n",
     "t.cfg:1: vif: vif 1: mac 00:16:3e:00:00:01 already used by vif 0"},
    {"vif = [ 'mac=00:16:3e:zz:00:01' ]\n",
     "t.cfg:1: vif: vif 0: mac '00:16:3e:zz:00:01' is not xx:xx:xx:xx:xx:xx"},
    {"on_crash = \"explode\"\n", "t.cfg:1: on_crash: 'explode' is not an action (destroy, "
                                 "restart, rename-restart, preserve, coredump-destroy, "
                                 "coredump-restart, soft-reset)"},
    {"memory 128\n", "t.cfg:1: expected '=' or '+=' after 'memory'"},
    {"memory = 64 vcpus = 1\n", "t.cfg:1: unexpected text after the value of 'memory' (a "
                                "statement ends at a newline or ';')"},
    {"name = \"a\"\ndisk = [ 'x' ]\ndisk += \"y\"\n",
     "t.cfg:3: 'disk' += : can't add [list] to \"string\" or vice versa"},
    {"disk = [ [ 'x' ] ]\n", "t.cfg:1: lists inside lists are not supported"},
    {"memory = 64 ; memory += \"m\"\n", "t.cfg:1: 'memory' must be a number, not a string"},
    {"vcpus = 1\nvcpus = 0 ; name = \"a\"\n", "t.cfg:2: vcpus: vcpus 0 out of range [1, 128]"},
    {"memory + = 64\n", "t.cfg:1: expected '=' or '+=' after 'memory'"},
    {"disk = [ 'a,xvda'\nname=\"x\"\n", "t.cfg:2: expected ',' or ']' in list"},
    {"name = \"bad name\"\n",
     "t.cfg:1: name: name 'bad name': only letters, digits, '-', '_' and '.' allowed"},
    {"memory = 12x\n", "t.cfg:1: malformed number"},
    {"= 3\n", "t.cfg:1: expected a key name"},
};

START_TEST(test_errors)
{
    ck_assert_int_eq(parse(bad[_i].text), -1);
    ck_assert_str_eq(err, bad[_i].err);
}
END_TEST

START_TEST(test_validate)
{
    ck_assert_int_eq(parse("name=\"a\"\nkernel=\"/k\"\nmemory=256\nmaxmem=128\n"), 0);
    ck_assert_int_eq(tern_config_validate(&cfg, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "config: maxmem (128) is less than memory (256)");
    ck_assert_int_eq(parse("kernel=\"/k\"\n"), 0);
    ck_assert_int_eq(tern_config_validate(&cfg, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "config: no 'name' given");
    ck_assert_int_eq(parse("name=\"a\"\n"), 0);
    ck_assert_int_eq(tern_config_validate(&cfg, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "config: no 'kernel' given");
}
END_TEST

START_TEST(test_defaults_and_unknown)
{
    ck_assert_int_eq(parse("name=\"a\"\nkernel=\"/k\"\nbuilder=\"generic\"\n"), 0);
    ck_assert_uint_eq(cfg.memory_mib, 128);
    ck_assert_uint_eq(cfg.vcpus, 1);
    ck_assert_int_eq(cfg.on_reboot, TERN_ACTION_RESTART);
    ck_assert_int_eq(cfg.on_poweroff, TERN_ACTION_DESTROY);
}
END_TEST

/* libxlu's grammar: a statement ends at a newline or ';' (the last one may end the text),
 * the last assignment of a key wins, and += appends to a list or joins strings. */
START_TEST(test_statements)
{
    ck_assert_msg(parse("memory = 64 ; vcpus = 2;name='a';;\n kernel = \"/k\"") == 0, "%s", err);
    ck_assert_uint_eq(cfg.memory_mib, 64);
    ck_assert_uint_eq(cfg.vcpus, 2);
    ck_assert_str_eq(cfg.name, "a");
    ck_assert_str_eq(cfg.kernel, "/k");
    ck_assert_msg(parse("memory = 64\nmemory = 96 # the last one wins\n") == 0, "%s", err);
    ck_assert_uint_eq(cfg.memory_mib, 96);

    ck_assert_msg(parse("disk = [ '/a,raw,xvda' ]\nname = 'g'\n"
                        "disk += [ '/b,raw,xvdb',\n  '/c,raw,xvdc', ]; vif += [ 'bridge=br0' ]\n"
                        "extra = \"console=hvc0\" ; extra += \" quiet\"\n") == 0,
                  "%s", err);
    ck_assert_uint_eq(cfg.nr_disks, 3);
    ck_assert_str_eq(cfg.disks[0].target, "/a");
    ck_assert_str_eq(cfg.disks[1].vdev, "xvdb");
    ck_assert_str_eq(cfg.disks[2].target, "/c");
    ck_assert_uint_eq(cfg.nr_vifs, 1); /* += with nothing before: a plain assignment */
    ck_assert_str_eq(cfg.vifs[0].bridge, "br0");
    ck_assert_str_eq(cfg.cmdline, "console=hvc0 quiet");
    ck_assert_msg(parse("disk = [ '/a,raw,xvda' ]\ndisk = [ '/b,raw,xvdb' ]\n") == 0, "%s", err);
    ck_assert_uint_eq(cfg.nr_disks, 1); /* = replaces the list */
    ck_assert_str_eq(cfg.disks[0].target, "/b");
    ck_assert_msg(parse("vcpus = 1\nvcpus += 2\n") == 0, "%s", err); /* numbers are text */
    ck_assert_uint_eq(cfg.vcpus, 12);
    ck_assert_msg(parse("vif = [ 'bridge=br0', ]\n") == 0, "%s", err);
    ck_assert_uint_eq(cfg.nr_vifs, 1);
}
END_TEST

START_TEST(test_sizes)
{
    uint64_t kb;

    ck_assert_int_eq(tern_parse_size_kb("131072", 1024, &kb), 0);
    ck_assert_uint_eq(kb, 131072);
    ck_assert_int_eq(tern_parse_size_kb("128m", 1024, &kb), 0);
    ck_assert_uint_eq(kb, 131072);
    ck_assert_int_eq(tern_parse_size_kb("1G", 1024, &kb), 0);
    ck_assert_uint_eq(kb, 1048576);
    ck_assert_int_eq(tern_parse_size_kb("64MB", 1024, &kb), 0);
    ck_assert_uint_eq(kb, 65536);
    ck_assert_int_eq(tern_parse_size_kb("12q", 1024, &kb), -1);
    ck_assert_int_eq(tern_parse_size_kb("m", 1024, &kb), -1);
    ck_assert_int_eq(tern_parse_size_kb("-5", 1024, &kb), -1);
}
END_TEST

Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, test_values);
    tcase_add_loop_test(tc, test_errors, 0, sizeof(bad) / sizeof(bad[0]));
    tcase_add_test(tc, test_validate);
    tcase_add_test(tc, test_defaults_and_unknown);
    tcase_add_test(tc, test_sizes);
    tcase_add_test(tc, test_statements);
    suite_add_tcase(s, tc);
    return s;
}

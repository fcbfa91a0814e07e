/* Disk and vif specs (xl-disk-configuration, xl-network-configuration), vdev numbers, rates,
 * MACs and sizes. */
#include <string.h>
#include "devspec.h"
#include "suites.h"

static char err[256];

static const struct {
    const char *vdev;
    int devid;
} vdevs[] = {
    {"xvda", 51712},
    {"xvdb", 51728},
    {"xvda1", 51713},
    {"xvdp", 51952},
    {"xvdp15", 51967},
    {"xvdq", (1 << 28) | (16 << 8)},
    {"xvda16", (1 << 28) | 16},
    {"xvdaa", (1 << 28) | (26 << 8)},
    {"hda", 768},
    {"hdb", 832},
    {"hdc", 5632},
    {"hdd1", 5697},
    {"sda", 2048},
    {"sdb2", 2066},
    {"d0p1", 51713},
    {"d1", 51728},
    {"51712", 51712},
    {"xvd", -1},
    {"xvda0", -1},
    {"xvdA", -1},
    {"hde", -1},
    {"sdq", -1},
    {"foo", -1},
    {"", -1},
    {"xvda01", -1},
    {"12x", -1},
};

START_TEST(test_vdev_devid)
{
    ck_assert_msg(tern_vdev_devid(vdevs[_i].vdev) == vdevs[_i].devid, "%s -> %d, want %d",
                  vdevs[_i].vdev, tern_vdev_devid(vdevs[_i].vdev), vdevs[_i].devid);
}
END_TEST

START_TEST(test_disk_forms)
{
    struct tern_disk d;

    /* The four positional parameters: target, format, vdev, access. */
    ck_assert_int_eq(tern_disk_parse("/var/lib/tern/guest.img,raw,xvda,rw", &d, err, sizeof(err)),
                     0);
    ck_assert_str_eq(d.target, "/var/lib/tern/guest.img");
    ck_assert_str_eq(d.vdev, "xvda");
    ck_assert_int_eq(d.devid, 51712);
    ck_assert_int_eq(d.readonly, 0);
    ck_assert_int_eq(d.cache, TERN_CACHE_WRITEBACK);
    /* Empty positional = default; the xl(5) examples. */
    ck_assert_int_eq(tern_disk_parse("/dev/vg/guest-volume,,hda", &d, err, sizeof(err)), 0);
    ck_assert_str_eq(d.vdev, "hda");
    ck_assert_int_eq(d.readonly, 0);
    ck_assert_int_eq(tern_disk_parse("format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume",
                                     &d, err, sizeof(err)),
                     0);
    ck_assert_str_eq(d.target, "/dev/vg/guest-volume");
    ck_assert_str_eq(d.vdev, "hda");
    /* Deprecated prefix: it gives the format, so the next positional is the vdev. */
    ck_assert_int_eq(tern_disk_parse("raw:/dev/vg/guest-volume,hda,w", &d, err, sizeof(err)), 0);
    ck_assert_str_eq(d.target, "/dev/vg/guest-volume");
    ck_assert_str_eq(d.vdev, "hda");
    ck_assert_int_eq(tern_disk_parse("phy:/dev/loop0,xvdb,r", &d, err, sizeof(err)), 0);
    ck_assert_str_eq(d.target, "/dev/loop0");
    ck_assert_int_eq(d.readonly, 1);
    ck_assert_int_eq(d.discard, -1);
    /* target= takes the rest, commas included. */
    ck_assert_int_eq(
        tern_disk_parse("vdev=xvdc,access=ro,cache=none,target=/img,x", &d, err, sizeof(err)), 0);
    ck_assert_str_eq(d.target, "/img,x");
    ck_assert_int_eq(d.readonly, 1);
    ck_assert_int_eq(d.cache, TERN_CACHE_NONE);
    /* Flags and accepted-and-ignored keys. */
    ck_assert_int_eq(tern_disk_parse("/img,raw,xvdd,w,no-discard,devtype=disk,backendtype=phy,"
                                     "script=block,direct-io-safe",
                                     &d, err, sizeof(err)),
                     0);
    ck_assert_int_eq(d.discard, 0);
    ck_assert_int_eq(d.direct_io_safe, 1);
    ck_assert_int_eq(tern_disk_parse("/iso,,hdc,cdrom", &d, err, sizeof(err)), 0);
    ck_assert_int_eq(d.cdrom, 1);
    ck_assert_int_eq(tern_disk_parse("/img,raw,xvda,rw,", &d, err, sizeof(err)), 0);
}
END_TEST

static const struct {
    const char *spec, *err;
} bad_disks[] = {
    {"/img,raw,xvda,rw,bogus=1", "unknown disk parameter 'bogus'"},
    {"/img,raw,xvd1", "vdev 'xvd1' is not a virtual device name (xvdX[N], hdX[N], sdX[N], dNpM "
                      "or a number)"},
    {"/img,raw,xvda,rx", "access 'rx' is not r, ro, w or rw"},
    {"/img,qcow2,xvda", "format 'qcow2' is not supported (only raw images)"},
    {"/img,vmdk,xvda", "unknown format 'vmdk' (raw, qcow, qcow2, vhd, qed)"},
    {"/img,raw,xvda,w,extra", "too many positional parameters at 'extra' (target, format, vdev, "
                              "access)"},
    {"/img,raw", "disk spec '/img,raw': no vdev"},
    {"vdev=xvda", "disk spec 'vdev=xvda': no target"},
    {"target=/img,vdev=xvda", "disk spec 'target=/img,vdev=xvda': no vdev"},
    {"/img,raw,xvda,cache=unsafe", "cache 'unsafe' is not writeback or none"},
    {"/img,raw,xvda,devtype=floppy", "devtype 'floppy' is not one of disk, cdrom"},
    {"/img,raw,xvda,backendtype=nbd", "backendtype 'nbd' is not one of phy, tap, qdisk, "
                                      "standalone"},
    {"/img,raw,xvda,backend=2", "backend '2': only dom0 serves disks"},
};

START_TEST(test_disk_errors)
{
    struct tern_disk d;

    ck_assert_int_eq(tern_disk_parse(bad_disks[_i].spec, &d, err, sizeof(err)), -1);
    ck_assert_str_eq(err, bad_disks[_i].err);
}
END_TEST

START_TEST(test_vif)
{
    struct tern_vif v;

    ck_assert_int_eq(tern_vif_parse("mac=00:16:3e:00:00:02,bridge=xenbr0", &v, err, sizeof(err)),
                     0);
    ck_assert_str_eq(v.mac, "00:16:3e:00:00:02");
    ck_assert_str_eq(v.bridge, "xenbr0");
    ck_assert_uint_eq(v.rate_interval_us, 0);
    ck_assert_int_eq(tern_vif_parse("bridge=br1, rate=8Mb/s@20ms, ip=10.0.0.2, script=vif-nat, "
                                    "type=vif,model=e1000,vifname=v1,mtu=9000",
                                    &v, err, sizeof(err)),
                     0);
    ck_assert_str_eq(v.mac, "");
    ck_assert_str_eq(v.bridge, "br1");
    ck_assert_str_eq(v.ip, "10.0.0.2");
    ck_assert_str_eq(v.script, "vif-nat");
    ck_assert_uint_eq(v.mtu, 9000);
    /* As xl wrote it on Xen 4.17: rate = "20000,20000". */
    ck_assert_uint_eq(v.rate_bytes_per_interval, 20000);
    ck_assert_uint_eq(v.rate_interval_us, 20000);
    ck_assert_int_eq(tern_vif_parse("", &v, err, sizeof(err)), 0);
    ck_assert_str_eq(v.bridge, "xenbr0");
}
END_TEST

static const struct {
    const char *spec, *err;
} bad_vifs[] = {
    {"mac=00:16:3e:00:00", "mac '00:16:3e:00:00' is not xx:xx:xx:xx:xx:xx"},
    {"mac=01:16:3e:00:00:01", "mac '01:16:3e:00:00:01' is a multicast address"},
    {"mac=00:00:00:00:00:00", "mac '00:00:00:00:00:00' is all zeros"},
    {"colour=blue", "unknown vif parameter 'colour'"},
    {"bridge", "vif parameter 'bridge' is not key=value"},
    {"rate=fast", "rate 'fast' is not RATE/s[@INTERVAL] (e.g. 10Mb/s@20ms)"},
    {"rate=10Mb/s@1h", "rate '10Mb/s@1h': interval is not N followed by s, ms or us"},
    {"mtu=20", "mtu '20' is not a number in [68, 65535]"},
    {"type=tap", "type 'tap' is not vif or ioemu"},
};

START_TEST(test_vif_errors)
{
    struct tern_vif v;

    ck_assert_int_eq(tern_vif_parse(bad_vifs[_i].spec, &v, err, sizeof(err)), -1);
    ck_assert_str_eq(err, bad_vifs[_i].err);
}
END_TEST

START_TEST(test_rate)
{
    uint64_t b;
    uint32_t us;

    ck_assert_int_eq(tern_rate_parse("10MB/s", &b, &us, err, sizeof(err)), 0);
    ck_assert_uint_eq(us, 50000); /* xl's default interval */
    ck_assert_uint_eq(b, 500000);
    ck_assert_int_eq(tern_rate_parse("1Gb/s@1s", &b, &us, err, sizeof(err)), 0);
    ck_assert_uint_eq(b, 125000000);
    ck_assert_uint_eq(us, 1000000);
    ck_assert_int_eq(tern_rate_parse("800Kb/s@100us", &b, &us, err, sizeof(err)), 0);
    ck_assert_uint_eq(b, 10);
    ck_assert_uint_eq(us, 100);
    ck_assert_int_eq(tern_rate_parse("0Mb/s", &b, &us, err, sizeof(err)), -1);
    ck_assert_int_eq(tern_rate_parse("10Mb", &b, &us, err, sizeof(err)), -1);
    ck_assert_int_eq(tern_rate_parse("10M/s", &b, &us, err, sizeof(err)), -1);
}
END_TEST

START_TEST(test_mac_and_bytes)
{
    char a[18], b[18], c[18];
    uint64_t n;

    tern_mac_generate("guest", 0, a);
    tern_mac_generate("guest", 0, b);
    tern_mac_generate("guest", 1, c);
    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, c);
    ck_assert_int_eq(strncmp(a, "00:16:3e:", 9), 0);
    ck_assert_int_eq(tern_mac_check(a, err, sizeof(err)), 0);
    ck_assert_int_eq(tern_parse_bytes("1G", &n), 0);
    ck_assert_uint_eq(n, 1ULL << 30);
    ck_assert_int_eq(tern_parse_bytes("512M", &n), 0);
    ck_assert_uint_eq(n, 512ULL << 20);
    ck_assert_int_eq(tern_parse_bytes("4096", &n), 0);
    ck_assert_uint_eq(n, 4096);
    ck_assert_int_eq(tern_parse_bytes("2GiB", &n), 0);
    ck_assert_uint_eq(n, 2ULL << 30);
    ck_assert_int_eq(tern_parse_bytes("1X", &n), -1);
    ck_assert_int_eq(tern_parse_bytes("G", &n), -1);
    ck_assert_int_eq(tern_parse_bytes("99999999999T", &n), -1);
}
END_TEST

Suite *devspec_suite(void)
{
    Suite *s = suite_create("devspec");
    TCase *tc = tcase_create("parse");

    tcase_add_loop_test(tc, test_vdev_devid, 0, sizeof(vdevs) / sizeof(vdevs[0]));
    tcase_add_test(tc, test_disk_forms);
    tcase_add_loop_test(tc, test_disk_errors, 0, sizeof(bad_disks) / sizeof(bad_disks[0]));
    tcase_add_test(tc, test_vif);
    tcase_add_loop_test(tc, test_vif_errors, 0, sizeof(bad_vifs) / sizeof(bad_vifs[0]));
    tcase_add_test(tc, test_rate);
    tcase_add_test(tc, test_mac_and_bytes);
    suite_add_tcase(s, tc);
    return s;
}

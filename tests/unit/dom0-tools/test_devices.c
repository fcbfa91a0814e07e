/* Device nodes: the lists devices_vbd.c and devices_vif.c build, node for node and with
 * their effective permissions, against what xl wrote on Xen 4.17 (xenstore-ls -fp during an
 * `xl create` of a domain 1 with disk '/tmp/a.img,raw,xvda,rw' and vif
 * 'bridge=xenbr0,rate=8Mb/s@20ms,ip=10.0.0.2' as its second vif). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "devices.h"
#include "devices_changes.h"
#include "suites.h"

static const char *const xl_vbd[] = {
    "/local/domain/0/backend/vbd/1/51712 = \"\" (n0,r1)",
    "/local/domain/0/backend/vbd/1/51712/frontend = \"/local/domain/1/device/vbd/51712\" (n0,r1)",
    "/local/domain/0/backend/vbd/1/51712/params = \"/tmp/a.img\" (n0,r1)",
    "/local/domain/0/backend/vbd/1/51712/script = \"/etc/xen/scripts/block\" (n0,r1)",
    "/local/domain/0/backend/vbd/1/51712/frontend-id = \"1\" (n0,r1)",
    "/local/domain/0/backend/vbd/1/51712/online = \"1\" (n0,r1)",
    "/local/domain/0/backend/vbd/1/51712/removable = \"0\" (n0,r1)",
    "/local/domain/0/backend/vbd/1/51712/bootable = \"1\" (n0,r1)",
    "/local/domain/0/backend/vbd/1/51712/state = \"1\" (n0,r1)",
    "/local/domain/0/backend/vbd/1/51712/dev = \"xvda\" (n0,r1)",
    "/local/domain/0/backend/vbd/1/51712/type = \"phy\" (n0,r1)",
    "/local/domain/0/backend/vbd/1/51712/mode = \"w\" (n0,r1)",
    "/local/domain/0/backend/vbd/1/51712/device-type = \"disk\" (n0,r1)",
    "/local/domain/0/backend/vbd/1/51712/discard-enable = \"1\" (n0,r1)",
    "/local/domain/0/backend/vbd/1/51712/specification = \"xen\" (n0,r1)",
    "/local/domain/1/device/vbd/51712 = \"\" (n1,r0)",
    "/local/domain/1/device/vbd/51712/backend = \"/local/domain/0/backend/vbd/1/51712\" (n1,r0)",
    "/local/domain/1/device/vbd/51712/backend-id = \"0\" (n1,r0)",
    "/local/domain/1/device/vbd/51712/state = \"1\" (n1,r0)",
    "/local/domain/1/device/vbd/51712/virtual-device = \"51712\" (n1,r0)",
    "/local/domain/1/device/vbd/51712/device-type = \"disk\" (n1,r0)",
    "/local/domain/1/device/vbd/51712/trusted = \"1\" (n1,r0)",
    "/libxl/1/device/vbd/51712 = \"\" (n0)",
    "/libxl/1/device/vbd/51712/frontend = \"/local/domain/1/device/vbd/51712\" (n0)",
    "/libxl/1/device/vbd/51712/backend = \"/local/domain/0/backend/vbd/1/51712\" (n0)",
    "/libxl/1/device/vbd/51712/params = \"/tmp/a.img\" (n0)",
    "/libxl/1/device/vbd/51712/script = \"/etc/xen/scripts/block\" (n0)",
    "/libxl/1/device/vbd/51712/frontend-id = \"1\" (n0)",
    "/libxl/1/device/vbd/51712/online = \"1\" (n0)",
    "/libxl/1/device/vbd/51712/removable = \"0\" (n0)",
    "/libxl/1/device/vbd/51712/bootable = \"1\" (n0)",
    "/libxl/1/device/vbd/51712/state = \"1\" (n0)",
    "/libxl/1/device/vbd/51712/dev = \"xvda\" (n0)",
    "/libxl/1/device/vbd/51712/type = \"phy\" (n0)",
    "/libxl/1/device/vbd/51712/mode = \"w\" (n0)",
    "/libxl/1/device/vbd/51712/device-type = \"disk\" (n0)",
    "/libxl/1/device/vbd/51712/discard-enable = \"1\" (n0)",
    "/libxl/1/device/vbd/51712/specification = \"xen\" (n0)",
};

static const char *const xl_vif[] = {
    "/local/domain/1/device/vif/1 = \"\" (n1,r0)",
    "/local/domain/1/device/vif/1/backend = \"/local/domain/0/backend/vif/1/1\" (n1,r0)",
    "/local/domain/1/device/vif/1/backend-id = \"0\" (n1,r0)",
    "/local/domain/1/device/vif/1/state = \"1\" (n1,r0)",
    "/local/domain/1/device/vif/1/handle = \"1\" (n1,r0)",
    "/local/domain/1/device/vif/1/mac = \"00:16:3e:09:b2:87\" (n1,r0)",
    "/local/domain/1/device/vif/1/trusted = \"1\" (n1,r0)",
    "/local/domain/1/device/vif/1/mtu = \"1500\" (n0,r1)",
    "/local/domain/0/backend/vif/1/1 = \"\" (n0,r1)",
    "/local/domain/0/backend/vif/1/1/frontend = \"/local/domain/1/device/vif/1\" (n0,r1)",
    "/local/domain/0/backend/vif/1/1/frontend-id = \"1\" (n0,r1)",
    "/local/domain/0/backend/vif/1/1/online = \"1\" (n0,r1)",
    "/local/domain/0/backend/vif/1/1/state = \"1\" (n0,r1)",
    "/local/domain/0/backend/vif/1/1/script = \"/etc/xen/scripts/vif-bridge\" (n0,r1)",
    "/local/domain/0/backend/vif/1/1/mac = \"00:16:3e:09:b2:87\" (n0,r1)",
    "/local/domain/0/backend/vif/1/1/ip = \"10.0.0.2\" (n0,r1)",
    "/local/domain/0/backend/vif/1/1/rate = \"20000,20000\" (n0,r1)",
    "/local/domain/0/backend/vif/1/1/bridge = \"xenbr0\" (n0,r1)",
    "/local/domain/0/backend/vif/1/1/handle = \"1\" (n0,r1)",
    "/local/domain/0/backend/vif/1/1/type = \"vif\" (n0,r1)",
    "/local/domain/0/backend/vif/1/1/hotplug-status = \"\" (n0,r1)",
    "/libxl/1/device/vif/1 = \"\" (n0)",
    "/libxl/1/device/vif/1/frontend = \"/local/domain/1/device/vif/1\" (n0)",
    "/libxl/1/device/vif/1/backend = \"/local/domain/0/backend/vif/1/1\" (n0)",
    "/libxl/1/device/vif/1/frontend-id = \"1\" (n0)",
    "/libxl/1/device/vif/1/online = \"1\" (n0)",
    "/libxl/1/device/vif/1/state = \"1\" (n0)",
    "/libxl/1/device/vif/1/script = \"/etc/xen/scripts/vif-bridge\" (n0)",
    "/libxl/1/device/vif/1/mac = \"00:16:3e:09:b2:87\" (n0)",
    "/libxl/1/device/vif/1/ip = \"10.0.0.2\" (n0)",
    "/libxl/1/device/vif/1/rate = \"20000,20000\" (n0)",
    "/libxl/1/device/vif/1/bridge = \"xenbr0\" (n0)",
    "/libxl/1/device/vif/1/handle = \"1\" (n0)",
    "/libxl/1/device/vif/1/type = \"vif\" (n0)",
    "/libxl/1/device/vif/1/hotplug-status = \"\" (n0)",
};

/* "path = \"value\" (perms)" for each node, the perms being the node's own or, if it sets
 * none, its nearest listed ancestor's; /libxl/1 is (n0) as libxl makes it. */
static char **render(const struct tern_dev_nodes *l)
{
    char **out = calloc(l->count, sizeof(*out));

    for (unsigned int i = 0; i < l->count; i++) {
        const struct tern_dev_node *n = &l->n[i], *src = NULL;
        char perms[32] = "n0";
        size_t best = 0;

        for (unsigned int j = 0; j < l->count; j++) {
            size_t len = strlen(l->n[j].path);

            if (l->n[j].nperms && len > best && !strncmp(n->path, l->n[j].path, len) &&
                (n->path[len] == '/' || n->path[len] == 0)) {
                src = &l->n[j];
                best = len;
            }
        }
        if (src) {
            char *p = perms;

            for (unsigned int k = 0; k < src->nperms; k++)
                p += sprintf(p, "%s%c%u", k ? "," : "",
                             src->perms[k].perms == XS_PERM_READ ? 'r' : 'n', src->perms[k].id);
        }
        if (asprintf(&out[i], "%s = \"%s\" (%s)", n->path, n->dir ? "" : n->value, perms) < 0)
            out[i] = NULL;
    }
    return out;
}

static void check_same(const struct tern_dev_nodes *l, const char *const *want, size_t nwant,
                       const char *const *extra, size_t nextra)
{
    char **got = render(l);

    ck_assert_int_eq(l->overflow, 0);
    ck_assert_uint_eq(l->count, nwant + nextra);
    for (size_t i = 0; i < nwant; i++) {
        int found = 0;

        for (unsigned int j = 0; j < l->count; j++)
            found |= got[j] && !strcmp(got[j], want[i]);
        ck_assert_msg(found, "missing: %s", want[i]);
    }
    for (size_t i = 0; i < nextra; i++) {
        int found = 0;

        for (unsigned int j = 0; j < l->count; j++)
            found |= got[j] && !strcmp(got[j], extra[i]);
        ck_assert_msg(found, "missing: %s", extra[i]);
    }
    for (unsigned int j = 0; j < l->count; j++)
        free(got[j]);
    free(got);
}

START_TEST(test_vbd_as_xl)
{
    static const char *const ours[] = {
        "/local/domain/0/backend/vbd/1/51712/tern-cache = \"writeback\" (n0,r1)"};
    struct tern_dev_nodes *l = calloc(1, sizeof(*l));
    struct tern_disk d;
    char err[128];

    ck_assert_int_eq(tern_disk_parse("/tmp/a.img,raw,xvda,rw", &d, err, sizeof(err)), 0);
    tern_vbd_nodes(1, &d, "/tmp/a.img", l);
    check_same(l, xl_vbd, sizeof(xl_vbd) / sizeof(xl_vbd[0]), ours, 1);
    /* The frontend and backend directories come first, with their permissions. */
    ck_assert_str_eq(l->n[0].path, "/local/domain/1/device/vbd/51712");
    ck_assert_int_eq(l->n[0].dir, 1);
    free(l);
}
END_TEST

START_TEST(test_vbd_readonly_cache_none)
{
    struct tern_dev_nodes *l = calloc(1, sizeof(*l));
    struct tern_disk d;
    char err[128];
    int mode = 0, discard = 0, cache = 0;

    ck_assert_int_eq(tern_disk_parse("/b.img,raw,xvdb,r,cache=none", &d, err, sizeof(err)), 0);
    tern_vbd_nodes(7, &d, "/b.img", l);
    for (unsigned int i = 0; i < l->count; i++) {
        if (!strcmp(l->n[i].path, "/local/domain/0/backend/vbd/7/51728/mode"))
            mode = !strcmp(l->n[i].value, "r");
        if (!strcmp(l->n[i].path, "/local/domain/0/backend/vbd/7/51728/discard-enable"))
            discard = !strcmp(l->n[i].value, "0");
        if (!strcmp(l->n[i].path, "/local/domain/0/backend/vbd/7/51728/tern-cache"))
            cache = !strcmp(l->n[i].value, "none");
    }
    ck_assert(mode && discard && cache);
    free(l);
}
END_TEST

START_TEST(test_vif_as_xl)
{
    struct tern_dev_nodes *l = calloc(1, sizeof(*l));
    struct tern_vif v;
    char err[128];

    ck_assert_int_eq(
        tern_vif_parse("bridge=xenbr0,rate=8Mb/s@20ms,ip=10.0.0.2", &v, err, sizeof(err)), 0);
    tern_vif_nodes(1, 1, &v, "00:16:3e:09:b2:87", l);
    check_same(l, xl_vif, sizeof(xl_vif) / sizeof(xl_vif[0]), NULL, 0);
    free(l);
}
END_TEST

static void change(struct tern_dev_changes *ch, const char *kind, unsigned int devid,
                   const char *spec)
{
    struct tern_dev_change *c = &ch->c[ch->n++];

    snprintf(c->kind, sizeof(c->kind), "%s", kind);
    c->devid = devid;
    snprintf(c->spec, sizeof(c->spec), "%s", spec);
}

/* A reboot's config: the file's devices, minus the detached, plus the attached, each with
 * the device number it had (a vif's MAC too), whatever the order of the changes. */
START_TEST(test_changes_survive_reboot)
{
    static struct tern_config cfg;
    static struct tern_dev_changes ch;
    char err[256];
    const char *text = "name = \"g\"\nkernel = \"/k\"\nmemory = 64\n"
                       "disk = [ \"/a.img,raw,xvda,rw\", \"/b.img,raw,xvdb,rw\" ]\n"
                       "vif = [ \"bridge=xenbr0\", \"bridge=xenbr1\" ]\n";

    tern_config_init(&cfg);
    ck_assert_int_eq(tern_config_parse(&cfg, "g.cfg", text, err, sizeof(err), NULL), 0);
    ch.n = 0;
    change(&ch, "vbd", 51712, "");                                /* xvda detached */
    change(&ch, "vbd", 51744, "/c.img,raw,xvdc,r");               /* xvdc attached */
    change(&ch, "vif", 0, "");                                    /* vif 0 detached */
    change(&ch, "vif", 2, "bridge=xenbr2,mac=00:16:3e:00:00:02"); /* vif 2 attached */
    change(&ch, "vbd", 51728, "/b2.img,raw,xvdb,rw");             /* xvdb replaced */
    ck_assert_int_eq(tern_dev_changes_apply(&cfg, &ch, err, sizeof(err)), 0);

    ck_assert_uint_eq(cfg.nr_disks, 2);
    ck_assert_int_eq(cfg.disks[0].devid, 51744);
    ck_assert(cfg.disks[0].readonly);
    ck_assert_str_eq(cfg.disks[1].target, "/b2.img");
    ck_assert_int_eq(cfg.disks[1].devid, 51728);
    ck_assert_uint_eq(cfg.nr_vifs, 2);
    ck_assert_int_eq(cfg.vifs[0].devid, 1); /* keeps its number though vif 0 went */
    ck_assert_str_eq(cfg.vifs[0].bridge, "xenbr1");
    ck_assert_int_eq(cfg.vifs[1].devid, 2);
    ck_assert_str_eq(cfg.vifs[1].mac, "00:16:3e:00:00:02");
}
END_TEST

START_TEST(test_changes_refused)
{
    static struct tern_config cfg;
    static struct tern_dev_changes ch;
    char err[256];

    tern_config_init(&cfg);
    ch.n = 0;
    change(&ch, "vbd", 51712, "/a.img,raw,xvdb,rw"); /* number and vdev disagree */
    ck_assert_int_eq(tern_dev_changes_apply(&cfg, &ch, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "vbd/51712"));
    ch.n = 0;
    change(&ch, "vif", 3, "bogus");
    ck_assert_int_eq(tern_dev_changes_apply(&cfg, &ch, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "vif/3"));
    ch.n = 0;
    change(&ch, "pci", 1, "x");
    ck_assert_int_eq(tern_dev_changes_apply(&cfg, &ch, err, sizeof(err)), -1);
    tern_config_init(&cfg);
    ch.n = 0;
    for (unsigned int i = 0; i <= TERN_MAX_DEVICES; i++)
        change(&ch, "vif", i, "bridge=xenbr0");
    ck_assert_int_eq(tern_dev_changes_apply(&cfg, &ch, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "more than"));
}
END_TEST

Suite *devices_suite(void)
{
    Suite *s = suite_create("devices");
    TCase *tc = tcase_create("nodes");

    tcase_add_test(tc, test_vbd_as_xl);
    tcase_add_test(tc, test_vbd_readonly_cache_none);
    tcase_add_test(tc, test_vif_as_xl);
    tcase_add_test(tc, test_changes_survive_reboot);
    tcase_add_test(tc, test_changes_refused);
    suite_add_tcase(s, tc);
    return s;
}

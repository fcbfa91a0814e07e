/* Devices attached or detached on a running domain, kept for its reboot
 * (devices_changes.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "devices_changes.h"
#include "tern.h"

#define CHANGES_DIR "/libxl/%u/tern-devices"

static void drop_disk(struct tern_config *cfg, int devid)
{
    for (unsigned int i = 0; i < cfg->nr_disks; i++) {
        if (cfg->disks[i].devid == devid) {
            memmove(&cfg->disks[i], &cfg->disks[i + 1],
                    (cfg->nr_disks - i - 1) * sizeof(cfg->disks[0]));
            cfg->nr_disks--;
            return;
        }
    }
}

static void drop_vif(struct tern_config *cfg, int devid)
{
    for (unsigned int i = 0; i < cfg->nr_vifs; i++) {
        if (cfg->vifs[i].devid == devid) {
            memmove(&cfg->vifs[i], &cfg->vifs[i + 1],
                    (cfg->nr_vifs - i - 1) * sizeof(cfg->vifs[0]));
            cfg->nr_vifs--;
            return;
        }
    }
}

static int apply_one(struct tern_config *cfg, const struct tern_dev_change *c, char *err,
                     size_t errlen)
{
    char why[400];
    bool disk = !strcmp(c->kind, "vbd");

    if (!disk && strcmp(c->kind, "vif")) {
        snprintf(err, errlen, "device change %s/%u: unknown kind", c->kind, c->devid);
        return -1;
    }
    if (disk)
        drop_disk(cfg, (int)c->devid);
    else
        drop_vif(cfg, (int)c->devid);
    if (!c->spec[0])
        return 0;
    if ((disk ? cfg->nr_disks : cfg->nr_vifs) >= TERN_MAX_DEVICES) {
        snprintf(err, errlen, "device change %s/%u: more than %d devices", c->kind, c->devid,
                 TERN_MAX_DEVICES);
        return -1;
    }
    if (disk) {
        struct tern_disk *d = &cfg->disks[cfg->nr_disks];

        if (tern_disk_parse(c->spec, d, why, sizeof(why)) < 0 || d->devid != (int)c->devid) {
            snprintf(err, errlen, "device change vbd/%u: '%s': %s", c->devid, c->spec,
                     d->devid != (int)c->devid ? "device number differs from its vdev" : why);
            return -1;
        }
        cfg->nr_disks++;
    } else {
        struct tern_vif *v = &cfg->vifs[cfg->nr_vifs];

        if (tern_vif_parse(c->spec, v, why, sizeof(why)) < 0) {
            snprintf(err, errlen, "device change vif/%u: '%s': %s", c->devid, c->spec, why);
            return -1;
        }
        v->devid = (int)c->devid;
        cfg->nr_vifs++;
    }
    return 0;
}

int tern_dev_changes_apply(struct tern_config *cfg, const struct tern_dev_changes *ch, char *err,
                           size_t errlen)
{
    /* Number the config's vifs first: a detached one must not renumber those after it. */
    for (unsigned int i = 0; i < cfg->nr_vifs; i++)
        if (cfg->vifs[i].devid < 0)
            cfg->vifs[i].devid = (int)i;
    for (unsigned int i = 0; i < ch->n; i++)
        if (apply_one(cfg, &ch->c[i], err, errlen) < 0)
            return -1;
    return 0;
}

bool tern_dev_change_record(struct tern_ctx *ctx, uint32_t domid, const char *kind,
                            unsigned int devid, const char *spec)
{
    return tern_xs_write(ctx, XBT_NULL, spec ? spec : "", CHANGES_DIR "/%s/%u", domid, kind, devid);
}

int tern_dev_changes_read(struct tern_ctx *ctx, uint32_t domid, struct tern_dev_changes *ch)
{
    static const char *const kinds[] = {"vbd", "vif"};

    ch->n = 0;
    for (unsigned int k = 0; k < 2; k++) {
        char path[64];
        unsigned int num = 0;
        char **ents;

        snprintf(path, sizeof(path), CHANGES_DIR "/%s", domid, kinds[k]);
        ents = xs_directory(ctx->xsh, XBT_NULL, path, &num);
        if (!ents) {
            if (errno == ENOENT)
                continue;
            return -1;
        }
        for (unsigned int i = 0; i < num && ch->n < sizeof(ch->c) / sizeof(ch->c[0]); i++) {
            struct tern_dev_change *c = &ch->c[ch->n];
            char *end, *spec;
            unsigned long id = strtoul(ents[i], &end, 10);

            if (*end || end == ents[i])
                continue;
            spec = tern_xs_read(ctx, XBT_NULL, "%s/%s", path, ents[i]);
            if (!spec)
                continue;
            snprintf(c->kind, sizeof(c->kind), "%s", kinds[k]);
            c->devid = (unsigned int)id;
            snprintf(c->spec, sizeof(c->spec), "%s", spec);
            free(spec);
            ch->n++;
        }
        free(ents);
    }
    return 0;
}

bool tern_dev_changes_write(struct tern_ctx *ctx, uint32_t domid, const struct tern_dev_changes *ch)
{
    bool ok = true;

    for (unsigned int i = 0; i < ch->n; i++)
        ok = tern_dev_change_record(ctx, domid, ch->c[i].kind, ch->c[i].devid, ch->c[i].spec) && ok;
    return ok;
}

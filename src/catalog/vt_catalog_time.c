/* vt_catalog_time.c — store.timezone: an IANA zone that ICU knows, or a "did you mean". */
#include "catalog/vt_catalog.h"
#include "catalog_time.h"
#include "i18n/vt_i18n.h"

#include <stdlib.h>
#include <string.h>

/* The zone names collected for vt_nearest_word (about 450, NULL-terminated). */
typedef struct zone_list { char **w; int n, cap; } zone_list;

static void collect(const char *zone, void *ctx)
{
    zone_list *l = ctx;
    if (l->n + 2 > l->cap) {
        int nc = l->cap ? l->cap * 2 : 512;
        char **nw = realloc(l->w, (size_t)nc * sizeof *nw);
        if (!nw) return;
        l->w = nw;
        l->cap = nc;
    }
    if ((l->w[l->n] = strdup(zone)) != NULL) l->w[++l->n] = NULL;
}

vt_result vt_time_zone_check(const char *zone, char *msg, size_t len)
{
    if (len) msg[0] = 0;
    if (vt_i18n_zone_check(zone, NULL, 0) == VT_OK) return VT_OK;
    zone_list l = { 0 };
    vt_i18n_zone_each(collect, &l);
    const char *near = l.w ? vt_nearest_word(zone, (const char *const *)l.w) : NULL;
    if (near)
        snprintf(msg, len, _("unknown time zone \"%.60s\" (an IANA name such as Europe/Paris or America/New_York); did you "
                             "mean \"%s\"?"), zone ? zone : "", near);
    else
        snprintf(msg, len, _("unknown time zone \"%.60s\" (an IANA name such as Europe/Paris or America/New_York)"),
                 zone ? zone : "");
    for (int i = 0; i < l.n; i++) free(l.w[i]);
    free(l.w);
    return VT_ERR_ARG;
}

int cat_check_time_zone(const vt_catalog *c, vt_catalog_report *rep)
{
    char msg[256];
    if (!c->time_zone || vt_time_zone_check(c->time_zone, msg, sizeof msg) == VT_OK) return 0;
    int line, col;
    vt_catalog_position(c, "store.timezone", &line, &col);
    vt_catalog_report_add(rep, 1, line, col, "store.timezone: %s", msg);
    return 1;
}

/* run_layout.c — `run --layout-log FILE`: what the visitor's screen laid out, one JSON line per
 * frame, in output pixels: each product on show with its marker's corners and its tag, and the
 * card, basket and HUD (null when not on screen), the visitor's language and the language selector's
 * buttons. For tests, and for a console to come. */
#include "run.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static cJSON *box_json(const vt_visitor_box *b)
{
    if (b->w <= 0) return cJSON_CreateNull();
    cJSON *a = cJSON_CreateArray();
    const float v[4] = { b->x, b->y, b->w, b->h };
    for (int k = 0; k < 4; k++) cJSON_AddItemToArray(a, cJSON_CreateNumber(round(v[k] * 10) / 10));
    return a;
}

static cJSON *layout_json(int frame, const vt_visitor_layout *L, int net_version)
{
    cJSON *o = cJSON_CreateObject(), *ps = cJSON_CreateArray();
    cJSON_AddNumberToObject(o, "frame", frame);
    /* on the shop network: the published version on show (0: a local catalog); else null */
    cJSON_AddItemToObject(o, "catalog_version", net_version >= 0 ? cJSON_CreateNumber(net_version) : cJSON_CreateNull());
    cJSON_AddNumberToObject(o, "wall_ms", (double)L->wall_ms);   /* the clock the tags' prices are of */
    cJSON_AddItemToObject(o, "products", ps);
    for (int i = 0; i < L->count; i++) {
        const vt_visitor_placed *p = &L->products[i];
        cJSON *e = cJSON_CreateObject(), *m = cJSON_CreateArray();
        cJSON_AddStringToObject(e, "id", p->id);
        for (int k = 0; k < 4; k++) {
            cJSON *c = cJSON_CreateArray();
            cJSON_AddItemToArray(c, cJSON_CreateNumber(round(p->marker[k][0] * 10) / 10));
            cJSON_AddItemToArray(c, cJSON_CreateNumber(round(p->marker[k][1] * 10) / 10));
            cJSON_AddItemToArray(m, c);
        }
        cJSON_AddItemToObject(e, "marker", m);
        cJSON_AddItemToObject(e, "tag", box_json(&p->tag));
        cJSON_AddStringToObject(e, "price", p->price);   /* what the tag says, and the regular price struck through */
        cJSON_AddItemToObject(e, "was", p->was[0] ? cJSON_CreateString(p->was) : cJSON_CreateNull());
        cJSON_AddItemToArray(ps, e);
    }
    cJSON_AddItemToObject(o, "card", box_json(&L->card));
    cJSON_AddItemToObject(o, "basket", box_json(&L->basket));
    cJSON_AddItemToObject(o, "hud", box_json(&L->hud));
    /* The visitor's language, and the selector's buttons (an empty list: not shown). */
    cJSON_AddItemToObject(o, "language", L->language ? cJSON_CreateString(L->language) : cJSON_CreateNull());
    cJSON *ls = cJSON_CreateArray();
    for (int i = 0; i < L->nlanguages; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "lang", L->language_tags[i]);
        cJSON_AddItemToObject(e, "button", box_json(&L->language_buttons[i]));
        cJSON_AddItemToArray(ls, e);
    }
    cJSON_AddItemToObject(o, "languages", ls);
    return o;
}

void run_layout_log(run_ctx *rc)
{
    if (!rc->o.layout_log || !rc->vis) return;
    if (!rc->layout_f && !(rc->layout_f = fopen(rc->o.layout_log, "w"))) {
        VT_ERROR_FILE("run", rc->o.layout_log, "cannot write the layout log: %s", strerror(errno));
        rc->o.layout_log = NULL;
        rc->status = 2;
        return;
    }
    vt_visitor_layout L;
    vt_visitor_get_layout(rc->vis, &L);
    cJSON *o = layout_json(rc->fr.index, &L, rc->o.network ? rc->net_version : -1);
    char *line = o ? cJSON_PrintUnformatted(o) : NULL;
    if (line) fprintf(rc->layout_f, "%s\n", line);
    cJSON_free(line);
    cJSON_Delete(o);
}

void run_layout_close(run_ctx *rc)
{
    if (rc->layout_f) fclose(rc->layout_f);
    rc->layout_f = NULL;
}

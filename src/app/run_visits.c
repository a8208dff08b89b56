/* run_visits.c — visits into the analytics: a presence event as the event of its product, and the
 * visits a hot reload ends because their marker's product changed (removed from the catalog, or
 * the marker given to another product, or the product made inactive): closed then, so no visit stays open without its product. */
#include "run.h"

#include <stdio.h>
#include <string.h>

void run_record_visit(run_ctx *rc, const vt_catalog *cat, const vt_presence_event *ev, const char *reason)
{
    const vt_product *p = vt_catalog_find_marker(cat, ev->id);
    if (!rc->stats || !p || !p->active) return;   /* an inactive product is not on show: no visits */
    /* A visit lasts from the first frame seen to the end of the last one (no frame length live). */
    double frame_s = rc->clock.live ? 0 : 1.0 / rc->clock.fps;
    int found = ev->kind == VT_PRESENCE_FOUND;
    vt_event e = { .type = found ? VT_EV_PRODUCT_FOUND : VT_EV_PRODUCT_LOST, .marker = ev->id, .price = vt_product_price_now(p),
                   .frame = found ? ev->first_frame : ev->last_frame, .dwell_seconds = ev->last_t - ev->first_t + frame_s };
    snprintf(e.product_id, sizeof e.product_id, "%s", p->id ? p->id : "");
    snprintf(e.product_name, sizeof e.product_name, "%s", p->name ? p->name : "");
    snprintf(e.currency, sizeof e.currency, "%s", cat->currency);
    if (reason) snprintf(e.reason, sizeof e.reason, "%s", reason);
    VT_INFO("analytics", "%s %s frame %d%s%s", vt_event_type_str(e.type), e.product_id, e.frame, reason ? " " : "",
            reason ? reason : "");
    vt_analytics_record(rc->stats, &e);
}

/* The product on marker id in cat, and whether it is p (the same id). */
static int same_product(const vt_product *p, const vt_catalog *cat, int id)
{
    const vt_product *q = vt_catalog_find_marker(cat, id);
    return q && p->id && q->id && !strcmp(p->id, q->id);
}

static int in_catalog(const vt_catalog *cat, const char *product_id)
{
    for (int i = 0; product_id && i < cat->count; i++)
        if (cat->products[i].id && !strcmp(cat->products[i].id, product_id)) return 1;
    return 0;
}

void run_close_removed_visits(run_ctx *rc, const vt_catalog *old_cat, const vt_catalog *new_cat)
{
    if (!old_cat || !new_cat) return;
    /* Another dictionary: the same number is another printed marker. */
    int other_dict = !old_cat->dictionary || !new_cat->dictionary || strcmp(old_cat->dictionary, new_cat->dictionary);
    for (int i = 0; i < rc->presence.count;) {
        int id = rc->presence.items[i].id;
        const vt_product *was = vt_catalog_find_marker(old_cat, id);
        vt_presence_event ev;
        /* kept open only while the same product stays on show (made inactive: its visit ends now) */
        int shown = !other_dict && same_product(was, new_cat, id) && vt_catalog_find_marker(new_cat, id)->active;
        if (!was || shown || !vt_presence_end(&rc->presence, id, &ev)) {
            i++;
            continue;
        }
        /* the last of items moved into i: look at i again */
        int kept = in_catalog(new_cat, was->id);   /* still sold: on another marker, or hidden */
        if (same_product(was, new_cat, id)) {
            VT_NOTE("analytics", "visit of %s closed by the reload: it is no longer shown to visitors", was->id ? was->id : "?");
            run_record_visit(rc, old_cat, &ev, "made_inactive");
            continue;
        }
        if (kept) VT_NOTE("analytics", "visit of %s closed by the reload: its marker changed", was->id ? was->id : "?");
        else VT_NOTE("analytics", "visit of %s closed by the reload: it left the catalog", was->id ? was->id : "?");
        run_record_visit(rc, old_cat, &ev, kept ? "marker_changed" : "removed_from_catalog");
    }
}

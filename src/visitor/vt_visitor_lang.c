/* vt_visitor_lang.c — the language a visitor reads: the store's until they pick another on the
 * selector, and the store's again when the attract screen comes back. */
#include "visitor_lang.h"
#include "i18n/vt_i18n.h"

#include <stdio.h>
#include <string.h>

static void set_current(visitor_lang *l, int i)
{
    l->current = i;
    vt_catalog_language_locale(l->cat, i, l->locale, sizeof l->locale);
    snprintf(l->tag, sizeof l->tag, "%s", i >= 0 && i < l->cat->nlanguages ? l->cat->languages[i] : "");
}

void visitor_lang_set_catalog(visitor_lang *l, const vt_catalog *cat)
{
    char keep[64];
    snprintf(keep, sizeof keep, "%s", l->tag);   /* never l->cat: a reload may have freed it */
    l->cat = cat;
    l->count = 0;
    l->rect = (vt_ui_rect){ 0, 0, 0, 0 };
    if (!cat) { l->current = 0; l->locale[0] = l->tag[0] = 0; return; }
    l->count = cat->nlanguages < VT_UI_MAX_LANGS ? cat->nlanguages : VT_UI_MAX_LANGS;
    int cur = cat->store_language;
    for (int i = 0; i < l->count; i++) {
        /* ICU names every language the catalog check let through; the tag is the fallback. */
        if (vt_i18n_language_name(cat->languages[i], l->names[i], sizeof l->names[i]) != VT_OK)
            snprintf(l->names[i], sizeof l->names[i], "%s", cat->languages[i]);
        l->name_ptrs[i] = l->names[i];
        if (keep[0] && !strcmp(keep, cat->languages[i])) cur = i;
    }
    set_current(l, cur);
}

int visitor_lang_pick(visitor_lang *l, int i, const char *why)
{
    if (!l->cat || i < 0 || i >= l->count || i == l->current) return 0;
    set_current(l, i);
    VT_NOTE("visitor", "visitor language: %s (%s), %s", l->cat->languages[i], l->locale, why);
    return 1;
}

void visitor_lang_reset(visitor_lang *l)
{
    if (l->cat && l->current != l->cat->store_language) set_current(l, l->cat->store_language);
}

const char *visitor_lang_tag(const visitor_lang *l)
{
    if (!l->cat || l->current == l->cat->store_language || l->current >= l->cat->nlanguages) return NULL;
    return l->cat->languages[l->current];
}

static vt_ui_lang_select select_of(const visitor_lang *l)
{
    return (vt_ui_lang_select){ l->name_ptrs, l->count, l->current };
}

vt_ui_rect visitor_lang_place(visitor_lang *l, const vt_renderer *r, int w, int h)
{
    vt_ui_lang_select s = select_of(l);
    l->rect = vt_ui_lang_layout(r, w, h, &s, l->buttons);
    return l->rect;
}

void visitor_lang_draw(visitor_lang *l, vt_renderer *r, int w, int h)
{
    vt_ui_lang_select s = select_of(l);
    if (l->rect.w > 0) vt_ui_lang_draw(r, w, h, &s, l->buttons);
}

int visitor_lang_click(visitor_lang *l, float x, float y)
{
    if (l->rect.w <= 0 || l->count < 2) return 0;
    int i = vt_ui_lang_hit(l->buttons, l->count, x, y);
    if (i >= 0) visitor_lang_pick(l, i, "picked on the selector");
    return i >= 0 || vt_ui_rect_has(&l->rect, x, y);
}

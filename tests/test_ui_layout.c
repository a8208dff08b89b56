/* test_ui_layout.c — the tag layout (ui/vt_layout.c) as arithmetic, no GL: crowded shelves, the
 * screen's edges, what must stay uncovered, anchors that make no sense, and tags that keep their
 * place from frame to frame. */
#include "ui/vt_ui.h"
#include "test_util.h"

#include <math.h>
#include <string.h>

#define FW 1920
#define FH 1080

static int overlap(const vt_ui_rect *a, const vt_ui_rect *b)
{
    return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

static int inside(const vt_ui_rect *a, int fw, int fh)
{
    return a->x >= 0 && a->y >= 0 && a->x + a->w <= fw && a->y + a->h <= fh;
}

/* A marker quad of side s centred at (x, y), and a tag of w x h anchored at (x, top). */
static vt_ui_layout_item item_at(float x, float y, float top, float s, float depth, float w, float h)
{
    vt_ui_layout_item it = { x, top, depth, { { x - s / 2, y - s / 2 }, { x + s / 2, y - s / 2 }, { x + s / 2, y + s / 2 },
                                              { x - s / 2, y + s / 2 } }, w, h, { 0, 0, 0, 0, 0 } };
    return it;
}

/* Every tag shown, on screen, clear of the others and of the avoid rectangles; returns how many
 * needed a leader. */
static int check_layout(const char *what, const vt_ui_layout_desc *d, const vt_ui_placed *out)
{
    int leaders = 0;
    for (int i = 0; i < d->count; i++) {
        const vt_ui_rect *a = &out[i].rect;
        CHECKF(out[i].shown, "%s: tag %d shown", what, i);
        CHECKF(inside(a, d->frame_w, d->frame_h), "%s: tag %d (%.0f %.0f %.0f %.0f) on screen", what, i, a->x, a->y, a->w, a->h);
        for (int k = 0; k < d->navoid; k++) CHECKF(!overlap(a, &d->avoid[k]), "%s: tag %d clear of avoid %d", what, i, k);
        for (int j = i + 1; j < d->count; j++) CHECKF(!overlap(a, &out[j].rect), "%s: tags %d and %d apart", what, i, j);
        leaders += out[i].leader;
    }
    return leaders;
}

/* One product alone: its tag full size, centred above its anchor, no leader. */
static void alone(void)
{
    vt_ui_layout_item it = item_at(960, 700, 500, 100, 0.5f, 300, 120);
    vt_ui_placed out[1];
    vt_ui_layout_desc d = { FW, FH, 1, NULL, 0, 0.48f };
    vt_ui_layout_tags(&d, &it, out);
    check_layout("alone", &d, out);
    CHECK(out[0].slot.scale == 1 && !out[0].leader);
    CHECKF(fabsf(out[0].rect.x + 150 - 960) < 1 && out[0].rect.y + 120 <= 500 && out[0].rect.y + 120 > 480,
           "above its anchor: %.0f %.0f", out[0].rect.x, out[0].rect.y);
}

/* Four products on a 2x2 sheet, seen from close: anchors almost on top of each other. Then
 * twelve. Every tag placed, apart; the crowded ones with leaders, none under the readable floor. */
static void crowded(void)
{
    vt_ui_layout_item it[12];
    vt_ui_placed out[12];
    for (int i = 0; i < 4; i++) it[i] = item_at(900 + (i % 2) * 90, 600 + (i / 2) * 90, 250 + (i % 2) * 20, 80, 0.4f + 0.05f * i, 380, 130);
    vt_ui_rect basket = { 1500, 20, 400, 110 };
    vt_ui_layout_desc d = { FW, FH, 4, &basket, 1, 0.48f };
    vt_ui_layout_tags(&d, it, out);
    int leaders = check_layout("four close", &d, out);
    CHECKF(leaders >= 2, "crowded tags move aside with leaders (%d)", leaders);
    for (int i = 0; i < 4; i++)   /* a leader meets its product on its axis, marker top to anchor */
        CHECKF(fabsf(out[i].lx - it[i].ax) < 0.5f && out[i].ly >= it[i].ay - 0.01f && out[i].ly <= it[i].quad[0][1] + 0.01f,
               "leader %d ends at (%.0f %.0f), on the product", i, out[i].lx, out[i].ly);
    for (int i = 0; i < 12; i++) it[i] = item_at(700 + (i % 4) * 150, 500 + (i / 4) * 150, 300 + (i / 4) * 150, 100, 0.4f + 0.01f * i, 420, 140);
    d.count = 12;
    vt_ui_layout_tags(&d, it, out);
    check_layout("twelve", &d, out);
    for (int i = 0; i < 12; i++) CHECKF(out[i].slot.scale >= 0.48f - 1e-4f, "tag %d scale %.2f >= the floor", i, out[i].slot.scale);
    /* Too many for the screen at full size: they shrink, then stack, and still never overlap. */
    vt_ui_layout_item many[40];
    vt_ui_placed mout[40];
    for (int i = 0; i < 40; i++) many[i] = item_at(960 + (i % 5) * 4, 540 + (i / 5) * 4, 400, 60, 1.0f + 0.01f * i, 420, 140);
    vt_ui_layout_desc dm = { FW, FH, 40, NULL, 0, 0.48f };
    vt_ui_layout_tags(&dm, many, mout);
    int small = 0;
    for (int i = 0; i < 40; i++) small += mout[i].slot.scale < 1;
    check_layout("forty at one spot", &dm, mout);
    CHECKF(small > 0, "some tags shrink (%d)", small);
}

/* At the screen's edges and with absurd anchors: tags stay fully on screen, and one whose model
 * projects nowhere sensible stands on its marker. */
static void edges(void)
{
    vt_ui_layout_item it[4] = {
        item_at(5, 500, 300, 60, 0.5f, 400, 130),        /* at the left edge */
        item_at(1915, 500, 300, 60, 0.6f, 400, 130),     /* at the right edge */
        item_at(960, 40, 10, 60, 0.7f, 400, 130),        /* at the top: no room above */
        item_at(960, 900, NAN, 60, 0.8f, 400, 130),      /* no top at all (behind the camera) */
    };
    it[3].ax = NAN;
    vt_ui_placed out[4];
    vt_ui_layout_desc d = { FW, FH, 4, NULL, 0, 0.48f };
    vt_ui_layout_tags(&d, it, out);
    check_layout("edges", &d, out);
    CHECKF(fabsf(out[3].ax - 960) < 1 && fabsf(out[3].ay - 870) < 1, "no top: anchored on the marker (%.0f %.0f)", out[3].ax, out[3].ay);
    CHECKF(out[3].rect.y + out[3].rect.h <= 870 && out[3].rect.y > 700, "above the marker (%.0f)", out[3].rect.y);
    /* A model 79 m tall: its top far above the screen; the tag comes to the marker. */
    vt_ui_layout_item fox = item_at(960, 800, -40000, 60, 0.5f, 400, 130);
    vt_ui_placed fo;
    d.count = 1;
    vt_ui_layout_tags(&d, &fox, &fo);
    CHECKF(fo.shown && fabsf(fo.ay - 770) < 1, "absurd model: anchored on the marker (%.0f)", fo.ay);
}

/* The same scene twice gives the same places; a small move of every product keeps each tag's
 * slot (it moves with its product); a slot that becomes invalid is replaced, apart again. */
static void hysteresis(void)
{
    vt_ui_layout_item it[4];
    vt_ui_placed a[4], b[4];
    for (int i = 0; i < 4; i++) it[i] = item_at(900 + (i % 2) * 90, 600 + (i / 2) * 90, 250, 80, 0.4f + 0.05f * i, 380, 130);
    vt_ui_layout_desc d = { FW, FH, 4, NULL, 0, 0.48f };
    vt_ui_layout_tags(&d, it, a);
    for (int i = 0; i < 4; i++) { it[i].prev = a[i].slot; it[i].ax += 6; it[i].ay -= 4; }
    for (int i = 0; i < 4; i++) for (int k = 0; k < 4; k++) it[i].quad[k][0] += 6;
    vt_ui_layout_tags(&d, it, b);
    check_layout("moved", &d, b);
    for (int i = 0; i < 4; i++) {
        CHECKF(fabsf(b[i].rect.x - a[i].rect.x - 6) < 0.01f && fabsf(b[i].rect.y - a[i].rect.y + 4) < 0.01f,
               "tag %d moves with its product: (%.1f %.1f) -> (%.1f %.1f)", i, a[i].rect.x, a[i].rect.y, b[i].rect.x, b[i].rect.y);
        CHECK(b[i].slot.scale == a[i].slot.scale);
    }
    /* Depth order swapped: the tags keep their places all the same. */
    for (int i = 0; i < 4; i++) { it[i].prev = b[i].slot; it[i].depth = 1.0f - 0.05f * i; }
    vt_ui_layout_tags(&d, it, a);
    for (int i = 0; i < 4; i++) CHECKF(memcmp(&a[i].rect, &b[i].rect, sizeof a[i].rect) == 0, "tag %d keeps its place", i);
    /* A card opens over two of them: those move, clear of it; the others stay. */
    vt_ui_rect card = { b[0].rect.x - 10, b[0].rect.y - 10, 30, 30 };
    for (int i = 0; i < 4; i++) it[i].prev = a[i].slot;
    vt_ui_layout_desc dc = { FW, FH, 4, &card, 1, 0.48f };
    vt_ui_layout_tags(&dc, it, b);
    check_layout("card opened", &dc, b);
    CHECK(memcmp(&a[0].rect, &b[0].rect, sizeof a[0].rect) != 0);
    /* Once crowding is gone, a tag moved aside comes home, full size, without a leader. */
    vt_ui_layout_item lone = it[1];
    lone.prev = (vt_ui_slot){ -500, -150, 0.6f, 1, 1 };   /* on screen, aside */
    vt_ui_placed home;
    d.count = 1;
    vt_ui_layout_tags(&d, &lone, &home);
    CHECKF(!home.leader && home.slot.scale == 1, "home again (leader %d, scale %.2f)", home.leader, home.slot.scale);
}

int main(void)
{
    alone();
    crowded();
    edges();
    hysteresis();
    return t_finish("test_ui_layout");
}

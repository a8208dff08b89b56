/* test_visitor.c — the visitor experience, rendered headless (EGL) and read back as pixels:
 * contact shadows, metallic against rough materials, multisampled edges, promotion tags, and
 * picking a product to open its card (with its QR code, checked for decoding in test_experience.py). */
#include "visitor/vt_visitor.h"
#include "assets/vt_assets.h"
#include "catalog/vt_catalog.h"
#include "render/vt_render.h"
#include "ui/vt_ui.h"
#include "vision/vt_vision.h"
#include "test_util.h"

#include <math.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#define W 640
#define H 480

static double lum(const vt_image *rgba, int x, int y)
{
    const uint8_t *p = vt_image_row(rgba, y) + x * 4;
    return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
}

/* Renders the product box at the pose, on a flat mid-grey frame. */
static void draw(vt_renderer *r, const vt_image *bg, const vt_camera *cam, vt_gpu_model_id g, const vt_model *m,
                 const float mv[16], int shadow, vt_image *out)
{
    vt_render_begin(r, bg, cam);
    if (shadow) vt_render_shadow(r, mv, m->bounds_min, m->bounds_max, 0.6f);
    vt_render_model(r, g, mv, 1.0f);
    vt_render_end(r, out);
}

/* One display frame at time t with product 0 seen at the pose: scene, then the visitor's UI. */
static void visitor_frame(vt_visitor *vis, vt_renderer *r, const vt_image *bg, const vt_camera *cam, double t, int frame,
                          const double rvec[3], const double tvec[3], vt_image *out)
{
    vt_visitor_begin(vis, t, frame);
    vt_visitor_seen(vis, 0, rvec, tvec);
    vt_render_begin(r, bg, cam);
    vt_visitor_draw_scene(vis, r, cam);
    vt_visitor_draw_ui(vis, r, cam, W, H, NULL, 0);
    vt_render_end(r, out);
}

/* A catalog of n products on markers 0..n-1 of ARUCO_ORIGINAL (1024 ids), as JSON. */
static char *many_catalog_json(int n)
{
    size_t cap = 200 + (size_t)n * 80, len = 0;
    char *j = malloc(cap);
    if (!j) return NULL;
    len += (size_t)snprintf(j + len, cap - len, "{\"version\": 1, \"markers\": {\"dictionary\": \"ARUCO_ORIGINAL\"}, \"products\": [");
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(j + len, cap - len, "%s{\"id\": \"p%d\", \"marker\": %d, \"name\": \"P%d\", \"price\": 1}", i ? ", " : "", i, i, i);
    snprintf(j + len, cap - len, "]}");
    return j;
}

static void many_products(vt_renderer *r, const vt_camera *cam, const vt_model *box, const double rvec[3], const double tvec[3])
{
    enum { N = 300 };
    char err[512], *json = many_catalog_json(N);
    vt_catalog *cat = NULL;
    if (json) vt_catalog_parse_text(json, strlen(json), "many.json", NULL, 0, &cat);
    free(json);
    CHECKF(cat && cat->count == N, "a catalog of %d products", N);
    if (!cat || cat->count != N) { vt_catalog_destroy(cat); return; }
    vt_visitor_show *shows = calloc(N, sizeof *shows);
    for (int i = 0; i < N; i++) shows[i] = (vt_visitor_show){ .p = &cat->products[i], .model = box };   /* no GPU model: nothing drawn */
    vt_visitor *vis = NULL;
    CHECK(vt_visitor_create(&(vt_visitor_desc){ .tour = 1 }, &vis, err, sizeof err) == VT_OK);
    CHECK(vt_visitor_set_scene(vis, cat, shows, N, err, sizeof err) == VT_OK);
    int seen_last = 0;
    for (int f = 0; f < 40; f++) {   /* every product on show, long enough to fade in fully */
        vt_visitor_begin(vis, 9.0 + f / 30.0, f);   /* past the tour's idle time: it runs too */
        for (int i = 0; i < N; i++) vt_visitor_seen(vis, i, rvec, tvec);
        vt_render_begin(r, NULL, cam);
        vt_visitor_draw_scene(vis, r, cam);
        vt_render_end(r, NULL);
    }
    vt_visitor_key(vis, '9');
    CHECK(vt_visitor_selected(vis) >= 0 && vt_visitor_selected(vis) < N);
    for (int k = 0; k < N; k++) {
        vt_visitor_key(vis, '\t');
        seen_last |= vt_visitor_selected(vis) == N - 1;
    }
    CHECKF(seen_last, "Tab reaches product %d of %d", N, N);
    vt_visitor_destroy(vis);
    free(shows);
    vt_catalog_destroy(cat);
}

/* Ink: dark text pixels (the name, the description, the price). */
static int ink(const vt_image *rgba, int x, int y) { return lum(rgba, x, y) < 90; }

/* Dark ink in the rows y0..y1 and columns x0..x1 of the frame: the rightmost column with any, or -1. */
static int ink_right(const vt_image *rgba, int x0, int x1, int y0, int y1)
{
    int right = -1;
    for (int y = y0 < 0 ? 0 : y0; y <= y1 && y < H; y++)
        for (int x = x0 < 0 ? 0 : x0; x <= x1 && x < W; x++)
            if (ink(rgba, x, y) && x > right) right = x;
    return right;
}

/* The card's QR code, module by module (dark runs of a row are drawn as one rectangle): each
 * module's middle pixel dark where the code has a dark module, white elsewhere, quiet zone too. */
static void qr_modules(const vt_image *out, const vt_ui_rect *qr, const char *url)
{
    QRcode *q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    CHECK(q != NULL);
    if (!q) return;
    int n = q->width + 8, wrong = 0;
    float mod = qr->w / n;
    CHECKF(mod >= 2 && mod == floorf(mod), "QR modules of whole pixels (%.2f)", mod);
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) {
            int in = x >= 4 && y >= 4 && x < n - 4 && y < n - 4, dark = in && (q->data[(y - 4) * q->width + x - 4] & 1);
            double l = lum(out, (int)(qr->x + (x + 0.5f) * mod), (int)(qr->y + (y + 0.5f) * mod));
            wrong += dark ? l > 40 : l < 215;
        }
    CHECKF(wrong == 0, "%d of %d QR modules drawn wrong", wrong, n * n);
    QRcode_free(q);
}

/* A card with long texts: the name on two lines ending in an ellipsis, clear of "Esc ×"; the
 * price (with its "€") and every text inside the card; the card inside the screen, beside the
 * product it must not cover. */
static void long_name_card(vt_renderer *r, const vt_image *bg, const vt_camera *cam, vt_image *out)
{
    vt_ui_card c = { .name = "Coffret de d\u00e9gustation huiles d'olive extra vierges du Sud", .brand = "Maison Test",
                     .description = "Extra virgin olive oils, first cold pressing, from three estates of the south.",
                     .dimensions = "250 \u00d7 90 \u00d7 60 mm", .price = "1 234 567,89 \u20ac", .was = "1 500 000,00 \u20ac",
                     .url = "https://example.com/p/coffret", .ax = 120, .ay = 300, .keep_clear = { 80, 200, 90, 200 },
                     .appear = 1 };
    vt_ui_rect card, button, qr;
    vt_render_begin(r, bg, cam);
    CHECK(vt_ui_card_draw(r, W, H, &c, &card, &button, &qr) == VT_OK);
    vt_render_end(r, out);
    qr_modules(out, &qr, c.url);
    printf("long-name card at %.0f %.0f, %.0f x %.0f\n", card.x, card.y, card.w, card.h);
    CHECKF(card.x >= 0 && card.y >= 0 && card.x + card.w <= W && card.y + card.h <= H, "the card is inside the screen");
    CHECKF(card.x >= c.keep_clear.x + c.keep_clear.w || card.x + card.w <= c.keep_clear.x, "the card is beside its product");
    /* Nothing drawn outside the card but its shadow (a few pixels right and below). */
    int outside = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int in = x >= card.x - 1 && x <= card.x + card.w + 6 && y >= card.y - 1 && y <= card.y + card.h + 8;
            outside += !in && fabs(lum(out, x, y) - 170) > 3;
        }
    CHECKF(outside == 0, "%d pixels drawn outside the card", outside);
    /* Inside: the padding along the right edge is bare panel (no text runs into it). */
    float u = H / 720.0f, pad = 18 * u;
    int cx0 = (int)ceilf(card.x), cx1 = (int)(card.x + card.w) - 1, cy0 = (int)ceilf(card.y), cy1 = (int)(card.y + card.h) - 1;
    int right = ink_right(out, cx0, cx1, cy0 + (int)(8 * u), cy1);
    CHECKF(right >= 0 && right < card.x + card.w - pad * 0.5f, "text stays inside the card (ink up to x %d, card ends %.0f)", right,
           card.x + card.w);
    int red_right = -1;   /* the promotion price, in red, up to its "€" */
    for (int y = cy0; y <= cy1; y++)
        for (int x = cx0; x <= cx1; x++) {
            const uint8_t *p = vt_image_row(out, y) + x * 4;
            if (p[0] > 150 && p[1] < 90 && p[2] < 90 && x > red_right) red_right = x;
        }
    CHECKF(red_right > card.x + card.w * 0.3f && red_right < card.x + card.w - pad * 0.5f, "the whole price shows (red up to %d)", red_right);
    /* The name: two lines, the first clear of "Esc ×", the second ending in an ellipsis (dots on
     * the baseline: its last glyph has no height). The sizes may have been scaled to fit. */
    float s = card.w / (420 * u), name_px = 30 * u * s, top = card.y + pad * s;
    int l1 = ink_right(out, cx0, cx1, (int)top, (int)(top + name_px));
    int l2 = ink_right(out, cx0, cx1, (int)(top + name_px * 1.35f), (int)(top + name_px * 2.3f));
    float esc_x = card.x + card.w - pad * s - vt_render_text_width(r, 15 * u * s, "Esc \u00d7");
    CHECKF(l1 > 0 && l1 < esc_x - 2, "the name's first line (to %d) stops before \"Esc \u00d7\" (at %.0f)", l1, esc_x);
    CHECKF(l2 > card.x + card.w * 0.3f, "the name goes on to a second line (to %d)", l2);
    int y_min = H, y_max = -1;
    for (int y = (int)(top + name_px * 1.3f); y <= (int)(top + name_px * 2.35f); y++)
        for (int x = l2 - (int)(name_px * 0.5f); x <= l2; x++)
            if (ink(out, x, y)) { if (y < y_min) y_min = y; if (y > y_max) y_max = y; }
    CHECKF(y_max >= y_min && y_max - y_min < name_px * 0.3f, "the second line ends in an ellipsis (last glyph %d px tall)", y_max - y_min);
}

/* 8. The visitor's language across a reload: kept when the new catalog offers it (the old one is
 * freed first, as a hot reload does; ASan would catch a read of it), the store's when it does not. */
static void language_across_reload(void)
{
    static const char a[] = "{\"version\": 1, \"store\": {\"locale\": \"fr_FR\", \"currency\": \"EUR\"}, \"products\": ["
                            "{\"id\": \"m\", \"marker\": 1, \"name\": \"Mug\", \"price\": 9,"
                            " \"translations\": {\"de\": {\"name\": \"Tasse\"}, \"ja\": {\"name\": \"マグ\"}}}]}";
    static const char b[] = "{\"version\": 1, \"store\": {\"locale\": \"fr_FR\", \"currency\": \"EUR\"}, \"products\": ["
                            "{\"id\": \"m\", \"marker\": 1, \"name\": \"Mug\", \"price\": 12,"
                            " \"translations\": {\"ja\": {\"name\": \"マグ\"}}}]}";
    char err[256];
    vt_catalog *c1 = NULL, *c2 = NULL, *c3 = NULL;
    vt_visitor *v = NULL;
    vt_catalog_parse_text(a, sizeof a - 1, "a.json", NULL, 0, &c1);
    vt_catalog_parse_text(a, sizeof a - 1, "a.json", NULL, 0, &c2);
    vt_catalog_parse_text(b, sizeof b - 1, "b.json", NULL, 0, &c3);
    CHECK(c1 && c2 && c3 && vt_visitor_create(&(vt_visitor_desc){ 0 }, &v, err, sizeof err) == VT_OK);
    if (!c1 || !c2 || !c3 || !v) goto done;
    vt_visitor_show s1 = { .p = &c1->products[0] }, s2 = { .p = &c2->products[0] }, s3 = { .p = &c3->products[0] };
    CHECK(vt_visitor_set_scene(v, c1, &s1, 1, err, sizeof err) == VT_OK);
    CHECKF(!strcmp(vt_visitor_locale(v), "fr_FR"), "the store's language first: %s", vt_visitor_locale(v));
    vt_visitor_key(v, 'L');   /* fr -> de */
    CHECKF(!strcmp(vt_visitor_locale(v), "de_DE"), "L picks the next language: %s", vt_visitor_locale(v));
    vt_catalog_destroy(c1);   /* a reload frees the old catalog before the new one is shown */
    c1 = NULL;
    CHECK(vt_visitor_set_scene(v, c2, &s2, 1, err, sizeof err) == VT_OK);
    CHECKF(!strcmp(vt_visitor_locale(v), "de_DE"), "a reload that still offers German keeps it: %s", vt_visitor_locale(v));
    vt_catalog_destroy(c2);
    c2 = NULL;
    CHECK(vt_visitor_set_scene(v, c3, &s3, 1, err, sizeof err) == VT_OK);
    CHECKF(!strcmp(vt_visitor_locale(v), "fr_FR"), "German gone: the store's language: %s", vt_visitor_locale(v));
done:
    vt_visitor_destroy(v);
    vt_catalog_destroy(c1);
    vt_catalog_destroy(c2);
    vt_catalog_destroy(c3);
}

int main(int argc, char **argv)
{
    (void)argc; (void)argv;
    char err[512];
    vt_renderer *r = NULL;
    vt_result res = vt_render_create(&(vt_render_desc){ .width = W, .height = H, .headless = 1, .msaa = 1 }, &r, err, sizeof err);
    CHECKF(res == VT_OK, "headless renderer: %s", err);
    if (res != VT_OK) return t_finish("test_visitor");
    vt_image bg, a, b;
    vt_image_alloc(&bg, VT_PIX_BGR8, W, H);
    vt_image_alloc(&a, VT_PIX_RGBA8, W, H);
    vt_image_alloc(&b, VT_PIX_RGBA8, W, H);
    memset(bg.data, 170, (size_t)bg.stride * H);

    vt_camera cam;
    vt_camera_parse("600,600,319.5,239.5", &cam);
    /* A marker on a table seen from above and in front (tilted 40 degrees), 45 cm away. */
    double rvec[3] = { 2.44, 0, 0 }, tvec[3] = { 0, 0.02, 0.45 }, zero[3] = { 0, 0, 0 };
    vt_model *box = NULL;
    char box_err[128];
    CHECKF(vt_model_placeholder((const float[3]){ 0.05f, 0.04f, 0.05f }, &box, box_err, sizeof box_err) == VT_OK, "%s", box_err);
    vt_gpu_model_id g;
    CHECKF(vt_render_upload(r, box, &g, err, sizeof err) == VT_OK, "upload: %s", err);
    float mv[16];
    vt_render_marker_matrix(rvec, tvec, zero, zero, 1.0, mv);

    /* 1. A contact shadow: darker right around the base, nothing far away. */
    draw(r, &bg, &cam, g, box, mv, 0, &a);
    draw(r, &bg, &cam, g, box, mv, 1, &b);
    float base[3] = { 0.03f, 0.0f, 0.0f }, u, v;   /* just right of the box, on the marker plane */
    CHECK(vt_render_project(&cam, mv, base, &u, &v));
    double darker = 0;
    int n = 0;
    for (int y = (int)v - 3; y <= (int)v + 3; y++)
        for (int x = (int)u - 3; x <= (int)u + 3; x++) { darker += lum(&a, x, y) - lum(&b, x, y); n++; }
    darker /= n;
    double far = fabs(lum(&a, 10, 10) - lum(&b, 10, 10)) + fabs(lum(&a, W - 10, H - 10) - lum(&b, W - 10, H - 10));
    printf("contact shadow: %.1f grey levels darker beside the base (%.0f, %.0f), %.1f far away\n", darker, u, v, far);
    CHECKF(darker > 12, "the shadow darkens the marker plane beside the product (%.1f)", darker);
    CHECK(far == 0);

    /* 2. Same colour, metallic and smooth against dielectric and rough: measurably different. */
    vt_material keep = box->materials[0];
    double sum_diff = 0, mean_a = 0, mean_b = 0, spread_a = 0, spread_b = 0;
    int cnt = 0;
    box->materials[0] = (vt_material){ .base_colour = { 0.7f, 0.5f, 0.3f, 1 }, .metallic = 1.0f, .roughness = 0.15f, .texture = -1,
                                        .tex_metal_rough = -1, .tex_normal = -1, .tex_occlusion = -1, .tex_emissive = -1, .tex_thickness = -1, .tex_transmission = -1, .tex_clearcoat = -1, .tex_clearcoat_rough = -1, .tex_sheen = -1, .tex_sheen_rough = -1,
                                        .normal_scale = 1, .occlusion_strength = 1 };
    draw(r, &bg, &cam, g, box, mv, 0, &a);
    box->materials[0] = (vt_material){ .base_colour = { 0.7f, 0.5f, 0.3f, 1 }, .roughness = 0.9f, .texture = -1, .tex_metal_rough = -1,
                                        .tex_normal = -1, .tex_occlusion = -1, .tex_emissive = -1, .tex_thickness = -1, .tex_transmission = -1, .tex_clearcoat = -1, .tex_clearcoat_rough = -1, .tex_sheen = -1, .tex_sheen_rough = -1, .normal_scale = 1,
                                        .occlusion_strength = 1 };
    draw(r, &bg, &cam, g, box, mv, 0, &b);
    box->materials[0] = keep;
    float top[3] = { 0, 0.04f, 0 };
    CHECK(vt_render_project(&cam, mv, top, &u, &v));
    for (int y = (int)v - 10; y <= (int)v + 10; y++)
        for (int x = (int)u - 10; x <= (int)u + 10; x++) {
            double la = lum(&a, x, y), lb = lum(&b, x, y);
            sum_diff += fabs(la - lb);
            mean_a += la; mean_b += lb;
            spread_a += la * la; spread_b += lb * lb;
            cnt++;
        }
    mean_a /= cnt; mean_b /= cnt;
    printf("metallic %.1f vs rough %.1f mean grey on the top face; mean difference %.1f\n", mean_a, mean_b, sum_diff / cnt);
    CHECKF(sum_diff / cnt > 8, "metallic and rough render differently (%.1f)", sum_diff / cnt);

    /* 3. Multisampling: edge pixels blend model and background. */
    vt_renderer *r4 = NULL;
    res = vt_render_create(&(vt_render_desc){ .width = W, .height = H, .headless = 1, .msaa = 4 }, &r4, err, sizeof err);
    CHECKF(res == VT_OK, "renderer with 4x MSAA: %s", err);
    if (res == VT_OK) {
        vt_gpu_model_id g4;
        CHECKF(vt_render_upload(r4, box, &g4, err, sizeof err) == VT_OK, "upload: %s", err);
        draw(r, &bg, &cam, g, box, mv, 0, &a);
        draw(r4, &bg, &cam, g4, box, mv, 0, &b);
        /* Distinct grey levels along a row across the box's edges: more with MSAA. */
        int levels_a = 0, levels_b = 0;
        for (int y = 150; y < 330; y += 3) {
            int prev_a = -1, prev_b = -1;
            for (int x = 200; x < 440; x++) {
                int la = (int)lum(&a, x, y), lb = (int)lum(&b, x, y);
                levels_a += la != prev_a; levels_b += lb != prev_b;
                prev_a = la; prev_b = lb;
            }
        }
        printf("grey-level changes across the edges: %d without MSAA, %d with 4x\n", levels_a, levels_b);
        CHECKF(levels_b > levels_a, "4x MSAA smooths edges (%d > %d)", levels_b, levels_a);
        vt_render_destroy(r4);
    }

    /* 4. A promotion tag draws the new price in red and the old one struck through. */
    vt_ui_tag plain = { .ax = 320, .ay = 300, .depth = 0.5f, .name = "Runner X", .price = "89,99 \u20ac", .opacity = 1 };
    vt_ui_tag promo = { .ax = 320, .ay = 300, .depth = 0.5f, .name = "Runner X", .price = "71,99 \u20ac", .was = "89,99 \u20ac", .opacity = 1 };
    vt_render_begin(r, &bg, &cam);
    vt_ui_price_tags(r, W, H, &plain, 1, NULL, 0);
    vt_render_end(r, &a);
    vt_render_begin(r, &bg, &cam);
    vt_ui_price_tags(r, W, H, &promo, 1, NULL, 0);
    vt_render_end(r, &b);
    int red_a = 0, red_b = 0, grey_b = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const uint8_t *pa = vt_image_row(&a, y) + x * 4, *pb = vt_image_row(&b, y) + x * 4;
            red_a += pa[0] > 150 && pa[1] < 90 && pa[2] < 90;
            red_b += pb[0] > 150 && pb[1] < 90 && pb[2] < 90;
            grey_b += abs(pb[0] - 115) < 20 && abs(pb[1] - 117) < 20 && abs(pb[2] - 128) < 20;
        }
    printf("promotion tag: %d red pixels (regular tag: %d), %d grey pixels of the struck price\n", red_b, red_a, grey_b);
    CHECK(red_a == 0);
    CHECKF(red_b > 200, "the promotion price is drawn in red (%d)", red_b);
    CHECKF(grey_b > 100, "the regular price is drawn beside it, struck through (%d)", grey_b);

    /* 5. Picking at the product's projected middle selects it, and its card appears. */
    static const char json[] = "{\"version\": 1, \"store\": {\"locale\": \"fr_FR\", \"currency\": \"EUR\"},"
                               " \"products\": [{\"id\": \"box\", \"marker\": 7, \"name\": \"Boîte\", \"price\": 9.5,"
                               " \"brand\": \"Test\", \"description\": \"A box.\", \"url\": \"https://example.com/box\"}]}";
    vt_catalog *cat = NULL;
    vt_catalog_parse_text(json, sizeof json - 1, "test.json", NULL, 0, &cat);
    CHECK(cat != NULL);
    if (cat) {
        vt_visitor_show show = { .p = &cat->products[0], .model = box, .gpu = g };
        vt_visitor *vis = NULL;
        CHECK(vt_visitor_create(&(vt_visitor_desc){ .shadows = 1 }, &vis, err, sizeof err) == VT_OK);
        CHECK(vt_visitor_set_scene(vis, cat, &show, 1, err, sizeof err) == VT_OK);
        visitor_frame(vis, r, &bg, &cam, 0.0, 0, rvec, tvec, &a);
        float mid[3] = { 0, 0.02f, 0 };
        CHECK(vt_render_project(&cam, mv, mid, &u, &v));
        CHECK(vt_visitor_pick(vis, &cam, u, v) == 0);
        CHECK(vt_visitor_pick(vis, &cam, 5, 5) == -1);
        vt_visitor_click(vis, &cam, u, v);
        CHECK(vt_visitor_selected(vis) == 0);
        visitor_frame(vis, r, &bg, &cam, 1.0, 30, rvec, tvec, &b);
        int white_a = 0, white_b = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                const uint8_t *pa = vt_image_row(&a, y) + x * 4, *pb = vt_image_row(&b, y) + x * 4;
                white_a += pa[0] > 245 && pa[1] > 245 && pa[2] > 245;
                white_b += pb[0] > 245 && pb[1] > 245 && pb[2] > 245;
            }
        printf("picking at (%.0f, %.0f) selects the product; white card pixels %d before, %d after\n", u, v, white_a, white_b);
        CHECKF(white_b > white_a + 20000, "the card appears (%d > %d)", white_b, white_a);
        /* Escape closes it; a tap outside does too. */
        CHECK(vt_visitor_key(vis, 27) == VT_VISITOR_NONE && vt_visitor_selected(vis) == -1);
        vt_visitor_key(vis, '1');
        CHECK(vt_visitor_selected(vis) == 0);
        vt_visitor_key(vis, '\n');
        CHECK(vt_visitor_basket_count(vis) == 1);
        vt_visitor_key(vis, 8);
        CHECK(vt_visitor_basket_count(vis) == 0);
        vt_visitor_click(vis, &cam, 5, 5);
        CHECK(vt_visitor_selected(vis) == -1);
        /* Escape quits outside kiosk mode; in kiosk mode it asks first. */
        CHECK(vt_visitor_key(vis, 27) == VT_VISITOR_QUIT);
        vt_visitor_destroy(vis);
        vt_visitor *kiosk = NULL;
        CHECK(vt_visitor_create(&(vt_visitor_desc){ .kiosk = 1 }, &kiosk, err, sizeof err) == VT_OK);
        CHECK(vt_visitor_set_scene(kiosk, cat, &show, 1, err, sizeof err) == VT_OK);
        CHECK(vt_visitor_key(kiosk, 27) == VT_VISITOR_NONE);
        CHECK(vt_visitor_key(kiosk, 'X') == VT_VISITOR_NONE);   /* any other key: stay */
        CHECK(vt_visitor_key(kiosk, 27) == VT_VISITOR_NONE);
        CHECK(vt_visitor_key(kiosk, 27) == VT_VISITOR_QUIT);   /* confirmed */
        CHECK(vt_visitor_key(kiosk, 'Q') == VT_VISITOR_NONE);
        CHECK(vt_visitor_key(kiosk, 'S') == VT_VISITOR_SCREENSHOT && vt_visitor_key(kiosk, 'F') == VT_VISITOR_FULLSCREEN);
        vt_visitor_destroy(kiosk);
        vt_catalog_destroy(cat);
    }

    /* 6. A card with a long name and a long price. */
    long_name_card(r, &bg, &cam, &a);

    /* 7. More products on show than the old fixed 256-entry order: keys, Tab and the tour walk
     * all of them (ASan would catch an overrun). */
    many_products(r, &cam, box, rvec, tvec);
    language_across_reload();

    vt_image_free(&bg);
    vt_image_free(&a);
    vt_image_free(&b);
    vt_render_free_model(r, g);
    vt_model_destroy(box);
    vt_render_destroy(r);
    return t_finish("test_visitor");
}

/* cmd_view.c — `vitrine view MODEL`: a turntable preview for model authors, with the model's
 * size in millimetres, its bounding box, and its origin and axes, so scale, pivot and orientation
 * can be checked before a product goes into the catalog. */
#include "app/vt_app.h"
#include "app_checks.h"
#include "assets/vt_assets.h"
#include "output/vt_output.h"
#include "render/vt_render.h"
#include "ui/vt_ui.h"
#include "vision/vt_vision.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *k_help =
    /* TRANSLATORS: --help: keep commands, option names, CAPITAL values and the layout as they are. */
    N_("usage: vitrine view MODEL [--headless --out FILE.png] [--size WxH] [--angle DEG] [--variant NAME]\n"
    "                    [--animation NAME|none] [--time SECONDS] [--strict]\n"
    "       vitrine view [MODEL] --catalog FILE --product ID [options as above]\n"
    "\n"
    "Shows a model turning slowly, with its bounding box and size in millimetres (models are in\n"
    "metres), its origin (which should sit at the centre of its base) and its axes: x red, y green\n"
    "(up), z blue (the product's front). Headless: writes one PNG seen from --angle (default 30)\n"
    "and exits.\n"
    "\n"
    "What looks wrong (larger than 5 m, the origin away from the base, flat in y) is written on\n"
    "the picture and, one line each, on stderr as warnings naming the file. What the model\n"
    "holds in GPU memory (its textures with their mipmaps, its geometry) is on the picture and\n"
    "on stdout.\n"
    "  --catalog FILE --product ID  the product as the catalog places it on its marker, as\n"
    "                 `vitrine run` draws it: scale, offset_mm, rotation_deg, and a model whose\n"
    "                 size makes no sense fitted to dimensions_mm; the origin shown is the\n"
    "                 marker's centre. MODEL defaults to the product's model (give one to try a\n"
    "                 new file with the product's placement).\n"
    "  --variant NAME shows the model with its glTF material variant NAME\n"
    "                 (KHR_materials_variants; with --product, default: the product's \"variant\");\n"
    "                 the file's variants are listed on the picture and on stderr\n"
    "  --animation NAME plays the model's glTF animation NAME (skins, morph targets, moving\n"
    "                 parts; default: with --product, the product's \"animation\", else the\n"
    "                 file's first; none: the model at rest), looping; its animations are\n"
    "                 listed on the picture and on stderr\n"
    "  --time SECONDS the moment of the animation shown (headless: the picture's; in a window\n"
    "                 it plays on from there; default 0)\n"
    "  --thumbnail    the model alone, filling the picture: no box, axes or labels (the web\n"
    "                 console's thumbnails); the warnings still go to stderr\n"
    "  --strict       any warning makes the exit status 1\n"
    "Exit status: 0 shown; 1 the model does not load (one line says why), or a warning with\n"
    "--strict; 2 bad arguments (an unknown product id names the near ones).\n");

/* Model space (+Y up) to OpenCV camera space, looking at centre from angle az, elevation el. */
static void orbit(const float centre[3], float dist, float az, float el, float out[16])
{
    float P[3] = { centre[0] + dist * sinf(az) * cosf(el), centre[1] + dist * sinf(el), centre[2] + dist * cosf(az) * cosf(el) };
    float f[3] = { centre[0] - P[0], centre[1] - P[1], centre[2] - P[2] };
    float n = sqrtf(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]);
    for (int i = 0; i < 3; i++) f[i] /= n;
    float r[3] = { -f[2], 0, f[0] };   /* f x up, up = +y */
    n = sqrtf(r[0] * r[0] + r[2] * r[2]);
    r[0] /= n; r[2] /= n;
    float d[3] = { f[1] * r[2] - f[2] * r[1], f[2] * r[0] - f[0] * r[2], f[0] * r[1] - f[1] * r[0] };
    const float *rows[3] = { r, d, f };
    memset(out, 0, 16 * sizeof(float));
    for (int i = 0; i < 3; i++) {
        for (int k = 0; k < 3; k++) out[k * 4 + i] = rows[i][k];
        out[12 + i] = -(rows[i][0] * P[0] + rows[i][1] * P[1] + rows[i][2] * P[2]);
    }
    out[15] = 1;
}

/* What is previewed: a model, placed as the catalog places its product (identity for a bare
 * model), its bounds in that placed space, and what looks wrong about it. */
typedef struct view_scene {
    const vt_model *m;
    vt_gpu_model_id g;
    float place[16];        /* model space to placed space (the marker's frame, +Y up) */
    float lo[3], hi[3];     /* bounds, placed */
    const char *name;       /* the file name, or the product's */
    char variants[600];     /* "variants: Beige, Black (showing Black)", or "" when the file has none */
    char animations[600];   /* "animations: Survey, Walk (showing Walk)", or "" when the file has none */
    vt_model *posed;        /* the same model, to pose: clip (-1: at rest) at time + seconds shown */
    int clip;
    double time;
    char memory[160];       /* "GPU memory 4.1 MiB: textures 3.9 MiB (mipmapped), geometry 0.2 MiB" */
    char warn[6][512];
    int nwarn;
    int thumbnail;          /* the model alone, framed by its own bounds (--thumbnail) */
} view_scene;

static void mat4_mul(const float a[16], const float b[16], float out[16])
{
    float t[16];
    for (int c = 0; c < 4; c++)
        for (int r = 0; r < 4; r++) t[c * 4 + r] = a[r] * b[c * 4] + a[4 + r] * b[c * 4 + 1] + a[8 + r] * b[c * 4 + 2] + a[12 + r] * b[c * 4 + 3];
    memcpy(out, t, sizeof t);
}

/* The product's placement on its marker, as run draws it (offset_mm, rotation_deg, scale, or the
 * fit to dimensions_mm for a model in the wrong unit); p NULL: the model as it is. */
static void view_place(view_scene *vs, const vt_product *p)
{
    char why[512];
    double scale = app_model_scale(vs->m, p, why, sizeof why);
    if (why[0]) snprintf(vs->warn[vs->nwarn++], sizeof vs->warn[0], "%s", why);
    /* The marker matrix with the marker's pose undone (-90 degrees about x, at the origin) is the
     * placement alone. */
    const double undo_up[3] = { -M_PI_2, 0, 0 }, at[3] = { 0, 0, 0 };
    vt_render_marker_matrix(undo_up, at, p ? p->offset_mm : at, p ? p->rotation_deg : at, scale, vs->place);
    const float *lo = vs->m->bounds_min, *hi = vs->m->bounds_max, *M = vs->place;
    for (int i = 0; i < 8; i++) {
        float q[3] = { i & 1 ? hi[0] : lo[0], i & 2 ? hi[1] : lo[1], i & 4 ? hi[2] : lo[2] };
        for (int k = 0; k < 3; k++) {
            float v = M[k] * q[0] + M[4 + k] * q[1] + M[8 + k] * q[2] + M[12 + k];
            vs->lo[k] = i == 0 || v < vs->lo[k] ? v : vs->lo[k];
            vs->hi[k] = i == 0 || v > vs->hi[k] ? v : vs->hi[k];
        }
    }
}

/* What an author most often gets wrong, about the placed model (after view_place's size check). */
static void view_check(view_scene *vs, const vt_product *p)
{
    const float *lo = vs->lo, *hi = vs->hi;
    float ext[3] = { hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2] };
    size_t n = sizeof vs->warn[0];
    if (fabsf(lo[1]) > 0.02f * ext[1] + 1e-4f && vs->nwarn < 4) {
        if (p)
            snprintf(vs->warn[vs->nwarn++], n,
                     lo[1] > 0 ? _("the base is %.0f mm above the marker: set \"offset_mm\" to [%g, %.0f, %g]")
                               : _("the base is %.0f mm below the marker: set \"offset_mm\" to [%g, %.0f, %g]"),
                     fabsf(lo[1]) * 1000, p->offset_mm[0], p->offset_mm[1] - lo[1] * 1000, p->offset_mm[2]);
        else
            snprintf(vs->warn[vs->nwarn++], n,
                     lo[1] > 0 ? _("origin is %.0f mm below the base: put it at the centre of the base")
                               : _("origin is %.0f mm above the base: put it at the centre of the base"),
                     fabsf(lo[1]) * 1000);
    }
    if (ext[1] < 1e-3f && ext[0] > 1e-3f && vs->nwarn < 4) snprintf(vs->warn[vs->nwarn++], n, _("flat in y: is +Y up?"));
    if (vs->nwarn < 4 && app_draw_cost(vs->m, vs->warn[vs->nwarn], n)) vs->nwarn++;
}

/* The labels: name, size, counts, warnings. */
static void draw_labels(vt_renderer *r, const view_scene *vs, int W, int H)
{
    const vt_model *m = vs->m;
    char line[512];
    const float ink[4] = { 0.1f, 0.1f, 0.12f, 1 }, grey[4] = { 0.3f, 0.3f, 0.33f, 1 }, warn[4] = { 0.75f, 0.25f, 0.05f, 1 };
    float px = H * 0.032f, y = H * 0.06f;
    vt_render_text(r, H * 0.03f, y, px, vs->name, ink);
    snprintf(line, sizeof line, _("%.0f x %.0f x %.0f mm  (width x height x depth)"), (vs->hi[0] - vs->lo[0]) * 1000,
             (vs->hi[1] - vs->lo[1]) * 1000, (vs->hi[2] - vs->lo[2]) * 1000);
    vt_render_text(r, H * 0.03f, y + px * 1.4f, px * 0.8f, line, grey);
    char mats[64], texs[64];
    snprintf(mats, sizeof mats, vt_trn("%d material", "%d materials", (unsigned long)m->material_count), m->material_count);
    snprintf(texs, sizeof texs, vt_trn("%d texture", "%d textures", (unsigned long)m->texture_count), m->texture_count);
    /* TRANSLATORS: the last two are "3 materials" and "1 texture". */
    snprintf(line, sizeof line, _("%d vertices, %d triangles, %s, %s"), vt_model_vertex_count(m), vt_model_triangle_count(m), mats, texs);
    vt_render_text(r, H * 0.03f, y + px * 2.6f, px * 0.7f, line, grey);
    if (vs->memory[0]) { vt_render_text(r, H * 0.03f, y + px * 3.6f, px * 0.7f, vs->memory, grey); y += px; }
    if (vs->variants[0]) { vt_render_text(r, H * 0.03f, y + px * 3.6f, px * 0.7f, vs->variants, grey); y += px; }
    if (vs->animations[0]) { vt_render_text(r, H * 0.03f, y + px * 3.6f, px * 0.7f, vs->animations, grey); y += px; }
    /* Warnings, wrapped by Pango where a line would run off the picture. */
    float wy = y + px * 3.8f;
    const vt_text_box box = { W - H * 0.06f, 0, px, VT_TEXT_START };
    for (int i = 0; i < vs->nwarn; i++) wy += vt_render_text_box(r, H * 0.03f, wy, px * 0.7f, vs->warn[i], &box, warn).lines * px;
}

/* A thumbnail's distance: the nearest at which the box [lo, hi] (its centre c) fits inside 95 % of
 * the picture seen from the orbit's direction (exact: each corner's depth and offsets are linear
 * in the distance), so a long sofa fills a wide picture as a round vase fills a square one. */
static float box_fit(const float lo[3], const float hi[3], const float c[3], float az, const vt_camera *cam, int W, int H)
{
    float mv[16], d = 0;
    orbit(c, 1, az, 0.35f, mv);
    for (int i = 0; i < 8; i++) {
        float q[3] = { (i & 1 ? hi[0] : lo[0]) - c[0], (i & 2 ? hi[1] : lo[1]) - c[1], (i & 4 ? hi[2] : lo[2]) - c[2] };
        float x = mv[0] * q[0] + mv[4] * q[1] + mv[8] * q[2], y = mv[1] * q[0] + mv[5] * q[1] + mv[9] * q[2];
        float z = mv[2] * q[0] + mv[6] * q[1] + mv[10] * q[2];
        d = fmaxf(d, fmaxf((float)cam->fx * fabsf(x) / (0.475f * (float)W), (float)cam->fy * fabsf(y) / (0.475f * (float)H)) - z);
    }
    return d;
}

static void draw_frame(vt_renderer *r, const view_scene *vs, const vt_image *bg, const vt_camera *cam, int W, int H,
                       float angle_deg, double seconds)
{
    if (vs->clip >= 0 && vt_model_pose(vs->posed, vs->clip, vs->time + seconds)) vt_render_model_refresh(r, vs->g);
    const float *lo = vs->lo, *hi = vs->hi;
    float centre[3] = { (lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2 };
    float ext[3] = { hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2] };
    float radius = 0.5f * sqrtf(ext[0] * ext[0] + ext[1] * ext[1] + ext[2] * ext[2]);
    /* Keep the origin in view too, so a misplaced pivot shows (a thumbnail frames the model only). */
    float oc = sqrtf(centre[0] * centre[0] + centre[1] * centre[1] + centre[2] * centre[2]);
    if (oc > radius && !vs->thumbnail) radius = oc;
    if (radius < 1e-6f) radius = 1e-6f;
    float half_fov = atanf((float)(H * 0.5 / cam->fy));
    float mv[16], mv_model[16];
    float dist = radius / sinf(half_fov) * (vs->thumbnail ? 1.05f : 1.25f);
    if (vs->thumbnail) {   /* the bounding sphere in both directions, or the box where it is nearer */
        dist = fmaxf(dist, radius / sinf(atanf((float)(W * 0.5 / cam->fx))) * 1.05f);
        dist = fminf(dist, fmaxf(box_fit(lo, hi, centre, angle_deg * (float)M_PI / 180, cam, W, H), radius * 1.01f));
    }
    orbit(centre, dist, angle_deg * (float)M_PI / 180, 0.35f, mv);
    mat4_mul(mv, vs->place, mv_model);
    vt_render_depth_range(r, fmaxf(dist - radius * 2, dist * 0.01f), dist + radius * 3);
    vt_render_begin(r, bg, cam);
    vt_render_model(r, vs->g, mv_model, 1.0f);
    if (vs->thumbnail) return;
    /* Bounding box. */
    float pts[8][2];
    for (int i = 0; i < 8; i++) {
        float p[3] = { i & 1 ? hi[0] : lo[0], i & 2 ? hi[1] : lo[1], i & 4 ? hi[2] : lo[2] };
        vt_render_project(cam, mv, p, &pts[i][0], &pts[i][1]);
    }
    static const int edges[12][2] = { { 0, 1 }, { 2, 3 }, { 4, 5 }, { 6, 7 }, { 0, 2 }, { 1, 3 }, { 4, 6 }, { 5, 7 }, { 0, 4 }, { 1, 5 }, { 2, 6 }, { 3, 7 } };
    const float boxc[4] = { 1, 0.75f, 0.2f, 0.9f };
    for (int e = 0; e < 12; e++) vt_render_line(r, pts[edges[e][0]][0], pts[edges[e][0]][1], pts[edges[e][1]][0], pts[edges[e][1]][1], 2, boxc);
    /* Origin and axes, a fifth of the model's size long. */
    float L = fmaxf(fmaxf(ext[0], ext[1]), ext[2]) * 0.25f, o2[2], a2[2];
    static const float axc[3][4] = { { 0.9f, 0.15f, 0.15f, 1 }, { 0.15f, 0.8f, 0.2f, 1 }, { 0.2f, 0.4f, 1, 1 } };
    const float zero[3] = { 0, 0, 0 };
    vt_render_project(cam, mv, zero, &o2[0], &o2[1]);
    for (int a = 0; a < 3; a++) {
        float p[3] = { a == 0 ? L : 0, a == 1 ? L : 0, a == 2 ? L : 0 };
        vt_render_project(cam, mv, p, &a2[0], &a2[1]);
        vt_render_line(r, o2[0], o2[1], a2[0], a2[1], 4, axc[a]);
        vt_render_text(r, a2[0] + 4, a2[1] - 4, H * 0.03f, a == 0 ? "x" : a == 1 ? "y" : "z", axc[a]);
    }
    const float dot[4] = { 1, 1, 1, 1 };
    vt_render_rect(r, o2[0] - 4, o2[1] - 4, 8, 8, dot);
    draw_labels(r, vs, W, H);
}

/* Shows the model turning in a window, or writes one frame at angle (headless); 0 or 1. */
static int show(vt_renderer *r, const view_scene *vs, int W, int H, double angle, const char *out)
{
    /* A neutral studio backdrop, lighter at the top. */
    vt_image bg;
    if (vt_image_alloc(&bg, VT_PIX_BGR8, W, H) != VT_OK) { VT_ERROR("view", "out of memory"); return 1; }
    for (int y = 0; y < H; y++) {
        uint8_t v = (uint8_t)(236 - 40.0 * y / H);
        memset(vt_image_row(&bg, y), v, (size_t)W * 3);
    }
    vt_camera cam = vt_camera_from_fov(W, H, 40);
    int status = 0;
    char err[1200];
    if (out) {
        vt_image rgba;
        vt_image_alloc(&rgba, VT_PIX_RGBA8, W, H);
        draw_frame(r, vs, &bg, &cam, W, H, (float)angle, 0);
        vt_render_end(r, &rgba);
        if (vt_image_write(out, &rgba, err, sizeof err) != VT_OK) { VT_ERROR("view", "%s", err); status = 1; }
        vt_image_free(&rgba);
    } else {
        uint64_t t0 = vt_now_ns();
        while (!vt_render_should_close(r)) {
            double s = vt_ms_since(t0) / 1000.0;
            draw_frame(r, vs, &bg, &cam, W, H, (float)(angle + s * 20), s);   /* 20 degrees a second */
            vt_render_end(r, NULL);
        }
    }
    vt_image_free(&bg);
    return status;
}

typedef struct view_args {
    int headless, strict, thumbnail, W, H;
    double angle, time;
    const char *out, *model, *catalog, *product, *variant, *animation;
} view_args;

/* The command line: -1 to go on, else the exit status (0 after --help, 2 reported). */
static int view_parse(int argc, char **argv, view_args *a)
{
    static const struct option lo[] = {
        { "headless", no_argument, 0, 'H' }, { "out", required_argument, 0, 'o' }, { "size", required_argument, 0, 's' },
        { "angle", required_argument, 0, 'a' }, { "help", no_argument, 0, 'h' }, { "strict", no_argument, 0, 'S' },
        { "catalog", required_argument, 0, 'k' }, { "product", required_argument, 0, 'p' },
        { "variant", required_argument, 0, 'v' }, { "thumbnail", no_argument, 0, 'T' },
        { "animation", required_argument, 0, 'n' }, { "time", required_argument, 0, 't' }, { 0, 0, 0, 0 },
    };
    *a = (view_args){ .W = 1280, .H = 720, .angle = 30 };
    opterr = 0;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, "h", lo, NULL)) != -1;) {
        switch (c) {
        case 'H': a->headless = 1; break;
        case 'S': a->strict = 1; break;
        case 'T': a->thumbnail = 1; break;
        case 'o': a->out = optarg; break;
        case 'k': a->catalog = optarg; break;
        case 'p': a->product = optarg; break;
        case 'v': a->variant = optarg; break;
        case 'n': a->animation = optarg; break;
        case 't':
            if (vt_parse_double(optarg, 0, 1e6, &a->time)) { VT_ERROR("view", "--time '%s': expected seconds (0 or more)", optarg); return 2; }
            break;
        case 's':
            if (vt_parse_size(optarg, 64, 8192, 64, 8192, &a->W, &a->H)) {
                VT_ERROR("view", "--size '%s': expected WxH, e.g. 1280x720", optarg);
                return 2;
            }
            break;
        case 'a':
            if (vt_parse_double(optarg, -3600, 3600, &a->angle)) { VT_ERROR("view", "--angle '%s': expected degrees", optarg); return 2; }
            break;
        case 'h': fputs(_(k_help), stdout); return 0;
        default:
            VT_ERROR("view", "unknown or incomplete option '%s' (try 'vitrine view --help')", argv[optind - 1]);
            return 2;
        }
    }
    if (!a->catalog != !a->product) { VT_ERROR("view", "--catalog and --product go together"); return 2; }
    if (optind == argc - 1) a->model = argv[optind];
    else if (optind != argc || !a->catalog) { VT_ERROR("view", "give one MODEL file (try 'vitrine view --help')"); return 2; }
    if (a->headless && !a->out) { VT_ERROR("view", "--headless needs --out FILE.png"); return 2; }
    return -1;
}

/* --catalog FILE --product ID: the product (in *cat, the caller's), -1; else 2 (reported). */
static int view_product(const view_args *a, vt_catalog **cat, const vt_product **out)
{
    char err[1200];
    if (vt_catalog_load(a->catalog, cat, err, sizeof err) != VT_OK) { VT_ERROR("view", "%s", err); return 2; }
    for (int i = 0; i < (*cat)->count; i++)
        if ((*cat)->products[i].id && !strcmp((*cat)->products[i].id, a->product)) { *out = &(*cat)->products[i]; break; }
    if (!*out) {
        char ids[512];
        int near = vt_catalog_near_ids(*cat, a->product, ids, sizeof ids);
        if (near) VT_ERROR("view", "--product '%s': no product with that id in %s; did you mean %s?", a->product, a->catalog, ids);
        else VT_ERROR("view", "--product '%s': no product with that id in %s; its ids: %s", a->product, a->catalog, ids);
        return 2;
    }
    if (!a->model && !(*out)->model_path) {
        VT_ERROR("view", "%s: product %s has no \"model\"; give a MODEL file", a->catalog, a->product);
        return 2;
    }
    return -1;
}

/* The file's material variants, said on stderr and on the picture; a variant asked for that the
 * file does not have is a warning (the model shows its default materials). */
static void view_variants(view_scene *vs, const char *path, const char *variant)
{
    char **names = NULL, list[512], err[600];
    int n = 0;
    if (vs->m->variant_unknown)
        snprintf(vs->warn[vs->nwarn++], sizeof vs->warn[0], _("variant \"%s\" is not in the file (its variants: %s); showing its default materials"),
                 variant, vs->m->variant_unknown[0] ? vs->m->variant_unknown : _("none"));
    if (vt_model_variants(path, &names, &n, err, sizeof err) != VT_OK || !n) { vt_model_variants_free(names, n); return; }
    vt_model_variants_join(names, n, list, sizeof list);
    vt_model_variants_free(names, n);
    if (variant && !vs->m->variant_unknown)
        snprintf(vs->variants, sizeof vs->variants, _("variants: %s (showing %s)"), list, variant);
    else snprintf(vs->variants, sizeof vs->variants, _("variants: %s (showing the default)"), list);
    VT_NOTE("view", "%s: %s", path, vs->variants);
}

/* n bytes for people: "14.5 MiB", "7.3 KiB", "912 bytes". */
static void human_bytes(size_t n, char *out, size_t len)
{
    if (n >= 1048576) snprintf(out, len, _("%.1f MiB"), (double)n / 1048576);
    else if (n >= 1024) snprintf(out, len, _("%.1f KiB"), (double)n / 1024);
    else snprintf(out, len, vt_trn("%zu byte", "%zu bytes", (unsigned long)n), n);
}

/* What the uploaded model holds on the GPU, said on stdout and on the picture. */
static void view_memory(view_scene *vs, const vt_renderer *r, const char *path)
{
    size_t geometry, textures;
    if (!vt_render_model_memory(r, vs->g, &geometry, &textures)) return;
    char all[32], tex[32], geo[32];
    human_bytes(geometry + textures, all, sizeof all);
    human_bytes(textures, tex, sizeof tex);
    human_bytes(geometry, geo, sizeof geo);
    if (textures)   /* TRANSLATORS: the textures' size includes their mipmaps (a third more). */
        snprintf(vs->memory, sizeof vs->memory, _("GPU memory %s: textures %s (mipmapped), geometry %s"), all, tex, geo);
    else snprintf(vs->memory, sizeof vs->memory, _("GPU memory %s: geometry, no textures"), all);
    printf("%s: %s\n", path, vs->memory);   /* information on stdout: stderr stays for problems */
}

/* The clip to play (name, or the product's, or the first; "none": at rest), its warning when the
 * file has no such clip, and the animations line. */
static void view_animation(view_scene *vs, const char *name)
{
    char list[512];
    vt_model_animations_join(vs->posed, list, sizeof list);
    int none = name && !strcmp(name, "none");
    vs->clip = none ? -1 : vt_model_animation(vs->posed, name);
    if (name && !none && vs->clip < 0) {
        snprintf(vs->warn[vs->nwarn++], sizeof vs->warn[0], _("animation \"%s\" is not in the file (its animations: %s); it plays the first"),
                 name, list[0] ? list : _("none"));
        vs->clip = vt_model_animation(vs->posed, NULL);
    }
    if (!list[0]) return;
    if (vs->clip >= 0)
        snprintf(vs->animations, sizeof vs->animations, _("animations: %s (showing %s at %.2f s)"), list,
                 vs->posed->anim->clips[vs->clip].name, vs->time);
    else snprintf(vs->animations, sizeof vs->animations, _("animations: %s (showing it at rest)"), list);
    VT_NOTE("view", "%s", vs->animations);
}

/* Loads, places and checks the model (warnings on stderr), then shows it: the exit status. */
static int view_model(const view_args *a, const char *path, const vt_product *p)
{
    char err[1024];
    view_scene vs = { .name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path, .thumbnail = a->thumbnail };
    vt_model *m = NULL;
    const char *variant = a->variant ? a->variant : p ? p->variant : NULL;
    if (vt_model_load_variant(path, variant, &m, err, sizeof err) != VT_OK) { VT_ERROR("view", "%s", err); return 1; }
    vs.m = vs.posed = m;
    vs.time = a->time;
    char title[600];
    if (p) snprintf(title, sizeof title, _("%s: product %s"), vs.name, p->id);
    if (p) vs.name = title;
    view_variants(&vs, path, variant);
    view_animation(&vs, a->animation ? a->animation : p ? p->animation : NULL);
    view_place(&vs, p);
    view_check(&vs, p);
    for (int i = 0; i < vs.nwarn; i++) {
        if (p) VT_WARN_FILE("view", path, "product %s: %s", p->id, vs.warn[i]);
        else VT_WARN_FILE("view", path, "%s", vs.warn[i]);
    }
    vt_renderer *r = NULL;
    int status = 1;
    if (vt_render_create(&(vt_render_desc){ .width = a->W, .height = a->H, .headless = a->headless, .title = path }, &r, err,
                         sizeof err) != VT_OK)
        VT_ERROR("view", "%s", err);
    else if (vt_render_upload(r, m, &vs.g, err, sizeof err) != VT_OK)
        VT_ERROR("view", "%s", err);
    else {
        view_memory(&vs, r, path);
        status = show(r, &vs, a->W, a->H, a->angle, a->headless ? a->out : NULL);
        vt_render_free_model(r, vs.g);
    }
    vt_render_destroy(r);
    vt_model_destroy(m);
    if (status == 0 && a->strict && vs.nwarn) status = 1;
    return status;
}

int vt_cmd_view(int argc, char **argv)
{
    view_args a;
    int status = view_parse(argc, argv, &a);
    if (status >= 0) return status;
    vt_catalog *cat = NULL;
    const vt_product *p = NULL;
    if (a.catalog && (status = view_product(&a, &cat, &p)) >= 0) { vt_catalog_destroy(cat); return status; }
    status = view_model(&a, a.model ? a.model : p->model_path, p);
    vt_catalog_destroy(cat);
    return status;
}

/* cmd_markers.c — `vitrine markers`: printable sheets of the catalog's markers, or a calibration
 * board, at exactly their physical size (PDF and SVG through cairo, PNG with its resolution). */
#include "app/vt_app.h"
#include "catalog/vt_catalog.h"
#include "vision/vt_vision.h"

#include <cairo/cairo-pdf.h>
#include <cairo/cairo-svg.h>
#include <cairo/cairo.h>
#include <getopt.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zlib.h>

static const char *k_help =
    /* TRANSLATORS: --help: keep commands, option names, CAPITAL values and the layout as they are. */
    N_("usage: vitrine markers CATALOG --out DIR [--products ID,ID] [--format pdf|png|svg] [--page A4|A3|Letter]\n"
    "                       [--dpi N]\n"
    "       vitrine markers --board SPEC --out DIR [--format pdf|png|svg] [--page A4|A3|Letter] [--dpi N]\n"
    "\n"
    "Printable sheets: each product's marker at exactly the catalog's length_mm (the black square),\n"
    "in a white quiet zone, with the product name and marker id beneath and cut marks around it;\n"
    "or a calibration board (SPEC as for `vitrine calibrate`) at true size.\n"
    "Print at 100 %% (no \"fit to page\"), then measure the black square to check.\n"
    "\n"
    "  --products ID,ID      only these products' markers (catalog ids; an unknown one names the near\n"
    "                        ids and exits 2)\n"
    "  --format pdf|png|svg  default pdf; PNG pages record their resolution so they print at size\n"
    "  --page A4|A3|Letter   default A4\n"
    "  --dpi N               PNG resolution (default 300)\n");

#define MM (72.0 / 25.4)   /* points per millimetre */

typedef enum { FMT_PDF, FMT_PNG, FMT_SVG } fmt_t;

typedef struct sheet {
    fmt_t fmt;
    double w_mm, h_mm;      /* page */
    int dpi;
    const char *dir, *stem;
    int page;
    cairo_surface_t *s;
    cairo_t *cr;
    char path[2048];
    char tmp[2200];         /* written here, moved to path when complete */
} sheet;

/* PNG: cairo writes no resolution, so a pHYs chunk goes in after IHDR (metres, per the PNG spec). */
typedef struct membuf { unsigned char *d; size_t n, cap; } membuf;
static cairo_status_t to_mem(void *closure, const unsigned char *data, unsigned int len)
{
    membuf *m = closure;
    if (m->n + len > m->cap) {
        size_t c = (m->cap + len) * 2;
        unsigned char *nd = realloc(m->d, c);
        if (!nd) return CAIRO_STATUS_NO_MEMORY;
        m->d = nd;
        m->cap = c;
    }
    memcpy(m->d + m->n, data, len);
    m->n += len;
    return CAIRO_STATUS_SUCCESS;
}

static void be32(unsigned char *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }

static int write_png_dpi(cairo_surface_t *s, const char *path, int dpi)
{
    membuf m = { 0 };
    if (cairo_surface_write_to_png_stream(s, to_mem, &m) != CAIRO_STATUS_SUCCESS || m.n < 33) { free(m.d); return -1; }
    unsigned char chunk[21];
    uint32_t ppm = (uint32_t)lround(dpi / 0.0254);
    be32(chunk, 9);
    memcpy(chunk + 4, "pHYs", 4);
    be32(chunk + 8, ppm);
    be32(chunk + 12, ppm);
    chunk[16] = 1;   /* unit: metre */
    be32(chunk + 17, (uint32_t)crc32(0, chunk + 4, 13));
    FILE *f = fopen(path, "wb");
    if (!f) { free(m.d); return -1; }
    size_t after_ihdr = 8 + 25;   /* signature, then IHDR: length, type, 13 bytes, CRC */
    int ok = fwrite(m.d, 1, after_ihdr, f) == after_ihdr && fwrite(chunk, 1, sizeof chunk, f) == sizeof chunk &&
             fwrite(m.d + after_ihdr, 1, m.n - after_ihdr, f) == m.n - after_ihdr;
    ok = (fclose(f) == 0) && ok;
    free(m.d);
    return ok ? 0 : -1;
}

static int sheet_open_page(sheet *sh)
{
    const char *ext = sh->fmt == FMT_PDF ? "pdf" : sh->fmt == FMT_PNG ? "png" : "svg";
    if (sh->fmt == FMT_PDF && sh->s) { cairo_show_page(sh->cr); sh->page++; return 0; }   /* one PDF, many pages */
    snprintf(sh->path, sizeof sh->path, "%s/%s%s%.0d.%s", sh->dir, sh->stem, sh->fmt == FMT_PDF ? "" : "-", sh->fmt == FMT_PDF ? 0 : sh->page + 1, ext);
    if (sh->fmt == FMT_PDF) {
        snprintf(sh->path, sizeof sh->path, "%s/%s.pdf", sh->dir, sh->stem);
        vt_temp_name(sh->path, sh->tmp, sizeof sh->tmp);
        sh->s = cairo_pdf_surface_create(sh->tmp, sh->w_mm * MM, sh->h_mm * MM);
    } else if (sh->fmt == FMT_SVG) {
        snprintf(sh->path, sizeof sh->path, "%s/%s-%d.svg", sh->dir, sh->stem, sh->page + 1);
        vt_temp_name(sh->path, sh->tmp, sizeof sh->tmp);
        sh->s = cairo_svg_surface_create(sh->tmp, sh->w_mm * MM, sh->h_mm * MM);
        cairo_svg_surface_restrict_to_version(sh->s, CAIRO_SVG_VERSION_1_1);
    } else {
        snprintf(sh->path, sizeof sh->path, "%s/%s-%d.png", sh->dir, sh->stem, sh->page + 1);
        vt_temp_name(sh->path, sh->tmp, sizeof sh->tmp);
        sh->s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)lround(sh->w_mm / 25.4 * sh->dpi), (int)lround(sh->h_mm / 25.4 * sh->dpi));
    }
    if (cairo_surface_status(sh->s) != CAIRO_STATUS_SUCCESS) return -1;
    sh->cr = cairo_create(sh->s);
    if (sh->fmt == FMT_PNG) cairo_scale(sh->cr, sh->dpi / 72.0, sh->dpi / 72.0);
    /* From here on, user units are millimetres. */
    cairo_scale(sh->cr, MM, MM);
    cairo_set_source_rgb(sh->cr, 1, 1, 1);
    cairo_paint(sh->cr);
    cairo_set_antialias(sh->cr, CAIRO_ANTIALIAS_NONE);   /* crisp cell edges */
    sh->page++;
    return 0;
}

static int sheet_close_page(sheet *sh, int last)
{
    int rc = 0;
    if (sh->fmt == FMT_PDF && !last) return 0;
    if (sh->fmt == FMT_PNG) rc = write_png_dpi(sh->s, sh->tmp, sh->dpi);
    cairo_destroy(sh->cr);
    cairo_surface_finish(sh->s);
    if (cairo_surface_status(sh->s) != CAIRO_STATUS_SUCCESS) rc = -1;
    cairo_surface_destroy(sh->s);
    sh->s = NULL;
    sh->cr = NULL;
    char err[512];
    if (rc == 0 && vt_commit_file(sh->tmp, sh->path, err, sizeof err) != VT_OK) { VT_ERROR("markers", "%s", err); rc = -1; }
    else if (rc != 0) vt_abandon_file(sh->tmp);
    if (rc == 0) printf(_("wrote %s\n"), sh->path);
    return rc;
}

/* A marker's cells as filled rectangles: exact size at any resolution. */
static void draw_marker(cairo_t *cr, int dict, int id, int bits, double x, double y, double side)
{
    int cells = bits + 2;
    vt_image im = { 0 };
    vt_dictionary d;
    if (vt_dictionary_at(dict, &d) != VT_OK || vt_marker_image(&d, id, cells, &im) != VT_OK) return;
    double c = side / cells;
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int j = 0; j < cells; j++)
        for (int i = 0; i < cells; i++)
            if (vt_image_row(&im, j)[i] < 128) cairo_rectangle(cr, x + i * c, y + j * c, c, c);
    cairo_fill(cr);
    vt_image_free(&im);
}

static void cut_marks(cairo_t *cr, double x, double y, double w, double h)
{
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    cairo_set_line_width(cr, 0.2);
    const double L = 4, g = 1;   /* marks 4 mm long, 1 mm clear of the cut line */
    double xs[2] = { x, x + w }, ys[2] = { y, y + h };
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) {
            double sx = a ? 1 : -1, sy = b ? 1 : -1;
            cairo_move_to(cr, xs[a] + sx * g, ys[b]); cairo_line_to(cr, xs[a] + sx * (g + L), ys[b]);
            cairo_move_to(cr, xs[a], ys[b] + sy * g); cairo_line_to(cr, xs[a], ys[b] + sy * (g + L));
        }
    cairo_stroke(cr);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
}

/* t centred on cx with its baseline at y, through Pango (shaped, right-to-left where the text is,
 * fontconfig's fallback for every script), ellipsised at width mm; sizes in mm (the page's units). */
static void centred_text(cairo_t *cr, const char *t, double cx, double y, double width, double size_mm, int bold)
{
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string("DejaVu Sans,Noto Sans,Sans");
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(fd, size_mm * PANGO_SCALE);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(l, t, -1);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, cx - width / 2, y - (double)pango_layout_get_baseline(l) / PANGO_SCALE);
    pango_cairo_show_layout(cr, l);
    g_object_unref(l);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
}

#define MARGIN 10.0   /* mm: what most printers can reach */

/* sel: per product, 1 when its marker goes on the sheets (NULL: every product). */
static int catalog_sheets(const vt_catalog *cat, const unsigned char *sel, sheet *sh)
{
    vt_dictionary d;
    if (vt_dictionary_find(cat->dictionary, &d) != VT_OK) {
        VT_ERROR_FILE("markers", cat->path, "unknown marker dictionary '%s'", cat->dictionary);
        return 1;
    }
    double side = cat->length_mm, cell = side / (d.bits + 2);
    double quiet = fmax(cell * 1.5, 5.0), label = 12.0;
    double cw = side + 2 * quiet, chh = side + 2 * quiet + label;
    double uw = sh->w_mm - 2 * MARGIN, uh = sh->h_mm - 2 * MARGIN;
    int cols = (int)(uw / (cw + 2)), rows = (int)(uh / (chh + 2));
    if (cols < 1 || rows < 1) {
        VT_ERROR_FILE("markers", cat->path, "a %.0f mm marker with its quiet zone does not fit the page; use --page A3", side);
        return 1;
    }
    for (int i = 0, n = 0; i < cat->count; i++) {
        if (sel && !sel[i]) continue;
        int slot = n++ % (cols * rows);
        if (slot == 0) {
            if (n > 1 && sheet_close_page(sh, 0)) return 1;
            if (sheet_open_page(sh)) { VT_ERROR_FILE("markers", sh->path, "cannot be written"); return 1; }
        }
        double x = MARGIN + (slot % cols) * (cw + 2), y = MARGIN + (slot / cols) * (chh + 2);
        const vt_product *p = &cat->products[i];
        if (p->marker >= d.count) {
            VT_ERROR_FILE("markers", cat->path, "product %s: marker %d is not in %s (0-%d)", p->id, p->marker, d.name, d.count - 1);
            return 1;
        }
        draw_marker(sh->cr, d.cv_id, p->marker, d.bits, x + quiet, y + quiet, side);
        char line[160];
        centred_text(sh->cr, p->name, x + cw / 2, y + side + 2 * quiet + 3.5, cw - 2, 4.0, 1);
        snprintf(line, sizeof line, _("marker %d · %s · %g mm"), p->marker, d.name, side);
        centred_text(sh->cr, line, x + cw / 2, y + side + 2 * quiet + 8.5, cw - 2, 3.0, 0);
        cut_marks(sh->cr, x, y, cw, chh);
    }
    return sheet_close_page(sh, 1) ? 1 : 0;
}

static int board_sheet(const vt_board *b, const char *spec, sheet *sh)
{
    double sq = b->square_m * 1000;
    int nx = b->kind == VT_BOARD_CHESSBOARD ? b->cols + 1 : b->cols, ny = b->kind == VT_BOARD_CHESSBOARD ? b->rows + 1 : b->rows;
    double bw = nx * sq, bh = ny * sq, label = 8;
    /* Landscape when the board is wider than tall. */
    if ((bw > bh) != (sh->w_mm > sh->h_mm)) { double t = sh->w_mm; sh->w_mm = sh->h_mm; sh->h_mm = t; }
    if (bw > sh->w_mm - 2 * MARGIN || bh + label > sh->h_mm - 2 * MARGIN) {
        VT_ERROR("markers", "--board %s: %.0f x %.0f mm does not fit the page's %.0f x %.0f mm printable area; "
                            "use --page A3 or smaller squares", spec, bw, bh, sh->w_mm - 2 * MARGIN, sh->h_mm - 2 * MARGIN);
        return 1;
    }
    if (sheet_open_page(sh)) { VT_ERROR_FILE("markers", sh->path, "cannot be written"); return 1; }
    double x0 = (sh->w_mm - bw) / 2, y0 = (sh->h_mm - bh - label) / 2;
    cairo_t *cr = sh->cr;
    if (b->kind == VT_BOARD_CHESSBOARD) {
        cairo_set_source_rgb(cr, 0, 0, 0);
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++)
                if ((i + j) % 2 == 0) cairo_rectangle(cr, x0 + i * sq, y0 + j * sq, sq, sq);
        cairo_fill(cr);
    } else {
        /* OpenCV draws the ChArUco board; scaled to its exact size without smoothing. */
        int px = 200;
        vt_image im = { 0 };
        if (vt_board_image(b, nx * px, ny * px, &im) != VT_OK) { VT_ERROR("markers", "--board %s: cannot draw the board", spec); return 1; }
        cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, im.width, im.height);
        cairo_surface_flush(img);
        unsigned char *dst = cairo_image_surface_get_data(img);
        int st = cairo_image_surface_get_stride(img);
        for (int y = 0; y < im.height; y++)
            for (int x = 0; x < im.width; x++) {
                uint8_t g = vt_image_row(&im, y)[x];
                uint32_t v = 0xFF000000u | (uint32_t)g << 16 | (uint32_t)g << 8 | g;
                memcpy(dst + y * st + x * 4, &v, 4);
            }
        cairo_surface_mark_dirty(img);
        cairo_save(cr);
        cairo_translate(cr, x0, y0);
        cairo_scale(cr, bw / im.width, bh / im.height);
        cairo_set_source_surface(cr, img, 0, 0);
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
        cairo_paint(cr);
        cairo_restore(cr);
        cairo_surface_destroy(img);
        vt_image_free(&im);
    }
    char line[200];
    snprintf(line, sizeof line, _("Vitrine calibration board %s · squares %g mm · print at 100 %%"), spec, sq);
    centred_text(cr, line, sh->w_mm / 2, y0 + bh + 6, sh->w_mm - 2 * MARGIN, 3.2, 0);
    return sheet_close_page(sh, 1) ? 1 : 0;
}

/* --products ID,ID: which of cat's products go on the sheets into sel (calloc'd, the caller's);
 * -1 to go on, else 2 after naming the ids an unknown one may have meant. */
static int select_products(const vt_catalog *cat, const char *list, unsigned char **sel)
{
    *sel = calloc((size_t)(cat->count ? cat->count : 1), 1);
    if (!*sel) { VT_ERROR("markers", "out of memory"); return 1; }
    int any = 0;
    for (const char *s = list; *s;) {
        size_t n = strcspn(s, ",");
        char id[256];
        snprintf(id, sizeof id, "%.*s", (int)(n < sizeof id ? n : sizeof id - 1), s);
        s += n + (s[n] == ',');
        if (!id[0]) continue;
        int found = 0;
        for (int i = 0; i < cat->count; i++)
            if (cat->products[i].id && !strcmp(cat->products[i].id, id)) (*sel)[i] = 1, found = 1;
        if (found) { any = 1; continue; }
        char ids[512];
        if (vt_catalog_near_ids(cat, id, ids, sizeof ids))
            VT_ERROR("markers", "--products '%s': no product with that id in %s; did you mean %s?", id, cat->path, ids);
        else VT_ERROR("markers", "--products '%s': no product with that id in %s; its ids: %s", id, cat->path, ids);
        return 2;
    }
    if (!any) { VT_ERROR("markers", "--products '%s': expected product ids separated by commas", list); return 2; }
    return -1;
}

/* The catalog's sheets (--products: some of them): the exit status. */
static int markers_of_catalog(const char *path, const char *products, sheet *sh)
{
    char err[1024];
    vt_catalog *cat;
    if (vt_catalog_load(path, &cat, err, sizeof err) != VT_OK) { VT_ERROR("markers", "%s", err); return 2; }
    unsigned char *sel = NULL;
    int rc = products ? select_products(cat, products, &sel) : -1;
    sh->stem = "markers";
    if (rc < 0) rc = catalog_sheets(cat, sel, sh);
    free(sel);
    vt_catalog_destroy(cat);
    return rc;
}

int vt_cmd_markers(int argc, char **argv)
{
    static const struct option lo[] = {
        { "out", required_argument, 0, 'o' },  { "format", required_argument, 0, 'f' }, { "page", required_argument, 0, 'p' },
        { "dpi", required_argument, 0, 'd' },  { "board", required_argument, 0, 'b' },  { "help", no_argument, 0, 'h' },
        { "products", required_argument, 0, 'P' }, { 0, 0, 0, 0 },
    };
    sheet sh = { .fmt = FMT_PDF, .w_mm = 210, .h_mm = 297, .dpi = 300 };
    const char *spec = NULL, *products = NULL;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'o': sh.dir = optarg; break;
        case 'f':
            if (!strcasecmp(optarg, "pdf")) sh.fmt = FMT_PDF;
            else if (!strcasecmp(optarg, "png")) sh.fmt = FMT_PNG;
            else if (!strcasecmp(optarg, "svg")) sh.fmt = FMT_SVG;
            else { VT_ERROR("markers", "--format '%s': one of pdf, png, svg", optarg); return 2; }
            break;
        case 'p':
            if (!strcasecmp(optarg, "A4")) { sh.w_mm = 210; sh.h_mm = 297; }
            else if (!strcasecmp(optarg, "A3")) { sh.w_mm = 297; sh.h_mm = 420; }
            else if (!strcasecmp(optarg, "Letter")) { sh.w_mm = 215.9; sh.h_mm = 279.4; }
            else { VT_ERROR("markers", "--page '%s': one of A4, A3, Letter", optarg); return 2; }
            break;
        case 'd':
            if (vt_parse_int(optarg, 72, 2400, &sh.dpi)) { VT_ERROR("markers", "--dpi '%s': expected 72 to 2400", optarg); return 2; }
            break;
        case 'b': spec = optarg; break;
        case 'P': products = optarg; break;
        case 'h': fputs(_(k_help), stdout); return 0;
        default:
            VT_ERROR("markers", "unknown or incomplete option '%s' (try 'vitrine markers --help')", argv[optind - 1]);
            return 2;
        }
    }
    if (!sh.dir) { VT_ERROR("markers", "--out DIR is required"); return 2; }
    char dirbuf[1024];   /* --out without its trailing slashes */
    snprintf(dirbuf, sizeof dirbuf, "%s", sh.dir);
    for (size_t l = strlen(dirbuf); l > 1 && dirbuf[l - 1] == '/'; l--) dirbuf[l - 1] = 0;
    sh.dir = dirbuf;
    if (!spec && optind != argc - 1) { VT_ERROR("markers", "give one CATALOG, or --board SPEC"); return 2; }
    if (products && spec) { VT_ERROR("markers", "--products goes with a CATALOG, not --board"); return 2; }
    mkdir(sh.dir, 0755);
    if (!vt_is_dir(sh.dir)) { VT_ERROR_FILE("markers", sh.dir, "not a folder and cannot be created"); return 2; }
    char err[1024];
    if (spec) {
        vt_board b;
        if (vt_board_parse(spec, &b, err, sizeof err) != VT_OK) { VT_ERROR("markers", "%s", err); return 2; }
        sh.stem = b.kind == VT_BOARD_CHESSBOARD ? "chessboard" : "charuco";
        return board_sheet(&b, spec, &sh);
    }
    return markers_of_catalog(argv[optind], products, &sh);
}

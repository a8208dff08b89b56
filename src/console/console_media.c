/* console_media.c — what the display tells the console (its figures once a second, a frame when a
 * live viewer asked), GET /api/v1/status, and GET /api/v1/markers.pdf (the printable sheet for
 * chosen products, made by `vitrine markers` run as a child). The display's side never waits on a
 * browser: it copies under a lock that a console thread only holds for a copy. */
#include "console_media.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

vt_result console_media_open(vt_console *c, char *err, size_t errlen)
{
    console_media *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, _("console: out of memory"));
        return VT_ERR_NO_MEMORY;
    }
    pthread_mutex_init(&m->mu, NULL);
    pthread_mutex_init(&m->models_mu, NULL);
    pthread_mutex_init(&m->thumb_mu, NULL);
    m->cat_mtime_ns = -1;
    c->media = m;
    return VT_OK;
}

void console_media_close(vt_console *c)
{
    console_media *m = c ? c->media : NULL;
    if (!m) return;
    pthread_mutex_destroy(&m->mu);
    pthread_mutex_destroy(&m->models_mu);
    pthread_mutex_destroy(&m->thumb_mu);
    free(m->frame);
    free(m->scratch);
    free(m->jpeg);
    free(m);
    c->media = NULL;
}

static void copy_str(char *dst, size_t n, const char *src) { snprintf(dst, n, "%s", src ? src : ""); }

void vt_console_set_status(vt_console *c, const vt_console_status *s)
{
    if (!c || !c->media || !s) return;
    console_media *m = c->media;
    pthread_mutex_lock(&m->mu);
    m->have_status = 1;
    m->fps = s->fps;
    copy_str(m->camera, sizeof m->camera, s->camera);
    copy_str(m->source, sizeof m->source, s->source);
    copy_str(m->catalog_error, sizeof m->catalog_error, s->catalog_error);
    m->width = s->width;
    m->height = s->height;
    m->products_seen = s->products_seen;
    copy_str(m->capture, sizeof m->capture, s->capture);
    m->dropped = s->dropped;
    m->reconnects = s->reconnects;
    m->latency_ms = s->latency_ms;
    copy_str(m->net_kiosk, sizeof m->net_kiosk, s->net_kiosk);
    copy_str(m->net_store, sizeof m->net_store, s->net_store);
    copy_str(m->net_error, sizeof m->net_error, s->net_error);
    m->net_connected = s->net_connected;
    m->net_catalog_version = s->net_catalog_version;
    m->net_reconnects = s->net_reconnects;
    m->net_pending = s->net_pending;
    m->net_shipped = s->net_shipped;
    m->nstaff = s->staff && s->nstaff > 0 ? (s->nstaff < MEDIA_STAFF_MAX ? s->nstaff : MEDIA_STAFF_MAX) : 0;
    if (m->nstaff) memcpy(m->staff, s->staff, (size_t)m->nstaff * sizeof *m->staff);
    pthread_mutex_unlock(&m->mu);
}

int vt_console_wants_frame(vt_console *c)
{
    if (!c || !c->media || !c->d.display) return 0;
    uint64_t now = vt_now_ns(), asked = atomic_load(&c->media->live_asked_ns), offered = atomic_load(&c->media->offered_ns);
    return asked && now - asked < MEDIA_LIVE_ASK_NS && (!offered || now - offered >= MEDIA_LIVE_EVERY_NS);
}

/* frame scaled down by a whole factor f (a box of f x f pixels averaged) into dst, top row first. */
static void scale_into(const vt_image *frame, int f, unsigned char *dst, int w, int h)
{
    int bottom_up = frame->format == VT_PIX_RGBA8_GL;
    for (int y = 0; y < h; y++) {
        unsigned char *o = dst + (size_t)y * w * 4;
        for (int x = 0; x < w; x++, o += 4) {
            unsigned sum[4] = { 0, 0, 0, 0 };
            for (int dy = 0; dy < f; dy++) {
                int sy = y * f + dy;
                const uint8_t *row = vt_image_row(frame, bottom_up ? frame->height - 1 - sy : sy) + (size_t)x * f * 4;
                for (int dx = 0; dx < f; dx++)
                    for (int k = 0; k < 4; k++) sum[k] += row[dx * 4 + k];
            }
            for (int k = 0; k < 4; k++) o[k] = (unsigned char)(sum[k] / (unsigned)(f * f));
        }
    }
}

void vt_console_offer_frame(vt_console *c, const vt_image *frame)
{
    if (!c || !c->media || !frame || !frame->data) return;
    if (frame->format != VT_PIX_RGBA8 && frame->format != VT_PIX_RGBA8_GL) return;
    console_media *m = c->media;
    int f = (frame->width + MEDIA_LIVE_MAX_W - 1) / MEDIA_LIVE_MAX_W;
    if (f < 1) f = 1;
    int w = frame->width / f, h = frame->height / f;
    if (w < 1 || h < 1) return;
    size_t need = (size_t)w * h * 4;
    if (m->scap < need) {   /* the display thread's own buffer: scaled into without the lock */
        unsigned char *s = realloc(m->scratch, need);
        if (!s) return;
        m->scratch = s;
        m->scap = need;
    }
    scale_into(frame, f, m->scratch, w, h);
    pthread_mutex_lock(&m->mu);
    if (m->fcap < need) {
        unsigned char *nf = realloc(m->frame, need);
        if (nf) {
            m->frame = nf;
            m->fcap = need;
        }
    }
    if (m->fcap >= need) {
        memcpy(m->frame, m->scratch, need);
        m->fw = w;
        m->fh = h;
        m->fseq++;
    }
    pthread_mutex_unlock(&m->mu);
    atomic_store(&m->offered_ns, vt_now_ns());
}

/* The catalog on disk, checked again when its mtime changed: products, and the first error. */
static void check_catalog(vt_console *c, int *products, char *problem, size_t len)
{
    console_media *m = c->media;
    struct stat st;
    long long mt = stat(c->catalog, &st) == 0 ? (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec : -2;
    pthread_mutex_lock(&m->mu);
    int fresh = mt == m->cat_mtime_ns;
    pthread_mutex_unlock(&m->mu);
    if (!fresh) {
        vt_catalog_report rep = { 0 };
        vt_catalog *cat = NULL;
        vt_result r = vt_catalog_parse(c->catalog, &rep, 0, &cat);
        char first[1024] = "";
        for (int i = 0; r != VT_OK && i < rep.count; i++)
            if (rep.items[i].is_error) {
                vt_catalog_problem_format(c->catalog, &rep.items[i], first, sizeof first);
                break;
            }
        if (r != VT_OK && !first[0]) snprintf(first, sizeof first, "%.900s: %s", c->catalog, vt_result_str(r));
        pthread_mutex_lock(&m->mu);
        m->cat_mtime_ns = mt;
        m->cat_products = cat ? cat->count : 0;
        copy_str(m->cat_problem, sizeof m->cat_problem, first);
        pthread_mutex_unlock(&m->mu);
        vt_catalog_report_free(&rep);
        vt_catalog_destroy(cat);
    }
    pthread_mutex_lock(&m->mu);
    *products = m->cat_products;
    copy_str(problem, len, m->cat_problem);
    pthread_mutex_unlock(&m->mu);
}

static const char *level_name(vt_log_level l)
{
    return l == VT_LOG_ERROR ? "error" : l == VT_LOG_WARN ? "warning" : l == VT_LOG_NOTE ? "note" : "info";
}

static void add_warning(cJSON *arr, const char *level, const char *sub, const char *text, double age_s)
{
    cJSON *w = cJSON_CreateObject();
    cJSON_AddStringToObject(w, "level", level);
    cJSON_AddStringToObject(w, "subsystem", sub);
    cJSON_AddStringToObject(w, "text", text);
    cJSON_AddNumberToObject(w, "age_s", age_s < 0 ? 0 : (double)(long long)age_s);
    cJSON_AddItemToArray(arr, w);
}

/* "network": the display's place on the shop network, or null when it is not on one. */
static void status_network(const console_media *m, cJSON *j)
{
    if (!m->net_kiosk[0]) { cJSON_AddNullToObject(j, "network"); return; }
    cJSON *n = cJSON_AddObjectToObject(j, "network");
    cJSON_AddStringToObject(n, "kiosk", m->net_kiosk);
    cJSON_AddStringToObject(n, "store", m->net_store);
    cJSON_AddBoolToObject(n, "connected", m->net_connected != 0);
    cJSON_AddNumberToObject(n, "pending", (double)m->net_pending);
    cJSON_AddNumberToObject(n, "shipped", (double)m->net_shipped);
    cJSON_AddNumberToObject(n, "reconnects", m->net_reconnects);
    cJSON_AddNumberToObject(n, "catalog_version", m->net_catalog_version);
    cJSON_AddItemToObject(n, "error", m->net_error[0] ? cJSON_CreateString(m->net_error) : cJSON_CreateNull());
}

/* The display's part of the status (under the lock): figures and its staff messages. */
static void status_display(vt_console *c, cJSON *j, cJSON *warnings)
{
    console_media *m = c->media;
    uint64_t now = vt_now_ns();
    pthread_mutex_lock(&m->mu);
    int have = c->d.display && m->have_status;
    if (have) {
        cJSON_AddNumberToObject(j, "fps", (double)(long long)(m->fps * 10 + 0.5) / 10);
        cJSON_AddStringToObject(j, "camera", m->camera);
        cJSON_AddStringToObject(j, "source", m->source);
        cJSON *fr = cJSON_AddArrayToObject(j, "frame");
        cJSON_AddItemToArray(fr, cJSON_CreateNumber(m->width));
        cJSON_AddItemToArray(fr, cJSON_CreateNumber(m->height));
        cJSON_AddNumberToObject(j, "products_seen", m->products_seen);
        if (m->capture[0]) {   /* a live source's figures ("camera" stays the state, for older clients) */
            cJSON *cap = cJSON_AddObjectToObject(j, "capture");
            cJSON_AddStringToObject(cap, "description", m->capture);
            cJSON_AddNumberToObject(cap, "dropped", (double)m->dropped);
            cJSON_AddNumberToObject(cap, "reconnects", m->reconnects);
            cJSON_AddNumberToObject(cap, "latency_ms", (double)(long long)(m->latency_ms * 10 + 0.5) / 10);
        } else cJSON_AddNullToObject(j, "capture");
        status_network(m, j);
        if (m->catalog_error[0]) add_warning(warnings, "error", "catalog", m->catalog_error, 0);
        for (int i = 0; i < m->nstaff; i++)
            add_warning(warnings, level_name(m->staff[i].level), m->staff[i].subsystem, m->staff[i].text,
                        (double)(now - m->staff[i].t_ns) * 1e-9);
    }
    pthread_mutex_unlock(&m->mu);
    if (!have) {
        const char *keys[] = { "fps", "camera", "source", "frame", "products_seen", "capture", "network" };
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) cJSON_AddNullToObject(j, keys[i]);
    }
}

void console_api_status(vt_console *c, console_req *rq, console_resp *rs)
{
    (void)rq;
    cJSON *j = cJSON_CreateObject(), *warnings = cJSON_CreateArray();
    cJSON_AddBoolToObject(j, "display", c->d.display != 0);
    status_display(c, j, warnings);
    int number = 0, products = 0;
    char etag[128] = "", problem[1024];
    console_catalog_version(c, &number, etag, sizeof etag);
    check_catalog(c, &products, problem, sizeof problem);
    cJSON *cat = cJSON_AddObjectToObject(j, "catalog");
    cJSON_AddNumberToObject(cat, "version", number);
    cJSON_AddStringToObject(cat, "etag", etag);
    cJSON_AddNumberToObject(cat, "products", products);
    if (problem[0]) {
        cJSON_AddStringToObject(cat, "error", problem);
        char text[1200];
        snprintf(text, sizeof text, _("the catalog on disk does not validate: %s"), problem);
        add_warning(warnings, "error", "console", text, 0);
    } else cJSON_AddNullToObject(cat, "error");
    cJSON_AddNumberToObject(j, "uptime_s", (double)(long long)((vt_now_ns() - c->started_ns) / 1000000000ull));
    struct statvfs vfs;
    if (statvfs(c->catalog_dir, &vfs) == 0) cJSON_AddNumberToObject(j, "disk_free_bytes", (double)vfs.f_bavail * (double)vfs.f_frsize);
    else cJSON_AddNullToObject(j, "disk_free_bytes");
    cJSON_AddItemToObject(j, "warnings", warnings);
    console_resp_json(rs, 200, j);
}

/* ---- GET /api/v1/markers.pdf?products=a,b ---- */

/* Removes the sheet's temporary folder and what is in it (one level: markers writes no folders). */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        for (struct dirent *e; (e = readdir(d));) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char p[CONSOLE_PATH + 300];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

void console_api_markers(vt_console *c, console_req *rq, console_resp *rs)
{
    char products[4096] = "", dir[CONSOLE_PATH + 32], err[1024], pdf[CONSOLE_PATH + 64];
    int some = console_query(rq, "products", products, sizeof products) && products[0];
    for (const char *p = products; *p; p++)
        if ((unsigned char)*p < 0x20) {
            console_resp_error(rs, 400, _("products: a list of product ids separated by commas"));
            return;
        }
    snprintf(dir, sizeof dir, "%s/markers-XXXXXX", c->state_dir);
    if (!mkdtemp(dir)) {
        console_resp_error(rs, 503, _("cannot make a temporary folder in %s"), c->state_dir);
        return;
    }
    const char *with[] = { "markers", c->catalog, "--out", dir, "--format", "pdf", "--products", products, NULL };
    const char *all[] = { "markers", c->catalog, "--out", dir, "--format", "pdf", NULL };
    int r = console_run_self(c, some ? with : all, 60, err, sizeof err) == 0 ? 0 : -1;
    if (r != 0) {
        remove_dir(dir);
        /* an unknown id (markers exits 2 naming the near ones) is the client's; anything else ours */
        console_resp_error(rs, strstr(err, "--products") ? 404 : 422, "%s", err);
        return;
    }
    snprintf(pdf, sizeof pdf, "%s/markers.pdf", dir);
    char *data = NULL;
    size_t len = 0;
    if (vt_read_file(pdf, &data, &len, err, sizeof err) != VT_OK) {
        remove_dir(dir);
        console_resp_error(rs, 500, "%s", err);
        return;
    }
    remove_dir(dir);
    console_resp_bytes(rs, 200, "application/pdf", (unsigned char *)data, len);
    console_resp_header(rs, "Content-Disposition", "attachment; filename=\"markers.pdf\"");
}

/* console_models_list.c — GET /api/v1/models (the uploaded models and the catalog's, with the
 * products using each) and GET /api/v1/models/{name}/thumbnail (rendered by `vitrine view` in a
 * child: at upload, or for a catalog model on first request, cached by its path and mtime). A name
 * in a URL is only ever looked up — in the index, or among the catalog's models — never used as a
 * path. */
#include "console_media.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define THUMB_SIZE "320x240"
#define THUMB_TIMEOUT_S 60

cJSON *console_models_index(vt_console *c)
{
    char path[MEDIA_PATH], *text = NULL, err[256];
    snprintf(path, sizeof path, "%s/models.json", c->state_dir);
    cJSON *j = NULL;
    if (vt_read_file(path, &text, NULL, err, sizeof err) == VT_OK) j = cJSON_Parse(text);
    free(text);
    if (!cJSON_IsObject(j) || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "models"))) {
        cJSON_Delete(j);
        j = cJSON_CreateObject();
        cJSON_AddArrayToObject(j, "models");
    }
    return j;
}

/* A warning line of `vitrine view`'s stderr ("vitrine: view: warning: FILE: text") as its text. */
static void add_view_warning(const char *line, const char *model, cJSON *warn)
{
    if (strncmp(line, "vitrine: ", 9)) return;
    const char *s = strstr(line + 9, ": ");
    const char *tag = vt_tr("warning: ");
    if (!s || strncmp(s + 2, tag, strlen(tag))) return;
    s += 2 + strlen(tag);
    size_t ml = strlen(model);
    if (!strncmp(s, model, ml) && !strncmp(s + ml, ": ", 2)) s += ml + 2;
    cJSON_AddItemToArray(warn, cJSON_CreateString(s));
}

int console_model_thumbnail(vt_console *c, const char *model, const char *png, cJSON *warn, char *err, size_t errlen)
{
    char dir[MEDIA_PATH], tmp[MEDIA_PATH * 2], out[8192];
    snprintf(dir, sizeof dir, "%s/thumbnails", c->state_dir);
    mkdir(dir, 0700);
    static int counter;
    pthread_mutex_lock(&c->media->thumb_mu);   /* one render at a time: a burst of requests costs one core */
    snprintf(tmp, sizeof tmp, "%s/.tmp-%d-%d.png", dir, (int)getpid(), ++counter);
    const char *args[] = { "view", model, "--headless", "--thumbnail", "--out", tmp, "--size", THUMB_SIZE, NULL };
    int r = console_run_self_out(c, args, THUMB_TIMEOUT_S, out, sizeof out, err, errlen);
    if (r == 0 && rename(tmp, png) != 0) {
        snprintf(err, errlen, _("cannot store the thumbnail %s"), png);
        r = -1;
    }
    pthread_mutex_unlock(&c->media->thumb_mu);
    if (r != 0) unlink(tmp);
    for (char *line = out; warn && r == 0 && *line;) {
        char *end = line + strcspn(line, "\n");
        char keep = *end;
        *end = 0;
        add_view_warning(line, model, warn);
        if (!keep) break;
        line = end + 1;
    }
    return r == 0 ? 0 : -1;
}

/* 64-bit FNV-1a: a catalog model's name in URLs, from its path. */
static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static long long mtime_of(const char *path, long long *size)
{
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    if (size) *size = (long long)st.st_size;
    return (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

/* name is a generated upload name: 32 lower-case hex digits and .glb, .gltf or .obj. */
static int upload_name(const char *name)
{
    size_t n = strspn(name, "0123456789abcdef");
    return n == 32 && (!strcmp(name + n, ".glb") || !strcmp(name + n, ".gltf") || !strcmp(name + n, ".obj"));
}

/* The uploaded entry named name in list, or NULL. */
static cJSON *find_named(cJSON *list, const char *name)
{
    cJSON *e;
    cJSON_ArrayForEach(e, list) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "name");
        if (cJSON_IsString(n) && !strcmp(n->valuestring, name)) return e;
    }
    return NULL;
}

/* The entry for a catalog model at real (not an upload), made on first sight. */
static cJSON *catalog_entry(vt_console *c, cJSON *list, const char *real)
{
    char name[40];
    snprintf(name, sizeof name, "catalog-%016llx", (unsigned long long)fnv(real));
    cJSON *e = find_named(list, name);
    if (e) return e;
    e = cJSON_CreateObject();
    size_t dl = strlen(c->catalog_dir);
    int inside = !strncmp(real, c->catalog_dir, dl) && real[dl] == '/';
    const char *base = strrchr(real, '/');
    long long bytes = 0;
    mtime_of(real, &bytes);
    cJSON_AddStringToObject(e, "name", name);
    cJSON_AddStringToObject(e, "path", inside ? real + dl + 1 : real);
    cJSON_AddStringToObject(e, "original", base ? base + 1 : real);
    cJSON_AddNumberToObject(e, "bytes", (double)bytes);
    cJSON_AddNullToObject(e, "triangles");
    cJSON_AddNullToObject(e, "size_mm");
    cJSON_AddArrayToObject(e, "warnings");
    cJSON_AddStringToObject(e, "source", "catalog");
    cJSON_AddItemToArray(list, e);
    return e;
}

/* Every model: the uploads still on disk, then the catalog's; each with the products using it. */
static cJSON *model_list(vt_console *c)
{
    console_media *m = c->media;
    pthread_mutex_lock(&m->models_mu);
    cJSON *idx = console_models_index(c);
    pthread_mutex_unlock(&m->models_mu);
    cJSON *list = cJSON_CreateArray(), *e;
    char dir[MEDIA_PATH], path[MEDIA_PATH * 2], real[PATH_MAX];
    console_models_dir(c, dir, sizeof dir);
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(idx, "models")) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "name");
        if (!cJSON_IsString(n) || !upload_name(n->valuestring)) continue;   /* a hand-edited index names no other file */
        snprintf(path, sizeof path, "%s/%s", dir, n->valuestring);
        if (access(path, F_OK) != 0) continue;   /* removed by hand */
        cJSON *copy = cJSON_Duplicate(e, 1);
        cJSON_AddStringToObject(copy, "source", "upload");
        cJSON_AddArrayToObject(copy, "products");
        cJSON_AddItemToArray(list, copy);
    }
    cJSON_Delete(idx);
    vt_catalog *cat = NULL;
    vt_catalog_report rep = { 0 };
    vt_catalog_parse(c->catalog, &rep, 1, &cat);   /* quiet: what it reports is the status page's */
    vt_catalog_report_free(&rep);
    for (int i = 0; cat && i < cat->count; i++) {
        const vt_product *p = &cat->products[i];
        if (!p->model_path || !realpath(p->model_path, real)) continue;
        size_t dl = strlen(dir);
        cJSON *owner = !strncmp(real, dir, dl) && real[dl] == '/' ? find_named(list, real + dl + 1) : NULL;
        if (!owner) owner = catalog_entry(c, list, real);
        cJSON *prods = cJSON_GetObjectItemCaseSensitive(owner, "products");
        if (!prods) prods = cJSON_AddArrayToObject(owner, "products");
        if (p->id) cJSON_AddItemToArray(prods, cJSON_CreateString(p->id));
    }
    vt_catalog_destroy(cat);
    cJSON_ArrayForEach(e, list) {   /* every entry has a string name: checked above, or made here */
        char url[128];
        snprintf(url, sizeof url, "/api/v1/models/%.80s/thumbnail", cJSON_GetObjectItemCaseSensitive(e, "name")->valuestring);
        cJSON_AddStringToObject(e, "thumbnail", url);
    }
    return list;
}

void console_api_models(vt_console *c, console_req *rq, console_resp *rs)
{
    (void)rq;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddItemToObject(j, "models", model_list(c));
    console_resp_json(rs, 200, j);
}

static int catalog_name(const char *name)
{
    return !strncmp(name, "catalog-", 8) && strspn(name + 8, "0123456789abcdef") == 16 && !name[24];
}

/* The model file and thumbnail path for a listed name: 0, or -1 when it is none of them. */
static int thumb_paths(vt_console *c, const char *name, char *model, char *png, size_t n)
{
    cJSON *list = model_list(c), *e = find_named(list, name);
    int r = -1;
    const cJSON *path = e ? cJSON_GetObjectItemCaseSensitive(e, "path") : NULL;
    if (cJSON_IsString(path) && path->valuestring[0]) {
        if (path->valuestring[0] == '/') snprintf(model, n, "%s", path->valuestring);
        else snprintf(model, n, "%s/%s", c->catalog_dir, path->valuestring);
        if (upload_name(name)) snprintf(png, n, "%s/thumbnails/%.32s.png", c->state_dir, name);
        else snprintf(png, n, "%s/thumbnails/%s-%llx.png", c->state_dir, name, (unsigned long long)mtime_of(model, NULL));
        r = 0;
    }
    cJSON_Delete(list);
    return r;
}

void console_api_model_thumb(vt_console *c, console_req *rq, console_resp *rs)
{
    const char *name = rq->param ? rq->param : "";
    char model[MEDIA_PATH * 2], png[MEDIA_PATH * 2], err[1024];
    if ((!upload_name(name) && !catalog_name(name)) || thumb_paths(c, name, model, png, sizeof model)) {
        console_resp_error(rs, 404, _("no model named %.100s: see GET /api/v1/models"), name);
        return;
    }
    if (access(png, R_OK) != 0 && console_model_thumbnail(c, model, png, NULL, err, sizeof err)) {
        console_resp_error(rs, 422, _("no thumbnail: %s"), err);
        return;
    }
    char *data = NULL;
    size_t len = 0;
    if (vt_read_file(png, &data, &len, err, sizeof err) != VT_OK) {
        console_resp_error(rs, 500, "%s", err);
        return;
    }
    console_resp_bytes(rs, 200, "image/png", (unsigned char *)data, len);
}

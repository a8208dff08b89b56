/* console_models.c — POST /api/v1/models?name=Chair.glb: a model uploaded as the raw body.
 *
 * Everything in it is untrusted. Its type is decided by its content (a GLB's magic, a glTF's JSON
 * with "asset" and only embedded buffers and images, an OBJ's v and f lines), never by the
 * client's name; it is stored under a generated name in <catalog dir>/console-models/, moved
 * there from the upload's temporary file; it is loaded as `vitrine validate` and `view` load it,
 * in a child process under limits, and rejected with the reason when it fails; its thumbnail is
 * rendered by `vitrine view` in another child. The client's name is only kept, cleaned and cut,
 * as "original" in the index (state_dir/models.json, written atomically). */
#include "console_media.h"

#include "assets/vt_assets.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* = APP_MAX_TRIANGLES (src/app/app_checks.h, which the console may not include): past it the
 * display shows the product's placeholder, and `vitrine validate` calls it an error. */
#define MODEL_MAX_TRIANGLES 250000
#define ORIGINAL_MAX 120   /* bytes of the client's name kept */
#define SNIFF_BYTES 65536

/* ---- the type, by content ---- */

/* What the first bytes look like when they are no model, for the message. */
static const char *looks_like(const unsigned char *b, size_t n)
{
    if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8)) return _("a PNG image");
    if (n >= 3 && !memcmp(b, "\xff\xd8\xff", 3)) return _("a JPEG image");
    if (n >= 4 && !memcmp(b, "PK\x03\x04", 4)) return _("a ZIP archive");
    if (n >= 4 && !memcmp(b, "%PDF", 4)) return _("a PDF document");
    if (n >= 4 && !memcmp(b, "glTF", 4)) return _("a glTF binary of another version");
    return _("unknown content");
}

/* A glTF (JSON): an object with "asset", whose buffers and images are all embedded (data: URIs),
 * since only one file is uploaded. 0, or the status with why. */
static int check_gltf_json(const char *path, char *why, size_t len)
{
    char *text = NULL, err[512];
    size_t n = 0;
    if (vt_read_file(path, &text, &n, err, sizeof err) != VT_OK) {
        snprintf(why, len, "%s", err);
        return 500;
    }
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(text, n, &end, 0);
    int status = 0;
    if (!j) {
        snprintf(why, len, _("JSON that does not parse (at byte %ld): not a glTF model"), end ? (long)(end - text) : 0L);
        status = 415;
    } else if (!cJSON_IsObject(j) || !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, "asset"))) {
        snprintf(why, len, _("JSON without an \"asset\" object: not a glTF model"));
        status = 415;
    }
    static const char *const lists[2] = { "buffers", "images" };
    for (int k = 0; !status && k < 2; k++) {
        const cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, lists[k])) {
            const cJSON *uri = cJSON_GetObjectItemCaseSensitive(it, "uri");
            if (!uri || (cJSON_IsString(uri) && !strncmp(uri->valuestring, "data:", 5))) continue;
            snprintf(why, len, _("%s refers to the file \"%.200s\": only one file is uploaded; export a .glb, or a .gltf "
                     "with its buffers and images embedded"), lists[k], cJSON_IsString(uri) ? uri->valuestring : "?");
            status = 422;
            break;
        }
    }
    cJSON_Delete(j);
    free(text);
    return status;
}

/* An OBJ: text (the caller saw no NUL in its start) with vertex and face lines. */
static int is_obj(FILE *f)
{
    char line[4096];
    int v = 0, face = 0;
    rewind(f);
    while (fgets(line, sizeof line, f) && !(v && face)) {
        const char *s = line + strspn(line, " \t");
        if (s[0] == 'v' && (s[1] == ' ' || s[1] == '\t')) v = 1;
        if (s[0] == 'f' && (s[1] == ' ' || s[1] == '\t')) face = 1;
    }
    return v && face;
}

/* The upload's type: ext ("glb", "gltf", "obj") and 0, or 415/422 with why. */
static int sniff(const char *path, const char **ext, char *why, size_t len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, len, _("the upload cannot be read: %s"), strerror(errno));
        return 500;
    }
    unsigned char b[SNIFF_BYTES];
    size_t n = fread(b, 1, sizeof b, f);
    int status = 415;
    if (n >= 12 && !memcmp(b, "glTF", 4) && b[4] == 2 && !b[5] && !b[6] && !b[7]) {
        *ext = "glb";
        status = 0;
    } else {
        size_t at = n >= 3 && !memcmp(b, "\xef\xbb\xbf", 3) ? 3 : 0;
        while (at < n && strchr(" \t\r\n", b[at])) at++;
        if (at < n && b[at] == '{') {
            *ext = "gltf";
            status = check_gltf_json(path, why, len);
        } else if (!memchr(b, 0, n) && is_obj(f)) {
            *ext = "obj";
            status = 0;
        }
    }
    if (status == 415 && !why[0])
        snprintf(why, len, _("not a glTF (.gltf, .glb) or OBJ model by its content (%s)"), looks_like(b, n));
    fclose(f);
    return status;
}

/* ---- names ---- */

/* The client's name as "original": its last path part, control characters and invalid UTF-8
 * left out, at most ORIGINAL_MAX bytes cut at a character; "model" when nothing is left. */
static void clean_name(const char *in, char *out, size_t n)
{
    const char *s = in;
    for (const char *p = in; *p; p++)
        if (*p == '/' || *p == '\\') s = p + 1;
    size_t o = 0, cap = n - 1 < ORIGINAL_MAX ? n - 1 : ORIGINAL_MAX;
    while (*s) {
        int k = vt_utf8_seq(s);
        if (k <= 0) { s++; continue; }
        if (k == 1 && ((unsigned char)*s < 0x20 || *s == 0x7f)) { s++; continue; }
        if (o + (size_t)k > cap) break;
        memcpy(out + o, s, (size_t)k);
        o += (size_t)k;
        s += k;
    }
    out[o] = 0;
    if (!o || !strcmp(out, ".") || !strcmp(out, "..")) snprintf(out, n, "model");
}

void console_models_dir(const vt_console *c, char *out, size_t len) { snprintf(out, len, "%s/console-models", c->catalog_dir); }

/* Moves the upload into place: a rename, or a copy when the state folder is on another disk. */
static int move_file(const char *from, const char *to, char *err, size_t errlen)
{
    if (rename(from, to) == 0) return 0;
    if (errno != EXDEV) {
        snprintf(err, errlen, _("cannot store the model: %s"), strerror(errno));
        return -1;
    }
    char *data = NULL;
    size_t n = 0;
    if (vt_read_file(from, &data, &n, err, errlen) != VT_OK) return -1;
    int fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644), ok = fd >= 0;
    ok = ok && write(fd, data, n) == (ssize_t)n && fsync(fd) == 0;
    if (fd >= 0) ok = close(fd) == 0 && ok;
    free(data);
    if (!ok) {
        unlink(to);
        snprintf(err, errlen, _("cannot store the model: %s"), strerror(errno));
        return -1;
    }
    unlink(from);
    return 0;
}

/* err with every mention of path replaced by the client's name (the generated path means nothing to them). */
static void rename_in(const char *err, const char *path, const char *name, char *out, size_t n)
{
    size_t o = 0, pl = strlen(path);
    for (const char *s = err; *s && o + 1 < n;) {
        if (pl && !strncmp(s, path, pl)) {
            o += (size_t)snprintf(out + o, n - o, "%s", name);
            if (o >= n) o = n - 1;
            s += pl;
        } else out[o++] = *s++;
    }
    out[o] = 0;
}

/* ---- the checks ---- */

typedef struct upload {
    char original[ORIGINAL_MAX + 1], name[64], staged[MEDIA_PATH * 2], final[MEDIA_PATH * 2], thumb[MEDIA_PATH];
    const char *ext;
    int triangles;
    double size_mm[3];
    cJSON *warnings;
} upload;

/* Loaded as validate and view load it, in a child under limits: 0, or 422 with why. */
static int check_model(upload *u, char *why, size_t len)
{
    vt_load_limits lim = vt_load_limits_defaults();
    lim.wall_s = 30;
    vt_model *m = NULL;
    char err[1024];
    if (vt_model_load_isolated(u->staged, &lim, &m, err, sizeof err) != VT_OK) {
        rename_in(err, u->staged, u->original, why, len);
        return 422;
    }
    u->triangles = vt_model_triangle_count(m);
    for (int k = 0; k < 3; k++) u->size_mm[k] = ((double)m->bounds_max[k] - m->bounds_min[k]) * 1000;
    vt_model_destroy(m);
    if (u->triangles > MODEL_MAX_TRIANGLES) {
        snprintf(why, len, _("%s: %d triangles, more than the display draws for one product (%d); simplify it, e.g. "
                 "gltfpack -si 0.1"), u->original, u->triangles, MODEL_MAX_TRIANGLES);
        return 422;
    }
    return 0;
}

/* The index's entry for u, as the API shows it. */
static cJSON *entry_of(const upload *u, long long bytes)
{
    cJSON *e = cJSON_CreateObject();
    char path[128], iso[32];
    snprintf(path, sizeof path, "console-models/%s", u->name);
    time_t now = time(NULL);
    struct tm tm;
    strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    cJSON_AddStringToObject(e, "name", u->name);
    cJSON_AddStringToObject(e, "path", path);
    cJSON_AddStringToObject(e, "original", u->original);
    cJSON_AddNumberToObject(e, "bytes", (double)bytes);
    cJSON_AddNumberToObject(e, "triangles", u->triangles);
    cJSON *s = cJSON_AddArrayToObject(e, "size_mm");
    for (int k = 0; k < 3; k++) cJSON_AddItemToArray(s, cJSON_CreateNumber((double)(long long)(u->size_mm[k] + 0.5)));
    cJSON_AddItemToObject(e, "warnings", cJSON_Duplicate(u->warnings, 1));
    cJSON_AddStringToObject(e, "uploaded", iso);
    return e;
}

/* Appends e (a copy) to the index, written atomically. */
static int index_add(vt_console *c, const cJSON *e, char *err, size_t errlen)
{
    console_media *m = c->media;
    pthread_mutex_lock(&m->models_mu);
    cJSON *idx = console_models_index(c);
    cJSON *list = cJSON_GetObjectItemCaseSensitive(idx, "models");
    int ok = list && cJSON_AddItemToArray(list, cJSON_Duplicate(e, 1));
    char *text = ok ? cJSON_Print(idx) : NULL, path[MEDIA_PATH];
    snprintf(path, sizeof path, "%s/models.json", c->state_dir);
    ok = text && vt_write_file_atomic(path, text, strlen(text), err, errlen) == VT_OK;
    if (!text) snprintf(err, errlen, _("out of memory"));
    pthread_mutex_unlock(&m->models_mu);
    free(text);
    cJSON_Delete(idx);
    return ok ? 0 : -1;
}

/* Stages the upload under its generated name, checks it, and puts it in place with its
 * thumbnail: 0, or the status with why (nothing left behind). */
static int store(vt_console *c, const console_req *rq, upload *u, char *why, size_t len)
{
    char dir[MEDIA_PATH], hex[33];
    unsigned char rnd[16];
    int status = sniff(rq->upload_path, &u->ext, why, len);
    if (status) return status;
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    snprintf(u->name, sizeof u->name, "%s.%s", hex, u->ext);
    console_models_dir(c, dir, sizeof dir);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(why, len, _("cannot make the folder %s: %s"), dir, strerror(errno));
        return 500;
    }
    /* A dot name while it is checked: no listing shows it, and the loader sees the right extension. */
    snprintf(u->staged, sizeof u->staged, "%s/.incoming-%s", dir, u->name);
    snprintf(u->final, sizeof u->final, "%s/%s", dir, u->name);
    if (move_file(rq->upload_path, u->staged, why, len)) return 500;
    status = check_model(u, why, len);
    if (!status && rename(u->staged, u->final) != 0) {
        snprintf(why, len, _("cannot store the model: %s"), strerror(errno));
        status = 500;
    }
    if (status) {
        unlink(u->staged);
        return status;
    }
    char terr[1024];
    snprintf(u->thumb, sizeof u->thumb, "%s/thumbnails/%s.png", c->state_dir, hex);
    if (console_model_thumbnail(c, u->final, u->thumb, u->warnings, terr, sizeof terr)) {
        char w[1200];
        snprintf(w, sizeof w, _("no thumbnail: %s"), terr);
        cJSON_AddItemToArray(u->warnings, cJSON_CreateString(w));
    }
    return 0;
}

void console_api_model_upload(vt_console *c, console_req *rq, console_resp *rs)
{
    if (!rq->upload_path || !rq->upload_len) {
        console_resp_error(rs, 400, _("send the model file (.glb, .gltf or .obj) as the request body"));
        return;
    }
    upload u = { .warnings = cJSON_CreateArray() };
    char given[1024] = "", why[1400] = "";
    console_query(rq, "name", given, sizeof given);
    clean_name(given, u.original, sizeof u.original);
    int status = u.warnings ? store(c, rq, &u, why, sizeof why) : 503;
    if (status) {
        console_resp_error(rs, status, "%s", why[0] ? why : _("out of memory"));
        cJSON_Delete(u.warnings);
        return;
    }
    cJSON *e = entry_of(&u, (long long)rq->upload_len);
    if (index_add(c, e, why, sizeof why)) {
        unlink(u.final);
        unlink(u.thumb);
        cJSON_Delete(e);
        cJSON_Delete(u.warnings);
        console_resp_error(rs, 500, "%s", why);
        return;
    }
    char url[128];
    snprintf(url, sizeof url, "/api/v1/models/%s/thumbnail", u.name);
    cJSON_AddStringToObject(e, "thumbnail", url);
    cJSON_AddArrayToObject(e, "products");
    VT_NOTE("console", "model %s uploaded as %s", u.original, u.final);
    cJSON_Delete(u.warnings);
    console_resp_json(rs, 201, e);
}

/* net_publish.c — a catalog and its models published as a store's next version.
 *
 * Every file the catalog's products name ("model", relative to the catalog's folder) and every
 * file those models read in turn (a glTF's buffers and images outside the file, an OBJ's .mtl and
 * its textures)
 * is stored once by its SHA-256 in vitrine.models; vitrine.catalog_models maps each relative
 * path of this version to its content. The catalog text is kept as written, its model paths
 * only rewritten when they were not already plain ("./mug.glb" becomes "mug.glb"), so a kiosk
 * that writes each file at its path beside catalog.json gets the catalog's own layout back. */
#include "catalog/vt_catalog.h"
#include "network_internal.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILES 4096
#define MAX_FILE_BYTES (256.0 * 1024 * 1024)   /* as assets' VT_MODEL_MAX_FILE_BYTES: what a kiosk would load */
#define PATH_LEN 1024
#define MAX_REL 512      /* the longest path a kiosk takes (net_catalog.c) */

typedef struct pub_file {
    char path[PATH_LEN];      /* relative to the catalog's folder, normalised */
    char sha[65];
} pub_file;

typedef struct pub {
    const char *catalog;      /* the file, for messages */
    char dir[PATH_LEN];       /* its folder, with a trailing '/' ("" for the current one) */
    pub_file *files;
    int n;
    char *text;               /* the catalog text to store */
} pub;

/* base (a folder inside the catalog's, "" or ending in '/') joined with rel and normalised: no
 * "." or empty parts, ".." taken against base. 0 when rel is absolute or climbs out. */
static int norm_join(const char *base, const char *rel, char *out, size_t len)
{
    char buf[2 * PATH_LEN], *parts[256];
    int n = 0;
    if (!rel[0] || rel[0] == '/' || strchr(rel, '\\') || strlen(base) + strlen(rel) + 1 >= sizeof buf) return 0;
    memcpy(buf, base, strlen(base));
    memcpy(buf + strlen(base), rel, strlen(rel) + 1);
    char *save = NULL;
    for (char *p = strtok_r(buf, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
        if (!strcmp(p, ".")) continue;
        if (!strcmp(p, "..")) {
            if (!n) return 0;
            n--;
            continue;
        }
        if (n == 256) return 0;
        parts[n++] = p;
    }
    if (!n) return 0;
    size_t at = 0;
    len = len > MAX_REL + 1 ? MAX_REL + 1 : len;
    for (int i = 0; i < n; i++) {
        int w = snprintf(out + at, len - at, "%s%s", i ? "/" : "", parts[i]);
        if (w < 0 || (size_t)w >= len - at) return 0;
        at += (size_t)w;
    }
    return 1;
}

/* Adds path (normalised) once; 0 when there are too many. */
static int add_file(pub *p, const char *path)
{
    for (int i = 0; i < p->n; i++)
        if (!strcmp(p->files[i].path, path)) return 1;
    if (p->n == MAX_FILES) return 0;
    snprintf(p->files[p->n++].path, PATH_LEN, "%s", path);
    return 1;
}

/* The folder part of a relative path, with its '/' ("" when none). */
static void dir_of(const char *path, char *out, size_t len)
{
    const char *s = strrchr(path, '/');
    snprintf(out, len, "%.*s", s ? (int)(s - path + 1) : 0, path);
}

/* A file a model reads (uri, relative to the model's folder), added; data: and other URLs are
 * inside the model or not ours. */
static vt_result add_companion(pub *p, const char *model, const char *uri, char *err, size_t errlen)
{
    if (!uri || !*uri || !strncmp(uri, "data:", 5) || strstr(uri, "://")) return VT_OK;
    char base[PATH_LEN], path[PATH_LEN];
    dir_of(model, base, sizeof base);
    if (!norm_join(base, uri, path, sizeof path)) {
        snprintf(err, errlen, _("%s: %s names \"%s\", outside the catalog's folder: it cannot be published"), p->catalog,
                 model, uri);
        return VT_ERR_ARG;
    }
    if (!add_file(p, path)) { snprintf(err, errlen, _("%s: more than %d files"), p->catalog, MAX_FILES); return VT_ERR_ARG; }
    return VT_OK;
}

static vt_result read_rel(const pub *p, const char *rel, char **data, size_t *n, char *err, size_t errlen)
{
    char full[2 * PATH_LEN], why[512];
    snprintf(full, sizeof full, "%s%s", p->dir, rel);
    int fd = -1;
    long long size = 0;
    vt_result r = vt_open_regular_fd(full, &fd, &size, why, sizeof why);
    if (r == VT_OK) close(fd);
    if (r == VT_OK && (double)size > MAX_FILE_BYTES) {
        snprintf(why, sizeof why, _("%lld bytes, over the limit of %.0f"), size, MAX_FILE_BYTES);
        r = VT_ERR_ARG;
    }
    if (r == VT_OK) r = vt_read_file(full, data, n, why, sizeof why);
    if (r != VT_OK) snprintf(err, errlen, _("%s: %s: %s"), p->catalog, full, why);
    return r;
}

/* A .gltf's buffers and images. */
/* A .glb's JSON chunk (its header: magic, version, length; then the chunk's length and type
 * "JSON"), into *text; NULL text (VT_OK) when the file has none. Only the chunk is read. */
static vt_result glb_json(const pub *p, const char *model, char **text, size_t *n, char *err, size_t errlen)
{
    char full[2 * PATH_LEN], why[512];
    unsigned char h[20];
    snprintf(full, sizeof full, "%s%s", p->dir, model);
    *text = NULL;
    FILE *f = vt_open_regular(full, why, sizeof why);
    if (!f) { snprintf(err, errlen, "%s: %s: %s", p->catalog, full, why); return VT_ERR_IO; }
    size_t len = 0;
    if (fread(h, 1, sizeof h, f) == sizeof h && !memcmp(h, "glTF", 4) && !memcmp(h + 16, "JSON", 4))
        len = (size_t)h[12] | (size_t)h[13] << 8 | (size_t)h[14] << 16 | (size_t)h[15] << 24;
    if (len && len <= VT_CATALOG_MAX_BYTES && (*text = malloc(len)) && fread(*text, 1, len, f) != len) {
        free(*text);
        *text = NULL;
    }
    *n = *text ? len : 0;
    fclose(f);
    return VT_OK;
}

static vt_result gltf_companions(pub *p, const char *model, int binary, char *err, size_t errlen)
{
    char *text = NULL;
    size_t n = 0;
    vt_result r = binary ? glb_json(p, model, &text, &n, err, errlen) : read_rel(p, model, &text, &n, err, errlen);
    if (r != VT_OK || !text) return r;   /* a .glb without a JSON chunk: the model's check says so */
    cJSON *g = cJSON_ParseWithLength(text, n);
    free(text);
    if (!g) { snprintf(err, errlen, _("%s: %s is not valid JSON"), p->catalog, model); return VT_ERR_FORMAT; }
    static const char *const arrays[2] = { "buffers", "images" };
    for (int a = 0; a < 2 && r == VT_OK; a++) {
        const cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(g, arrays[a]))
            if (r == VT_OK) r = add_companion(p, model, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "uri")), err, errlen);
    }
    cJSON_Delete(g);
    return r;
}

/* In an OBJ: "mtllib a.mtl b.mtl"; in an .mtl: map_Kd and the other maps, the file last on the
 * line (after any options). Names with spaces are not followed. */
static vt_result text_companions(pub *p, const char *file, int is_obj, char *err, size_t errlen)
{
    char *text = NULL;
    size_t n = 0;
    vt_result r = read_rel(p, file, &text, &n, err, errlen);
    char *save = NULL;
    for (char *line = r == VT_OK ? strtok_r(text, "\r\n", &save) : NULL; line && r == VT_OK; line = strtok_r(NULL, "\r\n", &save)) {
        line += strspn(line, " \t");
        char *s2 = NULL, *key = strtok_r(line, " \t", &s2), *tok, *last = NULL;
        if (!key) continue;
        int lib = is_obj && !strcmp(key, "mtllib");
        int map = !is_obj && (!strncmp(key, "map_", 4) || !strcmp(key, "bump") || !strcmp(key, "disp") ||
                              !strcmp(key, "decal") || !strcmp(key, "refl") || !strcmp(key, "norm"));
        if (!lib && !map) continue;
        while ((tok = strtok_r(NULL, " \t", &s2))) {
            if (lib) {
                r = add_companion(p, file, tok, err, errlen);
                if (r != VT_OK) break;
            }
            last = tok;
        }
        if (map && last) r = add_companion(p, file, last, err, errlen);
    }
    free(text);
    return r;
}

/* The files each model reads, followed from the model files already listed (and, for an
 * OBJ, from the .mtl files it adds). */
static vt_result follow_models(pub *p, char *err, size_t errlen)
{
    vt_result r = VT_OK;
    for (int i = 0; i < p->n && r == VT_OK; i++) {
        const char *ext = vt_file_ext(p->files[i].path);
        if (!strcmp(ext, "gltf") || !strcmp(ext, "glb")) r = gltf_companions(p, p->files[i].path, ext[2] == 'b', err, errlen);
        else if (!strcmp(ext, "obj")) r = text_companions(p, p->files[i].path, 1, err, errlen);
        else if (!strcmp(ext, "mtl")) r = text_companions(p, p->files[i].path, 0, err, errlen);
    }
    return r;
}

/* Every product's "model": listed, refused when absolute or climbing out, rewritten when not
 * plain. *changed: some path was rewritten. */
static vt_result collect_models(pub *p, cJSON *root, int *changed, char *err, size_t errlen)
{
    const cJSON *prods = cJSON_GetObjectItemCaseSensitive(root, "products"), *it;
    int i = -1;
    cJSON_ArrayForEach(it, prods) {
        i++;
        cJSON *m = cJSON_GetObjectItemCaseSensitive(it, "model");
        const char *rel = cJSON_GetStringValue(m);
        if (!rel) continue;
        char path[PATH_LEN];
        if (strstr(rel, "..") && (!strcmp(rel, "..") || strstr(rel, "../") || strstr(rel, "/.."))) path[0] = 0;
        else if (!norm_join("", rel, path, sizeof path)) path[0] = 0;
        if (!path[0]) {
            snprintf(err, errlen, _("%s: products[%d].model \"%s\": a published model must be a path inside the catalog's "
                     "folder (no leading / and no ..)"), p->catalog, i, rel);
            return VT_ERR_ARG;
        }
        if (strcmp(path, rel)) {
            cJSON_SetValuestring(m, path);
            *changed = 1;
        }
        if (!add_file(p, path)) { snprintf(err, errlen, _("%s: more than %d files"), p->catalog, MAX_FILES); return VT_ERR_ARG; }
    }
    return VT_OK;
}

/* Reads and parses the catalog, lists its files and their companions. */
static vt_result pub_prepare(pub *p, char *err, size_t errlen)
{
    char *text = NULL, why[512];
    size_t n = 0;
    if (vt_read_file(p->catalog, &text, &n, why, sizeof why) != VT_OK) {
        snprintf(err, errlen, "%s: %s", p->catalog, why);
        return VT_ERR_IO;
    }
    if (n > VT_CATALOG_MAX_BYTES) {
        free(text);
        snprintf(err, errlen, _("%s: %zu bytes, over the catalog limit"), p->catalog, n);
        return VT_ERR_ARG;
    }
    cJSON *root = cJSON_ParseWithLength(text, n);
    if (!root || !cJSON_IsObject(root)) {
        snprintf(err, errlen, _("%s: not a valid catalog (JSON); `vitrine validate %s` says where"), p->catalog, p->catalog);
        cJSON_Delete(root);
        free(text);
        return VT_ERR_FORMAT;
    }
    dir_of(p->catalog, p->dir, sizeof p->dir);
    int changed = 0;
    vt_result r = collect_models(p, root, &changed, err, errlen);
    if (r == VT_OK) r = follow_models(p, err, errlen);
    if (r == VT_OK && changed) {
        free(text);
        text = cJSON_Print(root);
        if (!text) r = VT_ERR_NO_MEMORY;
    }
    cJSON_Delete(root);
    if (r == VT_OK) p->text = text;
    else free(text);
    return r;
}

static vt_result exec_params(PGconn *c, const char *sql, int n, const char *const *v, const int *lens, const int *fmts,
                             PGresult **out, char *err, size_t errlen)
{
    PGresult *r = PQexecParams(c, sql, n, NULL, v, lens, fmts, 0);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        net_query_error(c, r, err, errlen);
        PQclear(r);
        return VT_ERR_IO;
    }
    if (out) *out = r;
    else PQclear(r);
    return VT_OK;
}

/* One file: hashed, and sent unless the server already has that content. */
static vt_result upload_file(PGconn *c, const pub *p, pub_file *f, char *err, size_t errlen)
{
    char *data = NULL;
    size_t n = 0;
    vt_result r = read_rel(p, f->path, &data, &n, err, errlen);
    if (r != VT_OK) return r;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)data, n);
    sodium_bin2hex(f->sha, sizeof f->sha, h, sizeof h);
    char size[32];
    snprintf(size, sizeof size, "%zu", n);
    const char *v[3] = { f->sha, size, data };
    const int lens[3] = { 0, 0, (int)n }, fmts[3] = { 0, 0, 1 };
    PGresult *have = NULL;
    r = exec_params(c, "SELECT 1 FROM vitrine.models WHERE sha256 = $1", 1, v, NULL, NULL, &have, err, errlen);
    if (r == VT_OK && PQntuples(have) == 0)
        r = exec_params(c, "INSERT INTO vitrine.models (sha256, size, data) VALUES ($1, $2::bigint, $3) ON CONFLICT DO NOTHING",
                        3, v, lens, fmts, NULL, err, errlen);
    PQclear(have);
    free(data);
    return r;
}

/* The store's next version number. Two publications of one store queue on a lock of the
 * transaction named after the store (a console role may not lock the store's row FOR UPDATE: it
 * has no UPDATE right there); the primary key (store, version) would refuse a second anyway. */
static vt_result next_version(PGconn *c, const char *store, int *version, char *err, size_t errlen)
{
    const char *v[1] = { store };
    PGresult *r = NULL;
    vt_result res = exec_params(c, "INSERT INTO vitrine.stores (name) VALUES ($1) ON CONFLICT DO NOTHING", 1, v, NULL, NULL,
                                NULL, err, errlen);
    if (res == VT_OK)
        res = exec_params(c, "SELECT pg_advisory_xact_lock(hashtext('vitrine.publish:' || $1))", 1, v, NULL, NULL, NULL, err,
                          errlen);
    if (res == VT_OK)
        res = exec_params(c, "SELECT coalesce(max(version), 0) + 1 FROM vitrine.catalog_versions WHERE store = $1", 1, v,
                          NULL, NULL, &r, err, errlen);
    if (res == VT_OK) *version = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return res;
}

static vt_result publish_tx(PGconn *c, pub *p, const char *store, const char *by, const char *summary, int *version,
                            char *err, size_t errlen)
{
    char ver[16];
    if (net_exec(c, "BEGIN", err, errlen) != VT_OK) return VT_ERR_IO;
    vt_result r = next_version(c, store, version, err, errlen);
    for (int i = 0; i < p->n && r == VT_OK; i++) r = upload_file(c, p, &p->files[i], err, errlen);
    snprintf(ver, sizeof ver, "%d", *version);
    const char *vc[5] = { store, ver, by, summary, p->text };
    if (r == VT_OK)
        r = exec_params(c, "INSERT INTO vitrine.catalog_versions (store, version, published_by, summary, catalog)"
                           " VALUES ($1, $2::int, $3, $4, $5)", 5, vc, NULL, NULL, NULL, err, errlen);
    for (int i = 0; i < p->n && r == VT_OK; i++) {
        const char *vm[4] = { store, ver, p->files[i].path, p->files[i].sha };
        r = exec_params(c, "INSERT INTO vitrine.catalog_models (store, version, path, sha256) VALUES ($1, $2::int, $3, $4)", 4,
                        vm, NULL, NULL, NULL, err, errlen);
    }
    /* Sent by the server at COMMIT, never for a publication rolled back. */
    const char *vn[2] = { VT_NETWORK_CHANNEL, store };
    if (r == VT_OK) r = exec_params(c, "SELECT pg_notify($1, $2)", 2, vn, NULL, NULL, NULL, err, errlen);
    if (r == VT_OK) r = net_exec(c, "COMMIT", err, errlen);
    if (r != VT_OK) PQclear(PQexec(c, "ROLLBACK"));
    return r;
}

/* 1 when the database has no vitrine schema yet (the usual reason for a first publication to fail). */
static int no_schema(PGconn *c)
{
    PGresult *r = PQexec(c, "SELECT to_regclass('vitrine.catalog_versions') IS NULL");
    int none = PQresultStatus(r) == PGRES_TUPLES_OK && PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    return none;
}

vt_result vt_network_publish(const char *url, const char *store, const char *catalog, const char *by, const char *summary,
                             int *version, char *err, size_t errlen)
{
    int v = 0;
    if (!net_name_ok(store)) {
        snprintf(err, errlen, _("store name '%s': expected 1-48 of A-Z a-z 0-9 _ . -"), store ? store : "");
        return VT_ERR_ARG;
    }
    if (!catalog || !*catalog) { snprintf(err, errlen, "%s", _("no catalog file given")); return VT_ERR_ARG; }
    if (sodium_init() < 0) { snprintf(err, errlen, "%s", _("libsodium cannot start")); return VT_ERR_INTERNAL; }
    pub p = { .catalog = catalog };
    p.files = calloc(MAX_FILES, sizeof *p.files);
    if (!p.files) return VT_ERR_NO_MEMORY;
    vt_result r = pub_prepare(&p, err, errlen);
    PGconn *c = r == VT_OK ? net_connect(url, "vitrine-publish", 10, 0, err, errlen) : NULL;
    if (r == VT_OK && !c) r = VT_ERR_IO;
    if (c) {
        char why[768];
        r = publish_tx(c, &p, store, by, summary, &v, why, sizeof why);
        if (r != VT_OK && no_schema(c))
            snprintf(why, sizeof why, "%s", _("the database has no vitrine schema: run `vitrine network init --db URL` first"));
        if (r != VT_OK && strncmp(why, catalog, strlen(catalog)))
            snprintf(err, errlen, _("cannot publish %s for store '%s', nothing was published: %s"), catalog, store, why);
        else if (r != VT_OK) snprintf(err, errlen, "%s", why);
        PQfinish(c);
    }
    if (version) *version = r == VT_OK ? v : 0;
    free(p.text);
    free(p.files);
    return r;
}

/* console_versions.c — every catalog the console saved or found on disk, kept as
 * state_dir/versions/NNNNNN.json, with versions/index.json (written atomically) saying when each
 * was saved and what changed; and the API that lists, shows and restores them. */
#include "console_products.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void version_path(const vt_console *c, int n, char *out, size_t len)
{
    snprintf(out, len, "%s/versions/%06d.json", c->state_dir, n);
}

static void index_path(const vt_console *c, char *out, size_t len) { snprintf(out, len, "%s/versions/index.json", c->state_dir); }

static int add_entry(struct console_products *p, const cp_version *v)
{
    if (p->nv == p->cap) {
        int nc = p->cap ? p->cap * 2 : 64;
        cp_version *nv = realloc(p->v, (size_t)nc * sizeof *nv);
        if (!nv) return -1;
        p->v = nv;
        p->cap = nc;
    }
    p->v[p->nv++] = *v;
    return 0;
}

static void copy_str(char *dst, size_t n, const cJSON *s) { snprintf(dst, n, "%s", cJSON_IsString(s) ? s->valuestring : ""); }

/* Version files past the index's last (an index lost or older than its files): listed again, so
 * that no saved catalog is overwritten. */
static void found_files(vt_console *c)
{
    struct console_products *p = c->prod;
    char dir[CONSOLE_PATH + 16];
    snprintf(dir, sizeof dir, "%s/versions", c->state_dir);
    DIR *d = opendir(dir);
    int last = p->nv ? p->v[p->nv - 1].n : 0, added = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        int n = 0, used = 0;
        if (sscanf(e->d_name, "%6d.json%n", &n, &used) != 1 || used != 11 || e->d_name[used] || n <= last) continue;
        size_t len;
        char *text = NULL, err[256], path[CONSOLE_PATH + 32];
        version_path(c, n, path, sizeof path);
        if (vt_read_file(path, &text, &len, err, sizeof err) != VT_OK) continue;
        cp_version v = { .n = n };
        cp_etag('c', text, len, v.etag, sizeof v.etag);
        free(text);
        snprintf(v.summary, sizeof v.summary, "%s", _("(found in the versions folder, not in its index)"));
        if (add_entry(p, &v) == 0) added++;
    }
    if (d) closedir(d);
    if (!added) return;
    /* readdir's order is the file system's: oldest first again */
    for (int a = 1; a < p->nv; a++)
        for (int b = a; b > 0 && p->v[b].n < p->v[b - 1].n; b--) {
            cp_version t = p->v[b]; p->v[b] = p->v[b - 1]; p->v[b - 1] = t;
        }
    VT_WARN("console", "%s: %d saved catalog versions were not in the index; listed again", dir, added);
}

/* The index as saved; missing or unreadable: the version files found, without their summaries. */
static void load_index(vt_console *c)
{
    struct console_products *p = c->prod;
    char path[CONSOLE_PATH + 32], err[256];
    index_path(c, path, sizeof path);
    char *text = NULL;
    cJSON *root = vt_read_file(path, &text, NULL, err, sizeof err) == VT_OK ? cJSON_Parse(text) : NULL;
    free(text);
    const cJSON *e, *list = cJSON_GetObjectItemCaseSensitive(root, "versions");
    cJSON_ArrayForEach(e, list) {
        cp_version v = { 0 };
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "n");
        if (!cJSON_IsNumber(n) || n->valueint <= 0) continue;
        v.n = n->valueint;
        copy_str(v.etag, sizeof v.etag, cJSON_GetObjectItemCaseSensitive(e, "etag"));
        copy_str(v.saved, sizeof v.saved, cJSON_GetObjectItemCaseSensitive(e, "saved"));
        copy_str(v.summary, sizeof v.summary, cJSON_GetObjectItemCaseSensitive(e, "summary"));
        if (p->nv && v.n <= p->v[p->nv - 1].n) continue;   /* oldest first, each once */
        add_entry(p, &v);
    }
    cJSON_Delete(root);
    found_files(c);
}

/* A version as the index file and GET /api/v1/versions write it. */
static cJSON *version_json(const cp_version *v)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "n", v->n);
    cJSON_AddStringToObject(e, "etag", v->etag);
    cJSON_AddStringToObject(e, "saved", v->saved);
    cJSON_AddStringToObject(e, "summary", v->summary);
    return e;
}

static vt_result write_index(vt_console *c, char *err, size_t errlen)
{
    struct console_products *p = c->prod;
    cJSON *root = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(root, "versions");
    for (int i = 0; list && i < p->nv; i++) {
        cJSON_AddItemToArray(list, version_json(&p->v[i]));
    }
    char *text = list ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (!text) {
        snprintf(err, errlen, _("console: out of memory writing the versions' index"));
        return VT_ERR_NO_MEMORY;
    }
    char path[CONSOLE_PATH + 32];
    index_path(c, path, sizeof path);
    vt_result r = vt_write_file_atomic(path, text, strlen(text), err, errlen);
    free(text);
    return r;
}

vt_result cp_versions_open(vt_console *c, char *err, size_t errlen)
{
    char dir[CONSOLE_PATH + 16];
    snprintf(dir, sizeof dir, "%s/versions", c->state_dir);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, _("console: cannot make the folder %s: %s"), dir, strerror(errno));
        return VT_ERR_IO;
    }
    load_index(c);
    return VT_OK;
}

void cp_versions_close(vt_console *c)
{
    free(c->prod->v);
    c->prod->v = NULL;
    c->prod->nv = c->prod->cap = 0;
}

/* The oldest versions past the cap, removed (said in the log: they are gone for good). */
static void prune(vt_console *c)
{
    struct console_products *p = c->prod;
    int drop = p->nv - CP_MAX_VERSIONS;
    if (drop <= 0) return;
    char path[CONSOLE_PATH + 32];
    for (int i = 0; i < drop; i++) {
        version_path(c, p->v[i].n, path, sizeof path);
        unlink(path);
    }
    VT_NOTE("console", "catalog versions: kept the latest %d; removed version %d%s%d", CP_MAX_VERSIONS, p->v[0].n,
            drop > 1 ? " to " : "", drop > 1 ? p->v[drop - 1].n : 0);
    memmove(p->v, p->v + drop, (size_t)(p->nv - drop) * sizeof *p->v);
    p->nv -= drop;
}

int cp_version_save(vt_console *c, const char *text, size_t len, const char *etag, const char *summary, char *err,
                    size_t errlen)
{
    struct console_products *p = c->prod;
    cp_version v = { .n = p->nv ? p->v[p->nv - 1].n + 1 : 1 };
    snprintf(v.etag, sizeof v.etag, "%s", etag);
    snprintf(v.summary, sizeof v.summary, "%s", summary);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(v.saved, sizeof v.saved, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char path[CONSOLE_PATH + 32];
    version_path(c, v.n, path, sizeof path);
    if (vt_write_file_atomic(path, text, len, err, errlen) != VT_OK) return -1;
    if (add_entry(p, &v) != 0) {
        snprintf(err, errlen, _("console: out of memory saving a version"));
        return -1;
    }
    prune(c);
    if (write_index(c, err, errlen) != VT_OK) return -1;
    p->current = v.n;
    snprintf(p->etag, sizeof p->etag, "%s", etag);
    return v.n;
}

static const cp_version *find_version(const vt_console *c, int n)
{
    for (int i = c->prod->nv - 1; i >= 0; i--)
        if (c->prod->v[i].n == n) return &c->prod->v[i];
    return NULL;
}

char *cp_version_text(vt_console *c, int n, size_t *len)
{
    if (!find_version(c, n)) return NULL;
    char path[CONSOLE_PATH + 32], err[256], *text = NULL;
    version_path(c, n, path, sizeof path);
    struct stat st;
    if (stat(path, &st) != 0 || st.st_size > VT_CATALOG_MAX_BYTES) return NULL;
    if (vt_read_file(path, &text, len, err, sizeof err) != VT_OK) return NULL;
    return text;
}

/* {n} of the path: a whole number, else 0. */
static int param_number(const console_req *rq)
{
    char *end = NULL;
    long n = rq->param ? strtol(rq->param, &end, 10) : 0;
    return end && !*end && n > 0 && n < 1000000000 ? (int)n : 0;
}

void console_api_versions(vt_console *c, console_req *rq, console_resp *rs)
{
    (void)rq;
    pthread_mutex_lock(&c->edit_lock);
    size_t len;
    free(cp_read_catalog(c, &len, NULL));   /* a hand edit becomes a version first */
    struct console_products *p = c->prod;
    cJSON *root = cJSON_CreateObject(), *list = NULL;
    cJSON_AddNumberToObject(root, "current", p->current);
    list = cJSON_AddArrayToObject(root, "versions");
    for (int i = p->nv - 1; list && i >= 0; i--) {
        cJSON_AddItemToArray(list, version_json(&p->v[i]));
    }
    pthread_mutex_unlock(&c->edit_lock);
    console_resp_json(rs, 200, root);
}

void console_api_version_get(vt_console *c, console_req *rq, console_resp *rs)
{
    int n = param_number(rq);
    pthread_mutex_lock(&c->edit_lock);
    size_t len = 0;
    char *text = n ? cp_version_text(c, n, &len) : NULL;
    pthread_mutex_unlock(&c->edit_lock);
    if (!text) {
        console_resp_error(rs, 404, _("no saved catalog version %s"), rq->param ? rq->param : "");
        return;
    }
    console_resp_bytes(rs, 200, "application/json; charset=utf-8", (unsigned char *)text, len);
}

void console_api_version_restore(vt_console *c, console_req *rq, console_resp *rs)
{
    int n = param_number(rq);
    pthread_mutex_lock(&c->edit_lock);
    size_t len = 0;
    char *text = n ? cp_version_text(c, n, &len) : NULL;
    cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
    int found = text != NULL;
    free(text);
    if (!found) console_resp_error(rs, 404, _("no saved catalog version %s"), rq->param ? rq->param : "");
    else if (!root) console_resp_error(rs, 422, _("saved version %d is not valid JSON"), n);
    else {
        char summary[CP_SUMMARY];
        snprintf(summary, sizeof summary, _("restored version %d"), n);
        if (cp_commit(c, root, summary, NULL, rs)) {
            cJSON *j = cJSON_CreateObject();
            cJSON_AddNumberToObject(j, "version", c->prod->current);
            cJSON_AddStringToObject(j, "etag", c->prod->etag);
            console_resp_json(rs, 200, j);
            VT_NOTE("console", "%s: restored version %d as version %d", c->catalog, n, c->prod->current);
        }
    }
    cJSON_Delete(root);
    pthread_mutex_unlock(&c->edit_lock);
}

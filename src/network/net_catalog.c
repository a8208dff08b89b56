/* net_catalog.c — the store's publications followed, downloaded, checked and kept.
 *
 * On disk (state_dir/STORE): NNNNNN/ holds a version's catalog.json and its files at the paths
 * the catalog names; NNNNNN/BAD says why it was refused (never offered again); current names the
 * last version the display showed, which a run without the server starts on. Files come from
 * blobs/SHA256 (one copy per content, hard-linked into each version), so a new price does not
 * download the models again. A version is written into NNNNNN.part and renamed when whole. */
#include "network_internal.h"

#include "catalog/vt_catalog.h"

#include <dirent.h>
#include <sodium.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEEP_VERSIONS 3   /* current and the newest ones beside it; older ones are removed */

void net_store_dir(const vt_network *n, char *out, size_t len) { snprintf(out, len, "%s/%s", n->state_dir, n->store); }

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* A path a publication may name: relative, no "..", no empty or hidden-parent parts. */
static int safe_rel(const char *p)
{
    if (!p || !*p || p[0] == '/' || strlen(p) > 512 || strchr(p, '\\')) return 0;
    for (const char *s = p; *s;) {
        const char *e = strchr(s, '/');
        size_t k = e ? (size_t)(e - s) : strlen(s);
        if (k == 0 || (k == 2 && !strncmp(s, "..", 2)) || (k == 1 && s[0] == '.')) return 0;
        s += k + (e ? 1 : 0);
    }
    return 1;
}

static vt_result write_all(const char *path, const char *data, size_t len, char *err, size_t errlen)
{
    return vt_write_file_atomic(path, data, len, err, errlen);
}

/* The blob for sha, downloaded when missing; VT_OK with its path. */
static vt_result fetch_blob(vt_network *n, const char *sha, char *path, size_t len, char *err, size_t errlen)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/blobs", n->state_dir);
    snprintf(path, len, "%s/blobs/%.64s", n->state_dir, sha);
    if (exists(path)) return VT_OK;
    vt_result r = vt_make_dirs(dir, 1, err, errlen);
    if (r) return r;
    const char *v[] = { sha };
    PGresult *q = net_query(n, "SELECT data, size FROM vitrine.models WHERE sha256 = $1", 1, v, 1);
    if (!net_ok(q) || PQntuples(q) != 1) {
        snprintf(err, errlen, _("model %s: %s"), sha, q && net_ok(q) ? _("not on the server") : n->stats.last_error);
        PQclear(q);
        return VT_ERR_IO;
    }
    /* The content is its name: a copy that does not hash to it (damaged on the server or on the
     * way) is never kept, or every later version naming it would trust it. */
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    if (sodium_init() < 0) { PQclear(q); snprintf(err, errlen, "%s", _("libsodium cannot start")); return VT_ERR_INTERNAL; }
    crypto_hash_sha256(h, (const unsigned char *)PQgetvalue(q, 0, 0), (unsigned long long)PQgetlength(q, 0, 0));
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    if (strcmp(hex, sha) != 0) {
        snprintf(err, errlen, _("model %s: the server's copy has the SHA-256 %s"), sha, hex);
        r = VT_ERR_FORMAT;
    } else {
        r = write_all(path, PQgetvalue(q, 0, 0), (size_t)PQgetlength(q, 0, 0), err, errlen);
    }
    PQclear(q);
    return r;
}

/* Links (or copies) the blob to dst, making dst's folders. */
static vt_result place(const char *blob, const char *dst, char *err, size_t errlen)
{
    char dir[2048];
    snprintf(dir, sizeof dir, "%s", dst);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    vt_result r = vt_make_dirs(dir, 1, err, errlen);
    if (r) return r;
    if (link(blob, dst) == 0) return VT_OK;
    char *data = NULL;
    size_t len = 0;
    if ((r = vt_read_file(blob, &data, &len, err, errlen))) return r;
    r = write_all(dst, data, len, err, errlen);
    free(data);
    return r;
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d) { unlink(path); return; }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char sub[2048];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        remove_tree(sub);
    }
    closedir(d);
    rmdir(path);
}

/* Version v's catalog and files into dir (a .part folder). */
static vt_result download(vt_network *n, int v, const char *dir, char *err, size_t errlen)
{
    char vs[16], path[2048], blob[1024];
    snprintf(vs, sizeof vs, "%d", v);
    const char *p[] = { n->store, vs };
    PGresult *q = net_query(n, "SELECT catalog FROM vitrine.catalog_versions WHERE store = $1 AND version = $2::int", 2, p, 0);
    vt_result r = net_ok(q) && PQntuples(q) == 1 ? vt_make_dirs(dir, 1, err, errlen) : VT_ERR_IO;
    if (r == VT_OK) {
        snprintf(path, sizeof path, "%s/catalog.json", dir);
        r = write_all(path, PQgetvalue(q, 0, 0), (size_t)PQgetlength(q, 0, 0), err, errlen);
    } else if (!*err) {
        snprintf(err, errlen, "%s", n->stats.last_error);
    }
    PQclear(q);
    if (r) return r;
    q = net_query(n, "SELECT path, sha256 FROM vitrine.catalog_models WHERE store = $1 AND version = $2::int ORDER BY path", 2, p, 0);
    if (!net_ok(q)) { snprintf(err, errlen, "%s", n->stats.last_error); PQclear(q); return VT_ERR_IO; }
    for (int i = 0; i < PQntuples(q) && r == VT_OK; i++) {
        const char *rel = PQgetvalue(q, i, 0), *sha = PQgetvalue(q, i, 1);
        if (!safe_rel(rel) || !strcmp(rel, "catalog.json")) {
            snprintf(err, errlen, _("a file named '%s', outside the version's folder"), rel);
            r = VT_ERR_FORMAT;
            break;
        }
        snprintf(path, sizeof path, "%s/%s", dir, rel);
        if ((r = fetch_blob(n, sha, blob, sizeof blob, err, errlen)) == VT_OK) r = place(blob, path, err, errlen);
    }
    PQclear(q);
    return r;
}

/* Marks version v's folder refused (why) and says so to staff. */
static void refuse(vt_network *n, int v, const char *dir, const char *why)
{
    char bad[1100];
    snprintf(bad, sizeof bad, "%s/BAD", dir);
    char e[256];
    vt_write_file_atomic(bad, why, strlen(why), e, sizeof e);
    VT_WARN("network", _("catalog version %d of store %s refused, the last good one stays on screen: %s"), v, n->store, why);
    pthread_mutex_lock(&n->mu);
    snprintf(n->refused, sizeof n->refused, _("catalog version %d refused: %s"), v, why);
    pthread_mutex_unlock(&n->mu);
}

/* Version v downloaded (unless already here), parsed with the catalog's own checks, offered. */
static int take_version(vt_network *n, int v)
{
    char sdir[1024], dir[1100], part[1200], bad[1200], cat[1200], err[1024] = "";
    net_store_dir(n, sdir, sizeof sdir);
    snprintf(dir, sizeof dir, "%s/%06d", sdir, v);
    snprintf(bad, sizeof bad, "%s/BAD", dir);
    snprintf(cat, sizeof cat, "%s/catalog.json", dir);
    if (exists(bad)) { n->known_version = v; return 0; }
    if (!exists(cat)) {
        snprintf(part, sizeof part, "%s.part", dir);
        remove_tree(part);
        if (download(n, v, part, err, sizeof err) != VT_OK) {
            remove_tree(part);
            if (!n->c) return -1;   /* the connection went: try again when it is back */
            char e2[256];
            vt_make_dirs(dir, 1, e2, sizeof e2);
            refuse(n, v, dir, err);
            n->known_version = v;
            return 0;
        }
        remove_tree(dir);   /* a folder left half-made by an older run */
        if (rename(part, dir) != 0) { VT_WARN_FILE("network", dir, "%s", strerror(errno)); return 0; }
    }
    vt_catalog *c = NULL;
    if (vt_catalog_load(cat, &c, err, sizeof err) != VT_OK) {
        refuse(n, v, dir, err);
        n->known_version = v;
        return 0;
    }
    vt_catalog_destroy(c);
    n->known_version = v;
    pthread_mutex_lock(&n->mu);
    snprintf(n->ready_path, sizeof n->ready_path, "%s", cat);
    n->ready_version = v;
    n->stats.catalog_version = v;
    pthread_mutex_unlock(&n->mu);
    VT_INFO("network", "catalog version %d of store %s downloaded and checked", v, n->store);
    return 0;
}

int net_catalog_check(vt_network *n)
{
    const char *p[] = { n->store };
    PGresult *q = net_query(n, "SELECT max(version) FROM vitrine.catalog_versions WHERE store = $1", 1, p, 0);
    if (!net_ok(q)) { PQclear(q); return -1; }
    int v = PQgetisnull(q, 0, 0) ? 0 : atoi(PQgetvalue(q, 0, 0));
    PQclear(q);
    return v > n->known_version ? take_version(n, v) : 0;
}

int vt_network_take_catalog(vt_network *n, char *path, size_t len, int *version)
{
    if (!n) return 0;
    pthread_mutex_lock(&n->mu);
    int fresh = n->ready_version > n->taken_version;
    if (fresh) {
        snprintf(path, len, "%s", n->ready_path);
        *version = n->taken_version = n->ready_version;
    }
    pthread_mutex_unlock(&n->mu);
    return fresh;
}

/* Version folders other than current and the newest KEEP_VERSIONS are removed, then blobs that
 * no kept version links to (their link count back to 1). */
static void prune(const char *sdir, const char *blobs, int current)
{
    DIR *d = opendir(sdir);
    if (!d) return;
    int vs[256], nv = 0;
    struct dirent *e;
    while ((e = readdir(d)) && nv < 256)
        if (strlen(e->d_name) == 6 && strspn(e->d_name, "0123456789") == 6) vs[nv++] = atoi(e->d_name);
    closedir(d);
    for (int i = 0; i < nv; i++) {
        int newer = 0;
        for (int j = 0; j < nv; j++) newer += vs[j] > vs[i];
        if (vs[i] == current || newer < KEEP_VERSIONS) continue;
        char dir[1100];
        snprintf(dir, sizeof dir, "%s/%06d", sdir, vs[i]);
        remove_tree(dir);
    }
    if (!(d = opendir(blobs))) return;
    while ((e = readdir(d))) {
        char path[1400];
        struct stat st;
        snprintf(path, sizeof path, "%s/%.255s", blobs, e->d_name);
        if (e->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1) unlink(path);
    }
    closedir(d);
}

void vt_network_catalog_result(vt_network *n, int version, int ok, const char *err)
{
    if (!n || version <= 0) return;
    char sdir[1024], dir[1100], file[1200], blobs[1100], e[256];
    net_store_dir(n, sdir, sizeof sdir);
    snprintf(dir, sizeof dir, "%s/%06d", sdir, version);
    if (!ok) {
        refuse(n, version, dir, err && *err ? err : _("the display could not show it"));
        return;
    }
    char v[16];
    int k = snprintf(v, sizeof v, "%d\n", version);
    snprintf(file, sizeof file, "%s/current", sdir);
    if (vt_write_file_atomic(file, v, (size_t)k, e, sizeof e) != VT_OK) VT_WARN("network", "%s", e);
    pthread_mutex_lock(&n->mu);
    n->refused[0] = 0;
    pthread_mutex_unlock(&n->mu);
    snprintf(blobs, sizeof blobs, "%s/blobs", n->state_dir);
    prune(sdir, blobs, version);
}

int vt_network_last_good(const char *state_dir, const char *store, char *path, size_t len, int *version)
{
    char dir[1024], file[1100], *text = NULL, e[256];
    size_t n = 0;
    if (!state_dir) {
        snprintf(dir, sizeof dir, "%s/network", vt_state_dir());
        state_dir = dir;
    }
    snprintf(file, sizeof file, "%s/%s/current", state_dir, store);
    *version = 0;
    if (vt_read_file(file, &text, &n, e, sizeof e) != VT_OK) return 0;
    int v = atoi(text);
    free(text);
    char bad[1200];
    snprintf(path, len, "%s/%s/%06d/catalog.json", state_dir, store, v);
    snprintf(bad, sizeof bad, "%s/%s/%06d/BAD", state_dir, store, v);
    if (v <= 0 || !exists(path) || exists(bad)) return 0;
    *version = v;
    return 1;
}

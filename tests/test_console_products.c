/* test_console_products.c — the console's catalog editing (issue 19) on a temporary copy of
 * models/basic-shelf.json: list, read, edit (the file on disk replaced atomically and still valid),
 * refusals (422 with the catalog's problems and nothing written, 400 for unknown fields and wrong
 * types, 409 for a stale If-Match with what changed), add, delete, the saved versions, a restore,
 * a hand edit on disk noticed as a version, and the versions kept across a restart.
 *
 * The login is another part's (and a stub for now), so the handlers are called directly with the
 * request the route would hand them. */
#include "console.h"
#include "catalog/vt_catalog.h"
#include "test_util.h"

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char g_dir[256], g_catalog[512];

typedef void (*handler)(vt_console *c, console_req *rq, console_resp *rs);

typedef struct reply { int status; cJSON *json; char *headers; char *body; } reply;

static reply call(vt_console *c, handler fn, const char *method, const char *param, const char *body, const char *if_match)
{
    const char *headers[] = { if_match ? "If-Match" : NULL, if_match, NULL };
    console_req rq = { .method = method, .path = "/api/v1/products", .query = "", .headers = headers,
                       .body = body ? body : "", .body_len = body ? strlen(body) : 0, .client = "127.0.0.1",
                       .param = param };
    console_resp rs;
    console_resp_init(&rs);
    fn(c, &rq, &rs);
    reply r = { .status = rs.status };
    r.body = malloc(rs.len + 1);
    if (rs.len) memcpy(r.body, rs.body, rs.len);
    r.body[rs.len] = 0;
    r.json = cJSON_Parse(r.body);
    r.headers = strdup(rs.headers ? rs.headers : "");
    console_resp_free(&rs);
    return r;
}

static void reply_free(reply *r)
{
    cJSON_Delete(r->json);
    free(r->headers);
    free(r->body);
}

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static double num(const cJSON *o, const char *k) { const cJSON *v = get(o, k); return cJSON_IsNumber(v) ? v->valuedouble : -1e99; }
static const char *str(const cJSON *o, const char *k) { const cJSON *v = get(o, k); return cJSON_IsString(v) ? v->valuestring : ""; }

/* The product id in the catalog file on disk, which must load (NULL if absent). */
static cJSON *disk_product(const char *id, cJSON **root)
{
    char *text = t_read_file(g_catalog);
    vt_catalog_report rep = { 0 };
    vt_catalog *cat = NULL;
    CHECKF(text && vt_catalog_parse_text(text, strlen(text), g_catalog, &rep, 0, &cat) == VT_OK, "the file on disk does not load");
    vt_catalog_destroy(cat);
    vt_catalog_report_free(&rep);
    *root = text ? cJSON_Parse(text) : NULL;
    free(text);
    const cJSON *p;
    cJSON_ArrayForEach(p, get(*root, "products"))
        if (!strcmp(str(p, "id"), id)) return (cJSON *)p;
    return NULL;
}

static ino_t inode(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* No temporary file left beside the catalog. */
static int leftovers(void)
{
    DIR *d = opendir(g_dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) n += e->d_name[0] != '.' && strcmp(e->d_name, "catalog.json");
    if (d) closedir(d);
    return n;
}

static vt_console *open_console(void)
{
    vt_console *c = NULL;
    char err[512] = "";
    vt_console_desc d = { .catalog = g_catalog, .no_listen = 1 };
    CHECKF(vt_console_create(&d, &c, err, sizeof err) == VT_OK, "%s", err);
    return c;
}

static void test_list_and_get(vt_console *c, char *etag_seen, size_t len)
{
    reply r = call(c, console_api_products, "GET", NULL, NULL, NULL);
    CHECKF(r.status == 200, "%d %s", r.status, r.body);
    CHECK(num(r.json, "version") == 1);
    CHECK(!strncmp(str(r.json, "etag"), "\"c-", 3));
    CHECK(!strcmp(str(get(r.json, "store"), "currency"), "EUR"));
    CHECK(!strcmp(str(get(r.json, "store"), "timezone"), "Europe/Paris"));
    CHECK(cJSON_GetArraySize(get(r.json, "products")) >= 5);
    const cJSON *p = cJSON_GetArrayItem(get(r.json, "products"), 0);
    CHECK(!strcmp(str(p, "id"), "runner-x"));
    CHECK(!strncmp(str(p, "etag"), "\"p-", 3));
    CHECKF(!strcmp(str(p, "price_text"), "89,99\u00a0€"), "%s", str(p, "price_text"));
    CHECK(num(p, "price_now") == 89.99);
    CHECK(cJSON_IsFalse(get(p, "promotion_now")));
    reply_free(&r);

    r = call(c, console_api_product_get, "GET", "runner-x", NULL, NULL);
    CHECK(r.status == 200 && !strcmp(str(r.json, "name"), "Runner X"));
    CHECK(strstr(r.headers, "ETag: \"p-") != NULL);
    snprintf(etag_seen, len, "%s", str(r.json, "etag"));
    reply_free(&r);
    r = call(c, console_api_product_get, "GET", "runer-x", NULL, NULL);
    CHECKF(r.status == 404 && strstr(str(r.json, "error"), "runner-x"), "%d %s", r.status, r.body);
    reply_free(&r);
    r = call(c, console_api_store, "GET", NULL, NULL, NULL);
    CHECK(r.status == 200 && !strcmp(str(r.json, "language"), "fr") && cJSON_GetArraySize(get(r.json, "languages")) >= 2);
    reply_free(&r);
}

static void test_patch(vt_console *c)
{
    ino_t before = inode(g_catalog);
    reply r = call(c, console_api_product_patch, "PATCH", "runner-x", "{\"price\": 79.99}", NULL);
    CHECKF(r.status == 200, "%d %s", r.status, r.body);
    CHECK(num(r.json, "price") == 79.99 && num(r.json, "price_now") == 79.99);
    CHECK(strstr(r.headers, "ETag: \"p-") != NULL);
    reply_free(&r);
    cJSON *root;
    const cJSON *p = disk_product("runner-x", &root);
    CHECK(p && num(p, "price") == 79.99);
    cJSON_Delete(root);
    CHECK(inode(g_catalog) != before);   /* replaced by a rename, not rewritten in place */
    CHECK(leftovers() == 0);

    /* invalid: 422 with the catalog's problems at their place, the file untouched */
    char *was = t_read_file(g_catalog);
    r = call(c, console_api_product_patch, "PATCH", "runner-x", "{\"price\": -5}", NULL);
    CHECKF(r.status == 422, "%d %s", r.status, r.body);
    const cJSON *problems = get(r.json, "problems");
    CHECK(cJSON_GetArraySize(problems) >= 1);
    const char *first = cJSON_IsString(cJSON_GetArrayItem(problems, 0)) ? cJSON_GetArrayItem(problems, 0)->valuestring : "";
    CHECKF(!strncmp(first, "catalog.json:", 13) && strstr(first, "price") && strstr(first, "error"), "%s", first);
    reply_free(&r);
    r = call(c, console_api_product_patch, "PATCH", "runner-x", "{\"promotion\": {\"price\": 100}}", NULL);
    CHECKF(r.status == 422 && strstr(r.body, "must be below the price"), "%d %s", r.status, r.body);
    reply_free(&r);
    char *now = t_read_file(g_catalog);
    CHECK(was && now && !strcmp(was, now));
    free(was);
    free(now);

    /* unknown fields and wrong types: 400, said plainly */
    r = call(c, console_api_product_patch, "PATCH", "runner-x", "{\"prise\": 1}", NULL);
    CHECKF(r.status == 400 && strstr(str(r.json, "error"), "\"price\""), "%d %s", r.status, r.body);
    reply_free(&r);
    r = call(c, console_api_product_patch, "PATCH", "runner-x", "{\"price\": \"cheap\"}", NULL);
    CHECKF(r.status == 400 && strstr(str(r.json, "error"), "price must be a number"), "%d %s", r.status, r.body);
    reply_free(&r);
    r = call(c, console_api_product_patch, "PATCH", "runner-x", "{\"marker\": null}", NULL);
    CHECK(r.status == 400);
    reply_free(&r);
    r = call(c, console_api_product_patch, "PATCH", "runner-x", "{\"id\": \"other\"}", NULL);
    CHECK(r.status == 400);
    reply_free(&r);
    r = call(c, console_api_product_patch, "PATCH", "runner-x", "[1]", NULL);
    CHECK(r.status == 400);
    reply_free(&r);
}

static void test_fields(vt_console *c)
{
    /* null removes; translations merged per language, a language set to null removed */
    reply r = call(c, console_api_product_patch, "PATCH", "runner-x",
                   "{\"brand\": null, \"translations\": {\"en\": {\"name\": \"Runner X (EN)\"}, \"de\": null}}", NULL);
    CHECKF(r.status == 200, "%d %s", r.status, r.body);
    reply_free(&r);
    cJSON *root;
    const cJSON *p = disk_product("runner-x", &root);
    const cJSON *tr = get(p, "translations");
    CHECK(p && !get(p, "brand"));
    CHECK(!strcmp(str(get(tr, "en"), "name"), "Runner X (EN)") && strstr(str(get(tr, "en"), "description"), "running"));
    CHECK(!get(tr, "de") && get(tr, "ja"));
    cJSON_Delete(root);
    /* a promotion on now: the price shown is its price */
    r = call(c, console_api_product_patch, "PATCH", "mug-bleu",
             "{\"promotion\": {\"price\": 9.5, \"start\": \"2000-01-01T00:00\", \"end\": \"2099-01-01T00:00\"}}", NULL);
    CHECKF(r.status == 200 && num(r.json, "price_now") == 9.5 && cJSON_IsTrue(get(r.json, "promotion_now")), "%d %s", r.status, r.body);
    CHECKF(!strcmp(str(r.json, "price_text"), "9,50\u00a0€"), "%s", str(r.json, "price_text"));
    reply_free(&r);
    r = call(c, console_api_product_patch, "PATCH", "mug-bleu", "{\"promotion\": {\"price\": 9.5, \"start\": \"2098-01-01T00:00\"}}", NULL);
    CHECK(r.status == 200 && num(r.json, "price_now") == 14.5 && cJSON_IsFalse(get(r.json, "promotion_now")));
    reply_free(&r);
    r = call(c, console_api_product_patch, "PATCH", "mug-bleu", "{\"active\": false}", NULL);
    CHECK(r.status == 200 && cJSON_IsFalse(get(r.json, "active")));
    reply_free(&r);
}

static void test_stale(vt_console *c, const char *etag_seen)
{
    reply r = call(c, console_api_product_patch, "PATCH", "runner-x", "{\"name\": \"Runner Y\"}", etag_seen);
    CHECKF(r.status == 409, "%d %s", r.status, r.body);
    const cJSON *e, *price = NULL;
    cJSON_ArrayForEach(e, get(r.json, "changed"))
        if (!strcmp(str(e, "field"), "price")) price = e;
    CHECKF(price && num(price, "was") == 89.99 && num(price, "now") == 79.99, "%s", r.body);
    CHECK(!strcmp(str(get(r.json, "current"), "id"), "runner-x"));
    char cur[128];
    snprintf(cur, sizeof cur, "%s", str(get(r.json, "current"), "etag"));
    reply_free(&r);
    r = call(c, console_api_product_patch, "PATCH", "runner-x", "{\"name\": \"Runner Y\"}", "\"p-0000\"");
    CHECK(r.status == 409 && cJSON_GetArraySize(get(r.json, "changed")) == 0 && get(r.json, "current"));
    reply_free(&r);
    r = call(c, console_api_product_patch, "PATCH", "runner-x", "{\"name\": \"Runner X\"}", cur);
    CHECKF(r.status == 200, "%d %s", r.status, r.body);
    reply_free(&r);
}

static void test_add_delete(vt_console *c)
{
    const char *body = "{\"id\": \"new-one\", \"marker\": 42, \"name\": \"New One\", \"price\": 5}";
    reply r = call(c, console_api_product_add, "POST", NULL, body, NULL);
    CHECKF(r.status == 201 && strstr(r.headers, "Location: /api/v1/products/new-one"), "%d %s", r.status, r.body);
    reply_free(&r);
    r = call(c, console_api_product_add, "POST", NULL, body, NULL);
    CHECK(r.status == 409);
    reply_free(&r);
    r = call(c, console_api_product_add, "POST", NULL, "{\"id\": \"a b\", \"marker\": 43, \"price\": 1}", NULL);
    CHECK(r.status == 400);
    reply_free(&r);
    r = call(c, console_api_product_add, "POST", NULL, "{\"id\": \"dup-marker\", \"marker\": 42, \"price\": 1}", NULL);
    CHECKF(r.status == 422 && strstr(r.body, "already used"), "%d %s", r.status, r.body);
    reply_free(&r);
    cJSON *root;
    CHECK(disk_product("new-one", &root) != NULL);
    cJSON_Delete(root);
    r = call(c, console_api_product_delete, "DELETE", "new-one", NULL, NULL);
    CHECK(r.status == 204);
    reply_free(&r);
    r = call(c, console_api_product_get, "GET", "new-one", NULL, NULL);
    CHECK(r.status == 404);
    reply_free(&r);
    CHECK(disk_product("new-one", &root) == NULL);
    cJSON_Delete(root);
}

/* The versions: newest first, with summaries; version 1 restored as a new one. */
static void test_versions(vt_console *c)
{
    reply r = call(c, console_api_versions, "GET", NULL, NULL, NULL);
    const cJSON *list = get(r.json, "versions");
    int n = cJSON_GetArraySize(list), current = (int)num(r.json, "current");
    CHECKF(r.status == 200 && n >= 8 && current == n, "%d versions, current %d", n, current);
    CHECK(num(cJSON_GetArrayItem(list, 0), "n") == current);
    const cJSON *oldest = cJSON_GetArrayItem(list, n - 1), *second = cJSON_GetArrayItem(list, n - 2);
    CHECKF(!strcmp(str(oldest, "summary"), "the catalog as found at start"), "%s", str(oldest, "summary"));
    CHECKF(!strcmp(str(second, "summary"), "Runner X: price 89.99 -> 79.99"), "%s", str(second, "summary"));
    CHECK(strlen(str(oldest, "saved")) == 20 && str(oldest, "saved")[19] == 'Z');
    reply_free(&r);
    r = call(c, console_api_version_get, "GET", "1", NULL, NULL);
    CHECK(r.status == 200 && r.json && get(r.json, "products"));
    reply_free(&r);
    r = call(c, console_api_version_get, "GET", "999", NULL, NULL);
    CHECK(r.status == 404);
    reply_free(&r);

    r = call(c, console_api_version_restore, "POST", "1", NULL, NULL);
    CHECKF(r.status == 200 && num(r.json, "version") == current + 1, "%d %s", r.status, r.body);
    reply_free(&r);
    cJSON *root;
    const cJSON *p = disk_product("runner-x", &root);
    CHECK(p && num(p, "price") == 89.99 && !strcmp(str(p, "brand"), "Nord Athletics"));
    cJSON_Delete(root);
    int num_v;
    char etag[128];
    console_catalog_version(c, &num_v, etag, sizeof etag);
    CHECK(num_v == current + 1 && !strncmp(etag, "\"c-", 3));
}

/* Edits from several threads at once (handlers run on the server's pool): each is applied, none
 * lost, each its own version. */
typedef struct edit_job { vt_console *c; const char *id; int status[10]; } edit_job;

static void *edit_many(void *arg)
{
    edit_job *j = arg;
    for (int i = 0; i < 10; i++) {
        char body[64];
        snprintf(body, sizeof body, "{\"price\": %d.5}", 10 + i);
        reply r = call(j->c, console_api_product_patch, "PATCH", j->id, body, NULL);
        j->status[i] = r.status;
        reply_free(&r);
        r = call(j->c, console_api_products, "GET", NULL, NULL, NULL);
        reply_free(&r);
    }
    return NULL;
}

static void test_threads(vt_console *c)
{
    int before, after;
    char etag[128];
    console_catalog_version(c, &before, etag, sizeof etag);
    const char *ids[4] = { "runner-x", "mug-bleu", "huile-olive", "lampe-atelier" };
    edit_job jobs[4];
    pthread_t t[4];
    for (int k = 0; k < 4; k++) {
        jobs[k] = (edit_job){ .c = c, .id = ids[k] };
        pthread_create(&t[k], NULL, edit_many, &jobs[k]);
    }
    for (int k = 0; k < 4; k++) pthread_join(t[k], NULL);
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 10; i++) CHECKF(jobs[k].status[i] == 200, "%s edit %d: %d", ids[k], i, jobs[k].status[i]);
    console_catalog_version(c, &after, etag, sizeof etag);
    CHECKF(after == before + 40, "%d versions for 40 edits", after - before);
    for (int k = 0; k < 4; k++) {
        cJSON *root;
        const cJSON *p = disk_product(ids[k], &root);
        CHECKF(p && num(p, "price") == 19.5, "%s: %g", ids[k], p ? num(p, "price") : -1);
        cJSON_Delete(root);
    }
}

/* Through the whole console: with no session a change is refused before any handler runs. */
static void test_no_login(vt_console *c)
{
    char *was = t_read_file(g_catalog);
    const char *body = "{\"price\": 1}";
    vt_console_request rq = { .method = "PATCH", .url = "/api/v1/products/runner-x", .body = body, .body_len = strlen(body) };
    vt_console_response out;
    vt_console_serve(c, &rq, &out);
    CHECKF(out.status == 401, "%d", out.status);
    vt_console_response_free(&out);
    char *now = t_read_file(g_catalog);
    CHECK(was && now && !strcmp(was, now));
    free(was);
    free(now);
}

/* A hand edit on disk: the next request saves it as a version. */
static void test_hand_edit(vt_console *c)
{
    char *text = t_read_file(g_catalog), *at = text ? strstr(text, "\"price\": 14.5") : NULL;
    CHECK(at != NULL);
    if (!at) { free(text); return; }
    memcpy(at, "\"price\": 16.5", 13);
    FILE *f = fopen(g_catalog, "wb");
    fputs(text, f);
    fclose(f);
    free(text);
    reply r = call(c, console_api_versions, "GET", NULL, NULL, NULL);
    const cJSON *newest = cJSON_GetArrayItem(get(r.json, "versions"), 0);
    CHECKF(!strcmp(str(newest, "summary"), "edited on disk: Mug Bleu: price 14.5 -> 16.5"), "%s", str(newest, "summary"));
    CHECK(num(newest, "n") == num(r.json, "current"));
    reply_free(&r);
}

int main(void)
{
    setenv("LC_ALL", "C.UTF-8", 1);
    snprintf(g_dir, sizeof g_dir, "/tmp/vt-console-products-XXXXXX");
    CHECK(mkdtemp(g_dir) != NULL);
    snprintf(g_catalog, sizeof g_catalog, "%s/catalog.json", g_dir);
    char *src = t_read_file(VT_TEST_SOURCE_DIR "/models/basic-shelf.json");
    CHECK(src != NULL);
    if (!src) return t_finish("test_console_products");
    FILE *f = fopen(g_catalog, "wb");
    fputs(src, f);
    fclose(f);
    free(src);

    char etag_seen[128];
    vt_console *c = open_console();
    if (c) {
        test_list_and_get(c, etag_seen, sizeof etag_seen);
        test_patch(c);
        test_fields(c);
        test_stale(c, etag_seen);
        test_add_delete(c);
        test_versions(c);
        test_hand_edit(c);
        test_no_login(c);
        test_threads(c);
        int n;
        char etag[128];
        console_catalog_version(c, &n, etag, sizeof etag);
        vt_console_destroy(c);
        /* a restart keeps the versions, and the file unchanged is no new one */
        c = open_console();
        int n2;
        char etag2[128];
        if (c) console_catalog_version(c, &n2, etag2, sizeof etag2);
        CHECKF(c && n2 == n && !strcmp(etag, etag2), "%d vs %d", n2, n);
        vt_console_destroy(c);
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", g_dir);
    return t_finish("test_console_products");
}

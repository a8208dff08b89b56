/* console_edit.c — the product changes: PATCH (If-Match checked against the product's ETag; a
 * stale one answered with what changed since the version the client saw), POST and DELETE. */
#include "console_products.h"

#include "catalog/vt_catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* If-Match's tag (a weak W/ taken as strong), "" when absent. */
static void if_match(const console_req *rq, char *out, size_t len)
{
    const char *v = console_header(rq, "If-Match");
    while (v && (*v == ' ' || *v == '\t')) v++;
    if (v && !strncmp(v, "W/", 2)) v += 2;
    snprintf(out, len, "%s", v ? v : "");
    for (size_t n = strlen(out); n && (out[n - 1] == ' ' || out[n - 1] == '\t'); n--) out[n - 1] = 0;
}

/* The product id as it was in the saved version whose copy of it had ETag tag (the newest
 * CP_CHANGED_SEARCH searched), or NULL. */
static cJSON *product_seen(vt_console *c, const char *id, const char *tag)
{
    struct console_products *p = c->prod;
    for (int i = p->nv - 1, k = 0; i >= 0 && k < CP_CHANGED_SEARCH; i--, k++) {
        size_t len;
        char *text = cp_version_text(c, p->v[i].n, &len), etag[CP_ETAG];
        cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
        free(text);
        cJSON *prod = cp_find_product(root, id, NULL);
        if (prod) cp_product_etag(prod, etag, sizeof etag);
        if (prod && !strcmp(etag, tag)) {
            cJSON *mine = cJSON_Duplicate(prod, 1);
            cJSON_Delete(root);
            return mine;
        }
        cJSON_Delete(root);
    }
    return NULL;
}

/* 1 when the request's If-Match (if any) is the product's ETag now; else 0 with the 409 in rs:
 * what changed since the version the client saw, and the product now. */
static int match_ok(vt_console *c, const console_req *rq, const cJSON *prod, const vt_catalog *cat, console_resp *rs)
{
    char tag[CP_ETAG * 2], now[CP_ETAG];
    if_match(rq, tag, sizeof tag);
    if (!tag[0] || !strcmp(tag, "*")) return 1;
    cp_product_etag(prod, now, sizeof now);
    if (!strcmp(tag, now)) return 1;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(prod, "id");
    cJSON *seen = product_seen(c, id->valuestring, tag);
    cJSON *j = cJSON_CreateObject();
    if (seen)
        cJSON_AddStringToObject(j, "error", _("this product was changed since you loaded it: look at the changes and "
                                              "try again"));
    else
        cJSON_AddStringToObject(j, "error", _("this product was changed since you loaded it (the version you saw is "
                                              "not among the saved ones): reload it and try again"));
    cJSON_AddItemToObject(j, "changed", seen ? cp_changed(seen, prod) : cJSON_CreateArray());
    console_resp resp;   /* P through the usual path, then moved in */
    console_resp_init(&resp);
    cp_answer_product(&resp, 200, prod, cat);
    cJSON *cur = resp.body ? cJSON_ParseWithLength((const char *)resp.body, resp.len) : NULL;
    console_resp_free(&resp);
    cJSON_AddItemToObject(j, "current", cur ? cur : cJSON_CreateNull());
    cJSON_Delete(seen);
    console_resp_json(rs, 409, j);
    return 0;
}

void console_api_product_patch(vt_console *c, console_req *rq, console_resp *rs)
{
    cJSON *patch = console_body_json(rq, rs);
    if (!patch) return;
    pthread_mutex_lock(&c->edit_lock);
    vt_catalog *cat = NULL, *fresh = NULL;
    cJSON *root = cp_open_catalog(c, &cat, NULL, 0, rs), *old = root ? cJSON_Duplicate(root, 1) : NULL;
    cJSON *prod = root ? cp_find_product(root, rq->param, NULL) : NULL;
    if (root && !prod) cp_not_found(rq->param ? rq->param : "", cat, rs);
    else if (prod && match_ok(c, rq, prod, cat, rs) && cp_apply_fields(prod, patch, 0, rs)) {
        char summary[CP_SUMMARY];
        if (cJSON_Compare(old, root, 1)) cp_answer_product(rs, 200, prod, cat);   /* nothing to save */
        else {
            cp_summary(old, root, summary, sizeof summary);
            if (cp_commit(c, root, summary, &fresh, rs)) cp_answer_product(rs, 200, prod, fresh);
        }
    }
    pthread_mutex_unlock(&c->edit_lock);
    vt_catalog_destroy(cat);
    vt_catalog_destroy(fresh);
    cJSON_Delete(old);
    cJSON_Delete(root);
    cJSON_Delete(patch);
}

/* A new product's id: letters, digits, '-' and '_', at most 64 bytes. */
static int id_ok(const cJSON *id, console_resp *rs)
{
    int ok = cJSON_IsString(id) && id->valuestring[0] && strlen(id->valuestring) <= 64;
    for (const char *s = ok ? id->valuestring : ""; ok && *s; s++)
        ok = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_';
    if (!ok) console_resp_error(rs, 400, _("a new product needs an \"id\": 1 to 64 letters, digits, '-' or '_'"));
    return ok;
}

void console_api_product_add(vt_console *c, console_req *rq, console_resp *rs)
{
    cJSON *body = console_body_json(rq, rs);
    if (!body) return;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(body, "id");
    if (!id_ok(id, rs)) { cJSON_Delete(body); return; }
    pthread_mutex_lock(&c->edit_lock);
    vt_catalog *cat = NULL, *fresh = NULL;
    cJSON *root = cp_open_catalog(c, &cat, NULL, 0, rs), *old = root ? cJSON_Duplicate(root, 1) : NULL;
    cJSON *prod = cJSON_CreateObject();
    cJSON_AddStringToObject(prod, "id", id->valuestring);
    if (root && cp_find_product(root, id->valuestring, NULL))
        console_resp_error(rs, 409, _("a product with the id \"%s\" exists already"), id->valuestring);
    else if (root && cp_apply_fields(prod, body, 1, rs)) {
        cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "products");
        if (!cJSON_IsArray(list)) {
            cJSON_DeleteItemFromObjectCaseSensitive(root, "products");
            list = cJSON_AddArrayToObject(root, "products");
        }
        cJSON_AddItemToArray(list, prod);
        const cJSON *added = prod;
        prod = NULL;   /* the catalog's now */
        char summary[CP_SUMMARY], where[300];
        cp_summary(old, root, summary, sizeof summary);
        if (cp_commit(c, root, summary, &fresh, rs)) {
            cp_answer_product(rs, 201, added, fresh);
            snprintf(where, sizeof where, "/api/v1/products/%s", id->valuestring);
            console_resp_header(rs, "Location", where);
        }
    }
    pthread_mutex_unlock(&c->edit_lock);
    cJSON_Delete(prod);
    vt_catalog_destroy(cat);
    vt_catalog_destroy(fresh);
    cJSON_Delete(old);
    cJSON_Delete(root);
    cJSON_Delete(body);
}

void console_api_product_delete(vt_console *c, console_req *rq, console_resp *rs)
{
    pthread_mutex_lock(&c->edit_lock);
    vt_catalog *cat = NULL;
    int at = -1;
    cJSON *root = cp_open_catalog(c, &cat, NULL, 0, rs), *old = root ? cJSON_Duplicate(root, 1) : NULL;
    cJSON *prod = root ? cp_find_product(root, rq->param, &at) : NULL;
    if (root && !prod) cp_not_found(rq->param ? rq->param : "", cat, rs);
    else if (prod && match_ok(c, rq, prod, cat, rs)) {
        cJSON_DeleteItemFromArray(cJSON_GetObjectItemCaseSensitive(root, "products"), at);
        char summary[CP_SUMMARY];
        cp_summary(old, root, summary, sizeof summary);
        if (cp_commit(c, root, summary, NULL, rs)) console_resp_bytes(rs, 204, "text/plain; charset=utf-8", NULL, 0);
    }
    pthread_mutex_unlock(&c->edit_lock);
    vt_catalog_destroy(cat);
    cJSON_Delete(old);
    cJSON_Delete(root);
}

/* console_network.c — the console's view of the shop network (issue 20; docs/network.md), when it
 * was given a network URL (`vitrine console --network URL`, `vitrine run --console-network URL`):
 * GET /api/v1/network, every kiosk and the figures across kiosks and stores
 * (vt_network_overview_json), and POST /api/v1/network/publish, the catalog this console edits
 * published to a store once it passes `vitrine validate` (run as a child, models loaded, under
 * limits). Each call opens its own connection (bounded by the network stage's 10 s), on the
 * console's own threads: a slow server never reaches the display. */
#include "console.h"

#include "network/vt_network.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define VALIDATE_TIMEOUT_S 120

int console_network_on(const vt_console *c) { return c->network[0] != 0; }

/* 1 when the console is on a network; else 404 in rs, saying how to put it on one. */
static int need_network(vt_console *c, console_resp *rs)
{
    if (console_network_on(c)) return 1;
    console_resp_error(rs, 404, _("this console is not on a shop network (start it with --network URL)"));
    return 0;
}

/* from/to of the query ("" when absent), as the overview takes them: YYYY-MM-DD. 0 with a 400. */
static int read_days(const console_req *rq, console_resp *rs, char *from, char *to, size_t len)
{
    const char *names[2] = { "from", "to" };
    char *vals[2] = { from, to };
    for (int i = 0; i < 2; i++) {
        vals[i][0] = 0;
        if (!console_query(rq, names[i], vals[i], len) || !vals[i][0]) continue;
        if (strlen(vals[i]) != 10 || vt_parse_date(vals[i]) != 0) {
            console_resp_error(rs, 400, _("%s: expected a day as YYYY-MM-DD, not \"%.31s\""), names[i], vals[i]);
            return 0;
        }
    }
    if (from[0] && to[0] && strcmp(from, to) > 0) {
        console_resp_error(rs, 400, _("from (%s) is after to (%s)"), from, to);
        return 0;
    }
    return 1;
}

void console_api_network(vt_console *c, console_req *rq, console_resp *rs)
{
    char from[16], to[16], err[1024], safe[1200];
    if (!need_network(c, rs) || !read_days(rq, rs, from, to, sizeof from)) return;
    char *text = NULL;
    if (vt_network_overview_json(c->network, from[0] ? from : NULL, to[0] ? to : NULL, &text, err, sizeof err) != VT_OK) {
        console_resp_error(rs, 502, _("the shop network cannot be read: %s"), err);   /* err: the URL without its password */
        return;
    }
    cJSON *j = cJSON_Parse(text);
    free(text);
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        console_resp_error(rs, 502, _("the shop network's figures are not valid JSON"));
        return;
    }
    vt_network_url_redacted(c->network, safe, sizeof safe);
    cJSON_AddStringToObject(j, "url", safe);
    console_resp_json(rs, 200, j);
}

/* A store's name as the network takes it: 1-48 of [A-Za-z0-9_.-]. */
static int store_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 48) return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-') return 0;
    return 1;
}

/* The catalog as `vitrine validate` checks it (its models loaded): 1, or 0 with a 422 in rs. */
static int catalog_valid(vt_console *c, console_resp *rs)
{
    char err[1024];
    const char *args[] = { "validate", c->catalog, NULL };
    if (console_run_self(c, args, VALIDATE_TIMEOUT_S, err, sizeof err) == 0) return 1;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "error", _("the catalog does not validate; nothing was published"));
    cJSON *list = cJSON_AddArrayToObject(j, "problems");
    if (list && err[0]) cJSON_AddItemToArray(list, cJSON_CreateString(err));
    console_resp_json(rs, 422, j);
    return 0;
}

/* POST /api/v1/network/publish {"store": "NAME", "summary": "..."}: the catalog on disk as the
 * store's next version; 201 {"store", "version"}. */
void console_api_network_publish(vt_console *c, console_req *rq, console_resp *rs)
{
    if (!need_network(c, rs)) return;
    cJSON *body = console_body_json(rq, rs);
    if (!body) return;
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(body, "store"), *sum = cJSON_GetObjectItemCaseSensitive(body, "summary");
    const char *store = cJSON_IsString(st) ? st->valuestring : NULL;
    char summary[256];
    snprintf(summary, sizeof summary, "%s", cJSON_IsString(sum) && sum->valuestring[0] ? sum->valuestring : _("published from the console"));
    if (!store_ok(store)) {
        console_resp_error(rs, 400, _("store: a name of 1 to 48 letters, digits, '_', '.' or '-'"));
        cJSON_Delete(body);
        return;
    }
    char by[96], err[1024];
    snprintf(by, sizeof by, "console %.64s", rq->client ? rq->client : "");
    int version = 0;
    /* One edit at a time: what was validated is what is published. */
    pthread_mutex_lock(&c->edit_lock);
    int ok = catalog_valid(c, rs);
    vt_result r = ok ? vt_network_publish(c->network, store, c->catalog, by, summary, &version, err, sizeof err) : VT_OK;
    pthread_mutex_unlock(&c->edit_lock);
    if (ok && r != VT_OK) console_resp_error(rs, r == VT_ERR_ARG ? 422 : 502, _("not published: %s"), err);
    else if (ok) {
        VT_NOTE("console", "%s published to store %s as version %d", c->catalog, store, version);
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "store", store);
        cJSON_AddNumberToObject(j, "version", version);
        console_resp_json(rs, 201, j);
    }
    cJSON_Delete(body);
}

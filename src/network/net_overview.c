/* net_overview.c — the network's figures: kiosks, stores, visits across them (the console's
 * network page, `vitrine stats --db postgresql://…`). One read-only snapshot per call; every
 * time in UTC. */
#include "i18n/vt_i18n.h"
#include "network_internal.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ONLINE_S 15   /* a kiosk seen this recently is online (its heartbeat: every 5 s) */
#define ISO(x) "to_char(" x " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* A column's value as JSON: numbers as numbers, booleans as booleans, NULL as null. */
static cJSON *cell(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col)) return cJSON_CreateNull();
    const char *v = PQgetvalue(r, row, col);
    switch (PQftype(r, col)) {
    case 20: case 21: case 23: case 700: case 701: case 1700:   /* int8, int2, int4, float4, float8, numeric */
        return cJSON_CreateNumber(strtod(v, NULL));
    case 16:   /* bool */
        return cJSON_CreateBool(v[0] == 't');
    default:
        return cJSON_CreateString(v);
    }
}

/* The rows of sql (parameters v) as an array of objects named by the columns, added to parent as key. */
static vt_result rows_json(PGconn *c, const char *sql, int n, const char *const *v, cJSON *parent, const char *key,
                           char *err, size_t errlen)
{
    PGresult *r = PQexecParams(c, sql, n, NULL, v, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        net_query_error(c, r, err, errlen);
        PQclear(r);
        return VT_ERR_IO;
    }
    cJSON *a = cJSON_AddArrayToObject(parent, key);
    for (int i = 0; a && i < PQntuples(r); i++) {
        cJSON *o = cJSON_CreateObject();
        for (int k = 0; k < PQnfields(r); k++) cJSON_AddItemToObject(o, PQfname(r, k), cell(r, i, k));
        cJSON_AddItemToArray(a, o);
    }
    PQclear(r);
    return a ? VT_OK : VT_ERR_NO_MEMORY;
}

/* The figures of a group of events: found, dwell, cards, basket adds. */
#define FIGURES                                                                                                   \
    "count(*) FILTER (WHERE type = 'product_found')::bigint AS found,"                                            \
    " round(coalesce(sum(dwell_seconds) FILTER (WHERE type = 'product_lost'), 0)::numeric, 1)::float8 AS dwell_seconds," \
    " count(*) FILTER (WHERE type = 'card_opened')::bigint AS card_opens,"                                        \
    " count(*) FILTER (WHERE type = 'basket_add')::bigint AS basket_adds"
/* The period: $1 and $2 are UTC days or NULL (open). */
#define PERIOD                                                                                                    \
    " FROM vitrine.events WHERE ts >= coalesce($1::date::timestamptz, '-infinity')"                               \
    " AND ts < coalesce(($2::date + 1)::timestamptz, 'infinity')"

static vt_result stats_json(PGconn *c, const char *from, const char *to, cJSON *root, char *err, size_t errlen)
{
    const char *v[2] = { from, to };
    cJSON *s = cJSON_AddObjectToObject(root, "stats");
    if (!s) return VT_ERR_NO_MEMORY;
    vt_result r = rows_json(c, "SELECT store, " FIGURES PERIOD " GROUP BY store ORDER BY store", 2, v, s, "stores", err, errlen);
    if (r == VT_OK)
        r = rows_json(c, "SELECT kiosk, store, " FIGURES PERIOD " GROUP BY kiosk, store ORDER BY store, kiosk", 2, v, s, "kiosks",
                      err, errlen);
    if (r == VT_OK)
        r = rows_json(c, "SELECT store, product_id AS id, coalesce(max(product_name), product_id) AS name, " FIGURES PERIOD
                         " AND product_id IS NOT NULL GROUP BY store, product_id ORDER BY store, found DESC, product_id",
                      2, v, s, "products", err, errlen);
    if (r == VT_OK) {
        cJSON *tmp = cJSON_CreateObject();
        r = rows_json(c, "SELECT " FIGURES ", count(DISTINCT (origin, session))::bigint AS sessions" PERIOD, 2, v, tmp, "t",
                      err, errlen);
        cJSON *t = r == VT_OK ? cJSON_DetachItemFromArray(cJSON_GetObjectItem(tmp, "t"), 0) : NULL;
        cJSON_Delete(tmp);
        if (t) cJSON_AddItemToObject(s, "totals", t);
        else if (r == VT_OK) r = VT_ERR_INTERNAL;
    }
    return r;
}

static vt_result overview(PGconn *c, const char *from, const char *to, cJSON *root, char *err, size_t errlen)
{
    char secs[16];
    snprintf(secs, sizeof secs, "%d", ONLINE_S);
    const char *v[1] = { secs };
    PGresult *r = PQexec(c, "SELECT coalesce(max(version), 0) FROM vitrine.schema_migrations");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        net_query_error(c, r, err, errlen);
        PQclear(r);
        return VT_ERR_IO;
    }
    cJSON_AddNumberToObject(root, "schema_version", atoi(PQgetvalue(r, 0, 0)));
    PQclear(r);
    vt_result res = rows_json(c,
        "SELECT s.name, (SELECT count(*) FROM vitrine.kiosks k WHERE k.store = s.name)::bigint AS kiosks,"
        " cv.version AS catalog_version, " ISO("cv.published_at") " AS published_at FROM vitrine.stores s"
        " LEFT JOIN LATERAL (SELECT version, published_at FROM vitrine.catalog_versions WHERE store = s.name"
        " ORDER BY version DESC LIMIT 1) cv ON true ORDER BY s.name", 0, NULL, root, "stores", err, errlen);
    if (res == VT_OK)
        res = rows_json(c,
            "SELECT name, store, " ISO("last_seen") " AS last_seen,"
            " round(extract(epoch FROM clock_timestamp() - last_seen)::numeric, 1)::float8 AS seconds_since_seen,"
            " coalesce(clock_timestamp() - last_seen < make_interval(secs => $1::int), false) AS online,"
            " round(fps::numeric, 1)::float8 AS fps, camera, catalog_version, warnings, " ISO("started_at") " AS started_at,"
            " host, version FROM vitrine.kiosks ORDER BY store, name", 1, v, root, "kiosks", err, errlen);
    if (res == VT_OK) res = stats_json(c, from, to, root, err, errlen);
    return res;
}

static int day_ok(const char *d)
{
    if (!d) return 1;
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-') return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9')) return 0;
    return 1;
}

/* The overview as cJSON (the caller deletes it). */
static vt_result overview_cjson(const char *url, const char *from, const char *to, cJSON **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!day_ok(from) || !day_ok(to)) {
        snprintf(err, errlen, "%s", _("--from/--to: expected a day as YYYY-MM-DD (UTC)"));
        return VT_ERR_ARG;
    }
    PGconn *c = net_connect(url, "vitrine-stats", 10, 0, err, errlen);
    if (!c) return VT_ERR_IO;
    char why[768], red[1024];
    cJSON *root = cJSON_CreateObject();
    vt_result r = root ? VT_OK : VT_ERR_NO_MEMORY;
    if (r == VT_OK) r = net_exec(c, "SET TIME ZONE 'UTC'", why, sizeof why);
    if (r == VT_OK) r = net_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", why, sizeof why);
    if (r == VT_OK) r = overview(c, from, to, root, why, sizeof why);
    PQclear(PQexec(c, "ROLLBACK"));
    PQfinish(c);
    if (r != VT_OK) {
        vt_network_url_redacted(url, red, sizeof red);
        snprintf(err, errlen, _("%s: cannot read the network's figures (has `vitrine network init` run?): %s"), red, why);
        cJSON_Delete(root);
        return r;
    }
    *out = root;
    return VT_OK;
}

vt_result vt_network_overview_json(const char *url, const char *from, const char *to, char **json, char *err, size_t errlen)
{
    cJSON *root = NULL;
    *json = NULL;
    vt_result r = overview_cjson(url, from, to, &root, err, errlen);
    if (r != VT_OK) return r;
    *json = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return *json ? VT_OK : VT_ERR_NO_MEMORY;
}

/* ---- printing (as analytics' vt_stats prints a kiosk's own figures) ---- */
static double num(const cJSON *o, const char *k)
{
    return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, k));
}
static const char *str(const cJSON *o, const char *k)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
    return s ? s : "";
}
static double conv(const cJSON *o)
{
    double f = num(o, "found");
    return f > 0 ? num(o, "basket_adds") / f : 0;
}

/* RFC 4180: quoted when it holds a comma, a quote, CR or LF. */
static void csv_text(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) { fputs(s, out); return; }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void csv_row(FILE *out, const char *section, const char *store, const char *kiosk, const char *id,
                    const char *name, const cJSON *o)
{
    const char *f[5] = { section, store, kiosk, id, name };
    for (int i = 0; i < 5; i++) { csv_text(out, f[i]); fputc(',', out); }
    fprintf(out, "%.0f,%.1f,%.0f,%.0f,%.2f\n", num(o, "found"), num(o, "dwell_seconds"), num(o, "card_opens"),
            num(o, "basket_adds"), conv(o));
}

static void print_csv(const cJSON *s, FILE *out)
{
    const cJSON *o;
    fputs("section,store,kiosk,product_id,name,found,dwell_seconds,card_opens,basket_adds,conversion\n", out);
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(s, "stores")) csv_row(out, "store", str(o, "store"), "", "", "", o);
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(s, "kiosks")) csv_row(out, "kiosk", str(o, "store"), str(o, "kiosk"), "", "", o);
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(s, "products"))
        csv_row(out, "product", str(o, "store"), "", str(o, "id"), str(o, "name"), o);
    csv_row(out, "total", "", "", "", "", cJSON_GetObjectItem(s, "totals"));
}

#define NAME_COLS 28
/* One table: its heading (the first column's), then a row per entry named by label(o). */
static void print_section(FILE *out, const char *title, const cJSON *rows, void (*label)(const cJSON *, char *, size_t))
{
    const char *head[5] = { _("found"), _("dwell (s)"), _("cards"), _("basket"), _("conv.") };
    int w[5] = { 7, 10, 7, 7, 6 };
    char cell[512], name[400];
    fputs(vt_i18n_pad(title, NAME_COLS, 0, cell, sizeof cell), out);
    for (int k = 0; k < 5; k++) {   /* a language's longer heading widens its column */
        int hw = vt_i18n_text_width(head[k]);
        if (hw > w[k]) w[k] = hw;
        fprintf(out, " %s", vt_i18n_pad(head[k], w[k], 1, cell, sizeof cell));
    }
    fputc('\n', out);
    const cJSON *o;
    cJSON_ArrayForEach(o, rows) {
        label(o, name, sizeof name);
        fprintf(out, "%s %*.0f %*.1f %*.0f %*.0f %*.0f%%\n", vt_i18n_pad(name, NAME_COLS, 0, cell, sizeof cell), w[0],
                num(o, "found"), w[1], num(o, "dwell_seconds"), w[2], num(o, "card_opens"), w[3], num(o, "basket_adds"),
                w[4] - 1, 100 * conv(o));
    }
    if (!cJSON_GetArraySize(rows)) fprintf(out, "%s\n", _("(no visits in that period)"));
    fputc('\n', out);
}

static void label_store(const cJSON *o, char *out, size_t len) { snprintf(out, len, "%s", str(o, "store")); }
static void label_kiosk(const cJSON *o, char *out, size_t len) { snprintf(out, len, "%s (%s)", str(o, "kiosk"), str(o, "store")); }
static void label_product(const cJSON *o, char *out, size_t len) { snprintf(out, len, "%s: %s", str(o, "store"), str(o, "name")); }

static void print_table(const cJSON *root, const char *from, const char *to, FILE *out)
{
    const cJSON *s = cJSON_GetObjectItem(root, "stats"), *t = cJSON_GetObjectItem(s, "totals");
    fprintf(out, _("The shop network: %d store(s), %d kiosk(s); days in UTC, from %s to %s.\n\n"),
            cJSON_GetArraySize(cJSON_GetObjectItem(root, "stores")), cJSON_GetArraySize(cJSON_GetObjectItem(root, "kiosks")),
            from ? from : _("the first visit"), to ? to : _("the last"));
    print_section(out, _("store"), cJSON_GetObjectItem(s, "stores"), label_store);
    print_section(out, _("kiosk (store)"), cJSON_GetObjectItem(s, "kiosks"), label_kiosk);
    print_section(out, _("product (store)"), cJSON_GetObjectItem(s, "products"), label_product);
    fprintf(out, _("total: %.0f session(s), %.0f product views, %.1f s of attention, %.0f card(s) opened, %.0f basket add(s)\n"),
            num(t, "sessions"), num(t, "found"), num(t, "dwell_seconds"), num(t, "card_opens"), num(t, "basket_adds"));
}

vt_result vt_network_stats_print(const char *url, const char *from, const char *to, int format, FILE *out, char *err,
                                 size_t errlen)
{
    cJSON *root = NULL;
    vt_result r = overview_cjson(url, from, to, &root, err, errlen);
    if (r != VT_OK) return r;
    cJSON *s = cJSON_GetObjectItem(root, "stats");
    cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItem(s, "products")) cJSON_AddNumberToObject(t, "conversion", conv(t));
    cJSON_AddNumberToObject(cJSON_GetObjectItem(s, "totals"), "conversion", conv(cJSON_GetObjectItem(s, "totals")));
    if (format == 1) {
        char *text = cJSON_PrintUnformatted(s);
        if (text) fprintf(out, "%s\n", text);
        else r = VT_ERR_NO_MEMORY;
        free(text);
    } else if (format == 2) {
        print_csv(s, out);
    } else {
        print_table(root, from, to, out);
    }
    cJSON_Delete(root);
    return r;
}

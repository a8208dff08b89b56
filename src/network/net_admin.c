/* net_admin.c — the shop's side: migrations, kiosk roles, partitions and retention. */
#include "network_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pg_advisory_lock key held while migrating, so two `network init` never race ("vitr"). */
#define MIGRATE_LOCK_KEY "1986622578"

/* Connects for the shop's side: UTC, so the monthly partitions are UTC months whatever the
 * server's TimeZone. */
static PGconn *admin_connect(const char *url, char *err, size_t errlen)
{
    PGconn *c = net_connect(url, "vitrine-admin", 10, 0, err, errlen);
    /* NOTICEs ("schema vitrine already exists, skipping") are not the user's business. */
    if (c && net_exec(c, "SET TIME ZONE 'UTC'; SET client_min_messages TO warning", err, errlen) != VT_OK) {
        PQfinish(c);
        return NULL;
    }
    return c;
}

/* One query with text parameters; VT_OK when it ran (rows into *out when out, else cleared). */
static vt_result q(PGconn *c, const char *sql, int n, const char *const *vals, PGresult **out, char *err,
                   size_t errlen)
{
    PGresult *r = PQexecParams(c, sql, n, NULL, vals, NULL, NULL, 0);
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

static void rollback(PGconn *c)
{
    PQclear(PQexec(c, "ROLLBACK"));
}

/* Partitions for the months from first to last, relative to this UTC month. */
static vt_result ensure_partitions(PGconn *c, int first, int last, char *err, size_t errlen)
{
    for (int m = first; m <= last; m++) {
        char mm[16];
        snprintf(mm, sizeof mm, "%d", m);
        const char *v[1] = { mm };
        vt_result r = q(c, "SELECT vitrine.ensure_partition((date_trunc('month', now()) + make_interval(months => $1::int))::date)",
                        1, v, NULL, err, errlen);
        if (r != VT_OK) return r;
    }
    return VT_OK;
}

/* The schema's version on the server (0: none yet). */
static vt_result schema_version(PGconn *c, int *version, char *err, size_t errlen)
{
    PGresult *r = NULL;
    vt_result res = q(c, "SELECT coalesce(max(version), 0) FROM vitrine.schema_migrations", 0, NULL, &r, err, errlen);
    if (res == VT_OK) *version = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return res;
}

/* Migration m in its own transaction, recorded in vitrine.schema_migrations. */
static vt_result apply_one(PGconn *c, const vt_network_migration *m, char *err, size_t errlen)
{
    char why[768], ver[16];
    snprintf(ver, sizeof ver, "%d", m->version);
    const char *v[2] = { ver, m->description };
    if (net_exec(c, "BEGIN", why, sizeof why) != VT_OK || net_exec(c, m->sql, why, sizeof why) != VT_OK ||
        q(c, "INSERT INTO vitrine.schema_migrations (version, description) VALUES ($1::int, $2)", 2, v, NULL, why,
          sizeof why) != VT_OK ||
        net_exec(c, "COMMIT", why, sizeof why) != VT_OK) {
        rollback(c);
        snprintf(err, errlen, _("migration %d (%s) failed, nothing of it kept: %s"), m->version, m->description, why);
        return VT_ERR_IO;
    }
    return VT_OK;
}

static vt_result migrate_locked(PGconn *c, int *applied, char *err, size_t errlen)
{
    char why[768];
    int have = 0;
    if (net_exec(c, "BEGIN", why, sizeof why) != VT_OK || net_exec(c, vt_network_bootstrap_sql, why, sizeof why) != VT_OK ||
        net_exec(c, "COMMIT", why, sizeof why) != VT_OK) {
        rollback(c);
        snprintf(err, errlen, _("cannot create the schema vitrine and its roles (a role that may create schemas and "
                 "roles is needed): %s"), why);
        return VT_ERR_IO;
    }
    if (schema_version(c, &have, err, errlen) != VT_OK) return VT_ERR_IO;
    int newest = vt_network_migrations[vt_network_nmigrations - 1].version;
    if (have > newest) {
        snprintf(err, errlen, _("the server's schema is version %d, newer than this program's %d: upgrade vitrine "
                 "before using this database"), have, newest);
        return VT_ERR_UNSUPPORTED;
    }
    for (int i = 0; i < vt_network_nmigrations; i++) {
        if (vt_network_migrations[i].version <= have) continue;
        if (apply_one(c, &vt_network_migrations[i], err, errlen) != VT_OK) return VT_ERR_IO;
        if (applied) (*applied)++;
    }
    if (ensure_partitions(c, -1, 12, why, sizeof why) != VT_OK) {
        snprintf(err, errlen, _("cannot create the events' monthly partitions: %s"), why);
        return VT_ERR_IO;
    }
    return VT_OK;
}

vt_result vt_network_migrate(const char *url, int *applied, char *err, size_t errlen)
{
    if (applied) *applied = 0;
    PGconn *c = admin_connect(url, err, errlen);
    if (!c) return VT_ERR_IO;
    char why[768];
    if (net_exec(c, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", why, sizeof why) != VT_OK) {
        snprintf(err, errlen, _("cannot take the migration lock: %s"), why);
        PQfinish(c);
        return VT_ERR_IO;
    }
    vt_result r = migrate_locked(c, applied, err, errlen);
    PQclear(PQexec(c, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
    PQfinish(c);
    return r;
}

/* Characters (UTF-8 code points) of s. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static vt_result kiosk_args_check(const char *kiosk, const char *store, const char *password, char *err, size_t errlen)
{
    if (!net_name_ok(kiosk)) {
        snprintf(err, errlen, _("kiosk name '%s': expected 1-48 of A-Z a-z 0-9 _ . -"), kiosk ? kiosk : "");
        return VT_ERR_ARG;
    }
    if (!net_name_ok(store)) {
        snprintf(err, errlen, _("store name '%s': expected 1-48 of A-Z a-z 0-9 _ . -"), store ? store : "");
        return VT_ERR_ARG;
    }
    if (!password || utf8_chars(password) < 12) {
        snprintf(err, errlen, "%s", _("the kiosk's password must be at least 12 characters"));
        return VT_ERR_ARG;
    }
    if (strpbrk(password, "\r\n")) {
        snprintf(err, errlen, "%s", _("the kiosk's password holds a line break"));
        return VT_ERR_ARG;
    }
    return VT_OK;
}

/* CREATE or ALTER the kiosk's LOGIN role with its password, member of vitrine_kiosk. The
 * password is hashed here (SCRAM, as the server's password_encryption says): neither it nor its
 * hash can break the statement (PQescapeLiteral), and the plain password never reaches the
 * server's logs. */
static vt_result kiosk_role(PGconn *c, const char *role, const char *password, int exists, char *err, size_t errlen)
{
    char *hash = PQencryptPasswordConn(c, password, role, NULL);
    if (!hash) { net_error(c, NULL, err, errlen); return VT_ERR_IO; }
    char *id = PQescapeIdentifier(c, role, strlen(role)), *lit = PQescapeLiteral(c, hash, strlen(hash));
    PQfreemem(hash);
    vt_result r = VT_ERR_NO_MEMORY;
    if (id && lit) {
        size_t n = strlen(id) + strlen(lit) + 200;
        char *sql = malloc(n);
        if (sql) {
            if (exists) snprintf(sql, n, "ALTER ROLE %s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %s; GRANT vitrine_kiosk TO %s", id, lit, id);
            else snprintf(sql, n, "CREATE ROLE %s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %s IN ROLE vitrine_kiosk", id, lit);
            r = net_exec(c, sql, err, errlen);
            memset(sql, 0, n);
            free(sql);
        }
    }
    PQfreemem(id);
    PQfreemem(lit);
    return r;
}

/* In the transaction: refuses a kiosk already in another store (or whose role another kiosk has). */
static vt_result kiosk_place(PGconn *c, const char *kiosk, const char *store, const char *role, char *err, size_t errlen)
{
    PGresult *r = NULL;
    const char *v[2] = { kiosk, role };
    if (q(c, "SELECT name, store FROM vitrine.kiosks WHERE name = $1 OR role = $2 FOR UPDATE", 2, v, &r, err, errlen) != VT_OK)
        return VT_ERR_IO;
    vt_result res = VT_OK;
    for (int i = 0; i < PQntuples(r) && res == VT_OK; i++) {
        const char *name = PQgetvalue(r, i, 0), *in = PQgetvalue(r, i, 1);
        if (strcmp(name, kiosk)) {
            snprintf(err, errlen, _("kiosk '%s' would have the role %s, which kiosk '%s' (store '%s') has: choose another name"),
                     kiosk, role, name, in);
            res = VT_ERR_ARG;
        } else if (strcmp(in, store)) {
            snprintf(err, errlen, _("kiosk '%s' is already in store '%s', not '%s': choose another name"), kiosk, in, store);
            res = VT_ERR_ARG;
        }
    }
    PQclear(r);
    return res;
}

static vt_result add_kiosk_tx(PGconn *c, const char *kiosk, const char *store, const char *password, char *err,
                              size_t errlen)
{
    char role[80];
    vt_network_kiosk_role(kiosk, role, sizeof role);
    const char *vs[1] = { store }, *vr[1] = { role }, *vk[3] = { kiosk, store, role };
    PGresult *r = NULL;
    if (net_exec(c, "BEGIN", err, errlen) != VT_OK) return VT_ERR_IO;
    vt_result res = kiosk_place(c, kiosk, store, role, err, errlen);
    if (res == VT_OK) res = q(c, "INSERT INTO vitrine.stores (name) VALUES ($1) ON CONFLICT DO NOTHING", 1, vs, NULL, err, errlen);
    if (res == VT_OK) res = q(c, "SELECT 1 FROM pg_roles WHERE rolname = $1", 1, vr, &r, err, errlen);
    if (res == VT_OK) res = kiosk_role(c, role, password, PQntuples(r) > 0, err, errlen);
    PQclear(r);
    if (res == VT_OK)
        res = q(c, "INSERT INTO vitrine.kiosks (name, store, role) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING", 3, vk,
                NULL, err, errlen);
    if (res == VT_OK) res = net_exec(c, "COMMIT", err, errlen);
    if (res != VT_OK) rollback(c);
    return res;
}

vt_result vt_network_add_kiosk(const char *url, const char *kiosk, const char *store, const char *password, char *err,
                               size_t errlen)
{
    vt_result r = kiosk_args_check(kiosk, store, password, err, errlen);
    if (r != VT_OK) return r;
    PGconn *c = admin_connect(url, err, errlen);
    if (!c) return VT_ERR_IO;
    char why[768];
    r = add_kiosk_tx(c, kiosk, store, password, why, sizeof why);
    if (r == VT_ERR_ARG) snprintf(err, errlen, "%s", why);
    else if (r != VT_OK) snprintf(err, errlen, _("cannot add kiosk '%s' (has `vitrine network init` run?): %s"), kiosk, why);
    PQfinish(c);
    return r;
}

/* Detaches and drops each monthly partition that ends before keep_months months ago. */
static vt_result drop_old(PGconn *c, int keep_months, int *dropped, char *err, size_t errlen)
{
    char km[16];
    snprintf(km, sizeof km, "%d", keep_months);
    const char *v[1] = { km };
    PGresult *r = NULL;
    if (q(c, "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
             " WHERE i.inhparent = 'vitrine.events'::regclass AND c.relname ~ '^events_[0-9]{4}_[0-9]{2}$'"
             " AND to_date(substr(c.relname, 8), 'YYYY_MM') + interval '1 month'"
             "     <= date_trunc('month', now()) - make_interval(months => $1::int)"
             " ORDER BY 1", 1, v, &r, err, errlen) != VT_OK)
        return VT_ERR_IO;
    vt_result res = VT_OK;
    for (int i = 0; i < PQntuples(r) && res == VT_OK; i++) {
        const char *name = PQgetvalue(r, i, 0);
        char *id = PQescapeIdentifier(c, name, strlen(name)), sql[400];
        if (!id) { res = VT_ERR_NO_MEMORY; break; }
        snprintf(sql, sizeof sql, "BEGIN; ALTER TABLE vitrine.events DETACH PARTITION vitrine.%s; DROP TABLE vitrine.%s; COMMIT",
                 id, id);
        PQfreemem(id);
        res = net_exec(c, sql, err, errlen);
        if (res != VT_OK) rollback(c);
        else if (dropped) (*dropped)++;
    }
    PQclear(r);
    return res;
}

vt_result vt_network_maintain(const char *url, int months_ahead, int keep_months, int *dropped, char *err, size_t errlen)
{
    if (dropped) *dropped = 0;
    if (months_ahead < 0 || months_ahead > 120 || keep_months < 0 || keep_months > 1200) {
        snprintf(err, errlen, "%s", _("months ahead: 0-120; months kept: 0-1200"));
        return VT_ERR_ARG;
    }
    PGconn *c = admin_connect(url, err, errlen);
    if (!c) return VT_ERR_IO;
    char why[768];
    vt_result r = VT_OK;
    if (keep_months > 0 && drop_old(c, keep_months, dropped, why, sizeof why) != VT_OK) {
        snprintf(err, errlen, _("cannot drop the old partitions: %s"), why);
        r = VT_ERR_IO;
    }
    if (r == VT_OK && ensure_partitions(c, 0, months_ahead ? months_ahead : 12, why, sizeof why) != VT_OK) {
        snprintf(err, errlen, _("cannot create the events' monthly partitions (has `vitrine network init` run?): %s"), why);
        r = VT_ERR_IO;
    }
    PQfinish(c);
    return r;
}

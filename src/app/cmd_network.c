/* cmd_network.c — `vitrine network init|add-kiosk|publish|kiosks|maintain`: the shop network's
 * PostgreSQL side from the command line (docs/network.md). */
#include "app/vt_app.h"
#include "app_checks.h"
#include "i18n/vt_i18n.h"
#include "network/vt_network.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *k_help =
    /* TRANSLATORS: --help: keep commands, option names, CAPITAL values and the layout as they are. */
    N_("usage: vitrine network init --db URL\n"
    "       vitrine network add-kiosk --db URL --store STORE [--password-file FILE] KIOSK\n"
    "       vitrine network publish --db URL --store STORE [--by NAME] [--summary TEXT] CATALOG\n"
    "       vitrine network kiosks --db URL [--json]\n"
    "       vitrine network maintain --db URL [--months-ahead N] [--keep-months N]\n"
    "\n"
    "The shop network on PostgreSQL (docs/network.md). URL: postgresql://USER@HOST/DB (a password\n"
    "in ~/.pgpass or PGPASSWORD rather than in the URL); a server not on this machine is reached\n"
    "over TLS only (sslmode=verify-full unless the URL says require or verify-ca).\n"
    "  init       creates or upgrades the schema, the roles vitrine_kiosk and vitrine_console, and\n"
    "             the visits' monthly partitions (needs a role that may create schemas and roles)\n"
    "  add-kiosk  a kiosk of a store: its own login role with its password (read from FILE, or the\n"
    "             first line of standard input; at least 12 characters); again with the same store:\n"
    "             a new password\n"
    "  publish    the catalog and its models as the store's next version, after the checks of\n"
    "             `vitrine validate`; the store's kiosks take it\n"
    "  kiosks     every kiosk: its store, last seen, catalog version, frame rate, camera, warnings\n"
    "  maintain   partitions for the months ahead (default 12) and, with --keep-months, the\n"
    "             visits of older months dropped (run it monthly, e.g. from a systemd timer)\n"
    "\n"
    "  --db URL            the network's PostgreSQL database\n"
    "  --store STORE       the store's name (1-48 of A-Z a-z 0-9 _ . -)\n"
    "  --password-file FILE  the kiosk's password, on its first line\n"
    "  --by NAME           who publishes (kept with the version)\n"
    "  --summary TEXT      what changed (kept with the version)\n"
    "  --json              the kiosks as JSON\n"
    "  --months-ahead N    partitions made ahead (1-120)\n"
    "  --keep-months N     months of visits kept (older partitions dropped)\n"
    "Exit status: 0 done, 1 the work failed (one line says why), 2 bad arguments.\n");

typedef struct net_opts {
    const char *db, *store, *password_file, *by, *summary;
    int json, months_ahead, keep_months;
} net_opts;

/* The password's first line, from a file or standard input (never the command line). */
static int read_password(const char *file, char *out, size_t len)
{
    FILE *f = file ? fopen(file, "r") : stdin;
    if (!f) {
        VT_ERROR("network", "--password-file %s: cannot be read", file);
        return 0;
    }
    int ok = fgets(out, (int)len, f) != NULL;
    if (file) fclose(f);
    out[strcspn(out, "\r\n")] = 0;
    if (!ok || !out[0]) {
        VT_ERROR("network", "no password given (--password-file FILE, or its first line on standard input)");
        return 0;
    }
    return 1;
}

static int cmd_init(const net_opts *o)
{
    char err[1400];
    int applied = 0;
    if (vt_network_migrate(o->db, &applied, err, sizeof err) != VT_OK) {
        VT_ERROR("network", "%s", err);
        return 1;
    }
    printf(_("schema at version %d: %d migration(s) applied, partitions ready\n"), VT_NETWORK_SCHEMA_VERSION, applied);
    return 0;
}

static int cmd_add_kiosk(const net_opts *o, const char *kiosk)
{
    char pw[1024], err[1400], role[80];
    if (!read_password(o->password_file, pw, sizeof pw)) return 2;
    vt_result r = vt_network_add_kiosk(o->db, kiosk, o->store, pw, err, sizeof err);
    memset(pw, 0, sizeof pw);
    if (r != VT_OK) {
        VT_ERROR("network", "%s", err);
        return r == VT_ERR_ARG ? 2 : 1;
    }
    vt_network_kiosk_role(kiosk, role, sizeof role);
    printf(_("kiosk %s of store %s: role %s\n"), kiosk, o->store, role);
    return 0;
}

static int cmd_publish(const net_opts *o, const char *catalog)
{
    char err[1400];
    int errors = app_catalog_errors(catalog, err, sizeof err);
    if (errors) {
        VT_ERROR("network", "not published: %s (%d error(s); `vitrine validate %s` lists them)", err, errors, catalog);
        return 1;
    }
    int version = 0;
    if (vt_network_publish(o->db, o->store, catalog, o->by, o->summary, &version, err, sizeof err) != VT_OK) {
        VT_ERROR("network", "%s", err);
        return 1;
    }
    printf(_("%s published as version %d of store %s\n"), catalog, version, o->store);
    return 0;
}

static const char *jstr(const cJSON *o, const char *k, char *buf, size_t len)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (cJSON_IsString(v)) snprintf(buf, len, "%s", v->valuestring);
    else if (cJSON_IsNumber(v)) snprintf(buf, len, "%g", v->valuedouble);
    else if (cJSON_IsBool(v)) snprintf(buf, len, "%s", cJSON_IsTrue(v) ? _("online") : _("offline"));
    else snprintf(buf, len, "-");
    for (char *p = buf; *p; p++)
        if (*p == '\n') *p = ';';   /* the warnings: one per line there, one row here */
    return buf;
}

static void print_kiosks(const cJSON *kiosks)
{
    static const char *const keys[7] = { "name", "store", "online", "last_seen", "catalog_version", "fps", "camera" };
    const char *head[7] = { _("kiosk"), _("store"), _("state"), _("last seen (UTC)"), _("version"), _("fps"), _("camera") };
    int w[7] = { 0 };
    char buf[1024], cell[1100];
    const cJSON *k;
    for (int c = 0; c < 7; c++) w[c] = vt_i18n_text_width(head[c]);
    cJSON_ArrayForEach(k, kiosks)
        for (int c = 0; c < 7; c++) {
            int tw = vt_i18n_text_width(jstr(k, keys[c], buf, sizeof buf));
            if (tw > w[c]) w[c] = tw > 48 ? 48 : tw;
        }
    for (int c = 0; c < 7; c++) printf("%s ", vt_i18n_pad(head[c], w[c], 0, cell, sizeof cell));
    printf("%s\n", _("warnings"));
    cJSON_ArrayForEach(k, kiosks) {
        for (int c = 0; c < 7; c++) printf("%s ", vt_i18n_pad(jstr(k, keys[c], buf, sizeof buf), w[c], 0, cell, sizeof cell));
        printf("%s\n", jstr(k, "warnings", buf, sizeof buf));
    }
    if (!cJSON_GetArraySize(kiosks)) printf("%s\n", _("(no kiosk yet: vitrine network add-kiosk)"));
}

static int cmd_kiosks(const net_opts *o)
{
    char err[1400], *json = NULL;
    if (vt_network_overview_json(o->db, NULL, NULL, &json, err, sizeof err) != VT_OK) {
        VT_ERROR("network", "%s", err);
        return 1;
    }
    cJSON *root = cJSON_Parse(json);
    free(json);
    cJSON *kiosks = cJSON_GetObjectItem(root, "kiosks");
    if (o->json) {
        char *text = cJSON_PrintUnformatted(kiosks);
        printf("%s\n", text ? text : "[]");
        free(text);
    } else {
        print_kiosks(kiosks);
    }
    cJSON_Delete(root);
    return 0;
}

static int cmd_maintain(const net_opts *o)
{
    char err[1400];
    int dropped = 0;
    if (vt_network_maintain(o->db, o->months_ahead, o->keep_months, &dropped, err, sizeof err) != VT_OK) {
        VT_ERROR("network", "%s", err);
        return 1;
    }
    printf(_("partitions ready for %d month(s) ahead; %d old partition(s) dropped\n"), o->months_ahead ? o->months_ahead : 12,
           dropped);
    return 0;
}

static int parse_opts(int argc, char **argv, net_opts *o)
{
    static const struct option lo[] = {
        { "db", required_argument, 0, 'd' },      { "store", required_argument, 0, 's' },
        { "password-file", required_argument, 0, 'p' }, { "by", required_argument, 0, 'b' },
        { "summary", required_argument, 0, 'm' }, { "json", no_argument, 0, 'j' },
        { "months-ahead", required_argument, 0, 'a' }, { "keep-months", required_argument, 0, 'k' },
        { "help", no_argument, 0, 'h' },          { 0, 0, 0, 0 },
    };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 's': o->store = optarg; break;
        case 'p': o->password_file = optarg; break;
        case 'b': o->by = optarg; break;
        case 'm': o->summary = optarg; break;
        case 'j': o->json = 1; break;
        case 'a': case 'k': {
            int v = 0;
            if (vt_parse_int(optarg, 1, c == 'a' ? 120 : 1200, &v) != 0) {
                VT_ERROR("network", "--%s '%s': expected a whole number of months (%s)", c == 'a' ? "months-ahead" : "keep-months",
                         optarg, c == 'a' ? "1-120" : "1-1200");
                return 2;
            }
            if (c == 'a') o->months_ahead = v;
            else o->keep_months = v;
            break;
        }
        case 'h': fputs(_(k_help), stdout); return 0;
        default:
            VT_ERROR("network", "unknown or incomplete option '%s' (try 'vitrine network --help')", argv[optind - 1]);
            return 2;
        }
    }
    return -1;
}

/* argv[0] is "network", argv[1] the subcommand. */
int vt_cmd_network(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) { fputs(_(k_help), stdout); return 0; }
        VT_ERROR("network", "give a subcommand: init, add-kiosk, publish, kiosks or maintain (try 'vitrine network --help')");
        return 2;
    }
    const char *sub = argv[1];
    net_opts o = { 0 };
    int rc = parse_opts(argc - 1, argv + 1, &o);
    if (rc >= 0) return rc;
    int nargs = argc - 1 - optind;
    char **args = argv + 1 + optind;
    int needs_store = !strcmp(sub, "add-kiosk") || !strcmp(sub, "publish");
    int known = needs_store || !strcmp(sub, "init") || !strcmp(sub, "kiosks") || !strcmp(sub, "maintain");
    if (!known) {
        VT_ERROR("network", "unknown subcommand '%s' (try 'vitrine network --help')", sub);
        return 2;
    }
    if (!o.db) { VT_ERROR("network", "%s: give the database with --db URL", sub); return 2; }
    if (needs_store && !o.store) { VT_ERROR("network", "%s: give the store with --store STORE", sub); return 2; }
    if (nargs != (needs_store ? 1 : 0)) {
        VT_ERROR("network", "%s: %s (try 'vitrine network --help')", sub,
                 !strcmp(sub, "add-kiosk") ? "give one kiosk name" : !strcmp(sub, "publish") ? "give one catalog file"
                                                                                             : "takes no file or name");
        return 2;
    }
    if (!strcmp(sub, "init")) return cmd_init(&o);
    if (!strcmp(sub, "add-kiosk")) return cmd_add_kiosk(&o, args[0]);
    if (!strcmp(sub, "publish")) return cmd_publish(&o, args[0]);
    if (!strcmp(sub, "kiosks")) return cmd_kiosks(&o);
    return cmd_maintain(&o);
}

/* cmd_stats.c — `vitrine stats`: what visitors looked at, from a run's analytics database, on the
 * store's clock (the catalog's store.timezone) and in its locale's dates. */
#include "analytics/vt_analytics.h"
#include "app/vt_app.h"
#include "catalog/vt_catalog.h"
#include "network/vt_network.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char *k_help =
    N_("usage: vitrine stats [FILE.sqlite | --db URL] [--catalog FILE] [--utc | --timezone ZONE] [--from DATE]\n"
    "                     [--to DATE] [--json | --csv]\n"
    "\n"
    "Per product: times found, total and median dwell in seconds, product cards opened, basket\n"
    "adds and conversion (adds / founds); per day and per hour on the store's clock; and totals.\n"
    "A readable table by default, its dates and hours as the store's locale writes them; JSON and\n"
    "CSV write times in ISO 8601 with the zone's offset (2026-03-29T03:00+02:00).\n"
    "FILE is what `vitrine run --analytics` wrote. Without FILE: the database `vitrine run` keeps\n"
    "for the catalog (--catalog, else the default one: %s),\n"
    "vitrine-analytics.sqlite beside it when its folder is the shop's own and writable, else in\n"
    "%s.\n"
    "\n"
    "  --catalog FILE    the store's catalog: its store.timezone and store.locale (without it, or\n"
    "                    without store.timezone, the machine's time zone; without FILE too, the\n"
    "                    default catalog's)\n"
    "  --utc             days and hours in UTC\n"
    "  --timezone ZONE   days and hours in another IANA zone (America/New_York)\n"
    "  --from/--to DATE  YYYY-MM-DD (a whole day) or YYYY-MM-DDTHH:MM:SS, on that clock; --to is inclusive\n"
    "  --db URL          the shop network's PostgreSQL (postgresql://...): per store, per kiosk and per\n"
    "                    product across the network, days in UTC (--from/--to: YYYY-MM-DD)\n");

/* Which zone and why (the table's first line says it): --utc, --timezone, the catalog's, the machine's. */
static void pick_zone(vt_stats_desc *d, int utc, const char *zone, const char *catalog, const vt_catalog *cat, char *why,
                      size_t len)
{
    d->time_zone = utc ? "UTC" : zone ? zone : cat && cat->time_zone ? cat->time_zone : NULL;
    if (utc) snprintf(why, len, "%s", "--utc");   /* option names: never translated */
    else if (zone) snprintf(why, len, "%s", "--timezone");
    else if (cat && cat->time_zone) snprintf(why, len, _("store.timezone in %s"), catalog);
    else if (cat) snprintf(why, len, _("the machine's time zone: %s has no store.timezone"), catalog);
    else snprintf(why, len, _("the machine's time zone; --catalog FILE for the store's"));
    d->zone_source = why;
    d->locale = cat ? cat->locale : NULL;
}

static int stats_run(const char *db, const char *catalog, vt_stats_desc *d, int utc, const char *zone)
{
    char err[1024], why[1200];
    vt_catalog *cat = NULL;
    if (zone && vt_time_zone_check(zone, err, sizeof err) != VT_OK) {
        VT_ERROR("stats", "--timezone: %s", err);
        return 2;
    }
    if (catalog && vt_catalog_load(catalog, &cat, err, sizeof err) != VT_OK) {
        VT_ERROR("stats", "%s", err);
        return 1;
    }
    pick_zone(d, utc, zone, catalog, cat, why, sizeof why);
    vt_result r = vt_stats_print(db, d, stdout, err, sizeof err);
    vt_catalog_destroy(cat);
    if (r != VT_OK) {
        VT_ERROR("stats", "%s", err);
        return 1;
    }
    return 0;
}

/* The network's figures (--db postgresql://...): UTC days; a file or a zone makes no sense there. */
static int stats_network(const char *url, const vt_stats_desc *d)
{
    char err[1400];
    if (!vt_network_is_url(url)) {
        VT_ERROR("stats", "--db: expected a PostgreSQL URL (postgresql://...) and no analytics file besides");
        return 2;
    }
    vt_result r = vt_network_stats_print(url, d->from, d->to, d->format == VT_STATS_JSON ? 1 : d->format == VT_STATS_CSV ? 2 : 0,
                                         stdout, err, sizeof err);
    if (r != VT_OK) {
        VT_ERROR("stats", "%s", err);
        return r == VT_ERR_ARG ? 2 : 1;
    }
    return 0;
}

int vt_cmd_stats(int argc, char **argv)
{
    static const struct option lo[] = {
        { "from", required_argument, 0, 'f' }, { "to", required_argument, 0, 't' }, { "json", no_argument, 0, 'j' },
        { "csv", no_argument, 0, 'c' },        { "help", no_argument, 0, 'h' },    { "catalog", required_argument, 0, 'k' },
        { "utc", no_argument, 0, 'u' },        { "timezone", required_argument, 0, 'z' },
        { "db", required_argument, 0, 'D' },   { 0, 0, 0, 0 },
    };
    vt_stats_desc d = { 0 };
    const char *catalog = NULL, *zone = NULL, *net = NULL;
    int c, utc = 0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'f': d.from = optarg; break;
        case 't': d.to = optarg; break;
        case 'j': d.format = VT_STATS_JSON; break;
        case 'c': d.format = VT_STATS_CSV; break;
        case 'k': catalog = optarg; break;
        case 'u': utc = 1; break;
        case 'z': zone = optarg; break;
        case 'D': net = optarg; break;
        case 'h': printf(_(k_help), vt_default_catalog(), vt_state_dir()); return 0;
        default:
            VT_ERROR("stats", "unknown or incomplete option '%s' (try 'vitrine stats --help')", argv[optind - 1]);
            return 2;
        }
    }
    for (int i = 0; i < 2; i++)
        if ((i ? d.to : d.from) && vt_parse_date(i ? d.to : d.from)) {
            VT_ERROR("stats", "--%s '%s': expected a date as YYYY-MM-DD (optionally with THH:MM:SS)", i ? "to" : "from",
                     i ? d.to : d.from);
            return 2;
        }
    if (utc && zone) {
        VT_ERROR("stats", "--utc and --timezone: give one of them");
        return 2;
    }
    if (net && optind < argc) {
        VT_ERROR("stats", "give --db URL or an analytics file, not both (try 'vitrine stats --help')");
        return 2;
    }
    if (!net && optind == argc - 1 && vt_network_is_url(argv[optind])) net = argv[optind];
    if (net && zone) {
        VT_ERROR("stats", "--db: the network's days are UTC days; --timezone does not apply");
        return 2;
    }
    if (net) return stats_network(net, &d);
    if (optind < argc - 1) {
        VT_ERROR("stats", "give one analytics database at most (try 'vitrine stats --help')");
        return 2;
    }
    if (optind == argc - 1) return stats_run(argv[optind], catalog, &d, utc, zone);
    char db[4200];   /* where `vitrine run` with the same catalog keeps it */
    if (!catalog) catalog = vt_default_catalog();
    vt_state_file_for(catalog, "vitrine-analytics.sqlite", db, sizeof db);
    return stats_run(db, catalog, &d, utc, zone);
}

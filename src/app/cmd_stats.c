/* cmd_stats.c — `vitrine stats`: what visitors looked at, from a run's analytics database. */
#include "analytics/vt_analytics.h"
#include "app/vt_app.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char *k_help =
    /* TRANSLATORS: --help: keep commands, option names, CAPITAL values and the layout as they are. */
    N_("usage: vitrine stats FILE.sqlite [--from DATE] [--to DATE] [--json | --csv]\n"
    "\n"
    "Per product: times found, total and median dwell in seconds, product cards opened, basket\n"
    "adds and conversion (adds / founds); per hour of day (UTC); and totals. A readable table by\n"
    "default. DATE is YYYY-MM-DD (a whole day, UTC) or YYYY-MM-DDTHH:MM:SS; --to is inclusive.\n"
    "FILE is what `vitrine run --analytics` wrote (by default vitrine-analytics.sqlite beside\n"
    "the catalog).\n");

int vt_cmd_stats(int argc, char **argv)
{
    static const struct option lo[] = {
        { "from", required_argument, 0, 'f' }, { "to", required_argument, 0, 't' }, { "json", no_argument, 0, 'j' },
        { "csv", no_argument, 0, 'c' },        { "help", no_argument, 0, 'h' },    { 0, 0, 0, 0 },
    };
    const char *from = NULL, *to = NULL;
    vt_stats_format fmt = VT_STATS_TABLE;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 'j': fmt = VT_STATS_JSON; break;
        case 'c': fmt = VT_STATS_CSV; break;
        case 'h': fputs(_(k_help), stdout); return 0;
        default:
            VT_ERROR("stats", "unknown or incomplete option '%s' (try 'vitrine stats --help')", argv[optind - 1]);
            return 2;
        }
    }
    for (int i = 0; i < 2; i++)
        if ((i ? to : from) && vt_parse_date(i ? to : from)) {
            VT_ERROR("stats", "--%s '%s': expected a date as YYYY-MM-DD (optionally with THH:MM:SS)", i ? "to" : "from", i ? to : from);
            return 2;
        }
    if (optind != argc - 1) {
        VT_ERROR("stats", "give exactly one analytics database (try 'vitrine stats --help')");
        return 2;
    }
    char err[1024];
    if (vt_stats_print(argv[optind], from, to, fmt, stdout, err, sizeof err) != VT_OK) {
        VT_ERROR("stats", "%s", err);
        return 1;
    }
    return 0;
}

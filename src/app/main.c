/* main.c — `vitrine COMMAND ...`: dispatches to the subcommands. */
#include "app/vt_app.h"
#include "core/vt_core.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *k_usage =
    /* TRANSLATORS: --help: keep commands, option names, CAPITAL values and the layout as they are. */
    N_("usage: vitrine COMMAND [OPTIONS] ...\n"
    "\n"
    "Vitrine finds printed product markers in camera frames and shows each product on its marker.\n"
    "\n"
    "commands:\n"
    "  run       the AR display: products and prices on their markers, in a window or headless\n"
    "  stats     what visitors looked at: per product, per hour, totals (from vitrine run's analytics)\n"
    "  calibrate camera intrinsics and lens distortion from views of a chessboard or ChArUco board\n"
    "  view      a turntable preview of one model (or a catalog product as placed) with its size,\n"
    "            origin, axes and warnings\n"
    "  validate  check a catalog: every problem with its line and column\n"
    "  markers   printable sheets of the catalog's markers, or a calibration board, at true size\n"
    "  detect    find markers and their poses in images, folders or videos; JSON Lines on stdout\n"
    "  console   the web console without the display: edit the catalog from a browser\n"
    "  cameras   the cameras present: their modes and controls, and the --camera options to use one\n"
    "  doctor    is this machine ready: cameras, renderer, fonts, catalog, models, disk, time zone\n"
    "  network   the shop network on PostgreSQL: schema, kiosks and their roles, publications\n"
    "\n"
    "  vitrine COMMAND --help   options of one command\n"
    "  vitrine --version        the version\n");

int main(int argc, char **argv)
{
    vt_i18n_init(NULL);
    if (argc < 2) {
        fputs(_(k_usage), stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(_(k_usage), stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("vitrine %s\n", VT_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "__load-model")) return vt_cmd_load_model(argc - 1, argv + 1);   /* internal: run's model loader */
    if (!strcmp(cmd, "detect")) return vt_cmd_detect(argc - 1, argv + 1);
    if (!strcmp(cmd, "run")) return vt_cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "stats")) return vt_cmd_stats(argc - 1, argv + 1);
    if (!strcmp(cmd, "calibrate")) return vt_cmd_calibrate(argc - 1, argv + 1);
    if (!strcmp(cmd, "markers")) return vt_cmd_markers(argc - 1, argv + 1);
    if (!strcmp(cmd, "validate")) return vt_cmd_validate(argc - 1, argv + 1);
    if (!strcmp(cmd, "view")) return vt_cmd_view(argc - 1, argv + 1);
    if (!strcmp(cmd, "console")) return vt_cmd_console(argc - 1, argv + 1);
    if (!strcmp(cmd, "cameras")) return vt_cmd_cameras(argc - 1, argv + 1);
    if (!strcmp(cmd, "doctor")) return vt_cmd_doctor(argc - 1, argv + 1);
    if (!strcmp(cmd, "network")) return vt_cmd_network(argc - 1, argv + 1);
    VT_ERROR(NULL, "unknown command '%s' (try 'vitrine --help')", cmd);
    return 2;
}

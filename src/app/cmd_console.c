/* cmd_console.c — `vitrine console`: the shop's web console without the display (preparing a
 * catalog from a browser), and `--set-password`, the console's password. */

#include "app/vt_app.h"
#include "assets/vt_assets.h"
#include "console/vt_console.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const char *k_help =
    /* TRANSLATORS: --help: keep option names, CAPITAL values and the layout as they are. */
    N_("usage: vitrine console --catalog FILE [--listen ADDR:PORT] [--state DIR]\n"
    "                       [--tls-cert FILE --tls-key FILE] [--insecure] [--analytics DB]\n"
    "                       [--network URL]\n"
    "       vitrine console --catalog FILE [--state DIR] --set-password\n"
    "\n"
    "Serves the web console: the catalog's products, prices, promotions, models, marker sheets and\n"
    "visits, edited from a browser. Every change is written to the catalog file atomically and\n"
    "kept as a version; a running display picks it up by itself. Serves until Ctrl-C (or SIGTERM).\n"
    "\n"
    "  --catalog FILE      the catalog it edits (required)\n"
    "  --listen ADDR:PORT  where it listens (default 127.0.0.1:8080; [::1]:8080 for IPv6; port 0\n"
    "                      picks a free one); off loopback it needs HTTPS or --insecure\n"
    "  --state DIR         password, saved versions, thumbnails (default: .vitrine-console beside\n"
    "                      the catalog when its folder is the shop's own and writable, else\n"
    "                      %s/console)\n"
    "  --tls-cert FILE     HTTPS: the certificate (PEM) ...\n"
    "  --tls-key FILE      ... and its private key (PEM)\n"
    "  --insecure          plain HTTP off loopback (only on a network you trust)\n"
    "  --analytics DB      the visits database (default: where `vitrine run` keeps it:\n"
    "                      vitrine-analytics.sqlite beside the catalog as for --state, else in\n"
    "                      %s)\n"
    "  --network URL       the shop network (docs/network.md): a PostgreSQL URL for a console role;\n"
    "                      adds the Network page (every kiosk, figures across stores) and\n"
    "                      publishing the catalog to a store\n"
    "  --set-password      read the console's password from standard input (asked twice on a\n"
    "                      terminal), store its hash and exit; at least 8 characters\n");

/* One line from stdin without its newline; on a terminal without echo. -1 at end of input. */
static int read_line(const char *prompt, char *out, size_t len)
{
    int tty = isatty(STDIN_FILENO);
    struct termios old, quiet;
    if (tty && tcgetattr(STDIN_FILENO, &old) == 0) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        /* echo off (what was typed before, maybe seen, dropped), then the prompt: what comes after it is kept */
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        fputs(prompt, stderr);
        fflush(stderr);
    } else tty = 0;
    char *got = fgets(out, (int)len, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        fputc('\n', stderr);
    }
    if (!got) return -1;
    out[strcspn(out, "\r\n")] = 0;
    return 0;
}

static int set_password(const vt_console_desc *d)
{
    char state[4096], pw[1100], again[1100], err[1024];
    if (vt_file_check(d->catalog, err, sizeof err) != VT_OK) {
        VT_ERROR("console", "%s", err);
        return 2;
    }
    vt_console_state_dir(d, state, sizeof state);
    if (read_line(_("console password: "), pw, sizeof pw)) {
        VT_ERROR("console", "--set-password: no password on standard input");
        return 2;
    }
    if (isatty(STDIN_FILENO)) {
        if (read_line(_("the same again: "), again, sizeof again) || strcmp(pw, again)) {
            explicit_bzero(again, sizeof again);
            explicit_bzero(pw, sizeof pw);
            VT_ERROR("console", "--set-password: the two passwords differ; nothing changed");
            return 2;
        }
        explicit_bzero(again, sizeof again);
    }
    vt_result r = vt_console_set_password(state, pw, err, sizeof err);
    explicit_bzero(pw, sizeof pw);
    if (r != VT_OK) {
        VT_ERROR(NULL, "%s", err);   /* err names the console already */
        return r == VT_ERR_ARG ? 2 : 1;
    }
    VT_NOTE("console", "password stored in %s/password", state);
    return 0;
}

/* Serves until SIGINT or SIGTERM: both blocked first (every server thread inherits the mask),
 * then waited for here. */
static int serve(const vt_console_desc *d)
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    char err[1024];
    vt_console *c = NULL;
    vt_model_isolated_set_exe("/proc/self/exe");   /* uploaded models are checked in a child under limits */
    vt_result r = vt_console_create(d, &c, err, sizeof err);
    if (r != VT_OK) {
        VT_ERROR(NULL, "%s", err);
        return r == VT_ERR_ARG || r == VT_ERR_NOT_FOUND ? 2 : 1;
    }
    int sig = 0;
    while (sigwait(&stop, &sig) != 0) {
    }
    VT_NOTE("console", "stopping (%s)", sig == SIGINT ? "SIGINT" : "SIGTERM");
    vt_console_destroy(c);
    return 0;
}

int vt_cmd_console(int argc, char **argv)
{
    static const struct option lo[] = {
        { "catalog", required_argument, 0, 'k' },  { "listen", required_argument, 0, 'l' },
        { "state", required_argument, 0, 's' },    { "tls-cert", required_argument, 0, 'c' },
        { "tls-key", required_argument, 0, 'K' },  { "insecure", no_argument, 0, 'i' },
        { "analytics", required_argument, 0, 'a' }, { "set-password", no_argument, 0, 'p' },
        { "network", required_argument, 0, 'n' },
        { "help", no_argument, 0, 'h' },           { 0, 0, 0, 0 },
    };
    vt_console_desc d = { 0 };
    int c, setpw = 0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'k': d.catalog = optarg; break;
        case 'l': d.listen = optarg; break;
        case 's': d.state_dir = optarg; break;
        case 'c': d.tls_cert = optarg; break;
        case 'K': d.tls_key = optarg; break;
        case 'i': d.insecure = 1; break;
        case 'a': d.analytics = optarg; break;
        case 'n': d.network = optarg; break;
        case 'p': setpw = 1; break;
        case 'h': printf(_(k_help), vt_state_dir(), vt_state_dir()); return 0;
        default:
            VT_ERROR("console", "unknown or incomplete option '%s' (try 'vitrine console --help')", argv[optind - 1]);
            return 2;
        }
    }
    if (optind != argc) {
        VT_ERROR("console", "unexpected argument '%s' (try 'vitrine console --help')", argv[optind]);
        return 2;
    }
    if (!d.catalog) {
        VT_ERROR("console", "--catalog FILE is required (try 'vitrine console --help')");
        return 2;
    }
    if (!d.tls_cert != !d.tls_key) {
        VT_ERROR("console", "--tls-cert and --tls-key go together");
        return 2;
    }
    return setpw ? set_password(&d) : serve(&d);
}

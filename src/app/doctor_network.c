/* doctor_network.c — `vitrine doctor`'s network check (issue 20): what network.conf says (the
 * file `vitrine run` reads when no --network is given), whether its URL passes the TLS policy,
 * whether the server answers within 3 s, and whether it takes the kiosk's role. The kiosk client
 * itself is started for it, against a throwaway outbox and state folder, so the check is the
 * kiosk's own path: an unreachable server is a warning (the display runs and catches up later),
 * a role the server refuses a blocker (it never will). */
#define _XOPEN_SOURCE 700   /* nftw */
#include "doctor.h"
#include "run.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define REACH_S 3.0

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    remove(path);
    return 0;
}

/* 1 when err reads as the server refusing who we are (a password, a role, a privilege), not as
 * a server that is not there. */
static int refused_role(const char *err)
{
    static const char *words[] = { "authentication", "role", "permission denied", "not allowed", "no pg_hba.conf entry", "unknown kiosk" };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcasestr(err, words[i])) return 1;
    return 0;
}

/* Starts the client on a throwaway outbox and waits up to REACH_S for it to connect (and a
 * moment more for its registration to be refused). connected: 1 when it did; err: the last
 * error. VT_OK, or create's error. */
static vt_result try_connect(const run_opts *o, int *connected, char *err, size_t errlen)
{
    char dir[] = "/tmp/vitrine-doctor-XXXXXX", outbox[64], state[64];
    *connected = 0;
    err[0] = 0;
    if (!mkdtemp(dir)) { snprintf(err, errlen, _("cannot make a temporary folder in /tmp")); return VT_ERR_IO; }
    snprintf(outbox, sizeof outbox, "%s/outbox.sqlite", dir);
    snprintf(state, sizeof state, "%s/network", dir);
    vt_network_desc d = { .url = o->network, .kiosk = o->net_kiosk, .store = o->net_store, .outbox = outbox, .state_dir = state,
                          .insecure = o->network_insecure > 0, .connect_timeout_s = REACH_S, .heartbeat_s = 0.5 };
    vt_network *n = NULL;
    vt_result r = vt_network_create(&d, &n, err, errlen);
    uint64_t t0 = vt_now_ns();
    vt_network_stats st = { 0 };
    while (r == VT_OK && vt_ms_since(t0) < REACH_S * 1000 + 500) {
        vt_network_get_stats(n, &st);
        if (st.connected) break;
        usleep(50000);
    }
    if (st.connected) {   /* a heartbeat or two: a kiosk the server does not know says so now */
        usleep(1200000);
        vt_network_get_stats(n, &st);
    }
    if (r == VT_OK) {
        *connected = st.connected;
        snprintf(err, errlen, "%s", st.last_error);
    }
    vt_network_destroy(n);
    nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
    return r;
}

void doctor_check_network(doctor_check *c)
{
    run_opts *o = calloc(1, sizeof *o);
    if (!o) { doctor_set(c, DOCTOR_WARNING, _("out of memory")); return; }
    o->network_insecure = -1;
    char file[2100], safe[1200], err[1200];
    run_network_conf_default(file, sizeof file);
    run_network_config(o);   /* bad lines are warned about with FILE:LINE */
    if (!o->network) {
        doctor_set(c, DOCTOR_OK, _("not configured (no network in %s): this display keeps its own analytics"), file);
        free(o);
        return;
    }
    vt_network_url_redacted(o->network, safe, sizeof safe);
    doctor_detail(c, "%s", safe);
    if (!o->net_kiosk || !o->net_store) {
        doctor_set(c, DOCTOR_BLOCKER, _("%s: network is set, but not kiosk and store"), file);
    } else if (run_network_url_check(o->network, o->network_insecure > 0, err, sizeof err) != VT_OK) {
        doctor_set(c, DOCTOR_BLOCKER, "%s", err);
    } else {
        int connected = 0;
        vt_result r = try_connect(o, &connected, err, sizeof err);
        if (r != VT_OK) doctor_set(c, r == VT_ERR_ARG ? DOCTOR_BLOCKER : DOCTOR_WARNING, "%s", err);
        else if (err[0] && refused_role(err))
            doctor_set(c, DOCTOR_BLOCKER, _("kiosk %s (store %s) is refused: %s (`vitrine network add-kiosk` on the shop's side)"),
                       o->net_kiosk, o->net_store, err);
        else if (!connected)
            doctor_set(c, DOCTOR_WARNING, _("the server did not answer within %.0f s%s%s: the display runs on and ships its visits "
                       "when it is back"), REACH_S, err[0] ? ": " : "", err);
        else if (err[0]) doctor_set(c, DOCTOR_WARNING, _("connected as kiosk %s of store %s, but: %s"), o->net_kiosk, o->net_store, err);
        else doctor_set(c, DOCTOR_OK, _("kiosk %s of store %s, the server reached"), o->net_kiosk, o->net_store);
    }
    free(o);
}

/* console_auth.c — who may use the console: one password (its Argon2id hash in the state
 * folder), sessions in a cookie, a CSRF token per session, and login attempts rate-limited.
 *
 * The password file is read at each login, so `vitrine console --set-password` takes effect
 * without a restart. A rate-limited attempt is refused before Argon2 runs (the hash is the
 * costly part), and at most AUTH_VERIFIERS run at once, so logins cannot starve the server.
 * Session ids and tokens are compared in constant time. */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define AUTH_SESSIONS 256          /* the oldest goes when a login needs room */
#define AUTH_MAX_AGE_S 43200       /* 12 h: the cookie's Max-Age and the absolute expiry */
#define AUTH_IDLE_S (2 * 3600)     /* a session unused this long ends */
#define AUTH_TOKEN_HEX 64          /* 32 random bytes */
#define AUTH_CLIENTS 1024          /* addresses tracked for failed logins */
#define AUTH_FREE_FAILS 5          /* failures before the backoff starts */
#define AUTH_BACKOFF_S 30          /* the first wait; doubled each further failure */
#define AUTH_BACKOFF_MAX_S 3600
#define AUTH_GLOBAL_FAILS 50       /* failures from all addresses together ... */
#define AUTH_GLOBAL_WINDOW_S 300   /* ... within this window: every login waits */
#define AUTH_VERIFIERS 2           /* Argon2 checks at once */
#define AUTH_MIN_CHARS 8
#define AUTH_MAX_BYTES 1024

struct console_session {
    char id[AUTH_TOKEN_HEX + 1], csrf[AUTH_TOKEN_HEX + 1];
    time_t created, last;
    int used;
};

typedef struct fail_entry {
    char addr[64];
    int fails;
    time_t until, last;
} fail_entry;

struct console_auth {
    pthread_mutex_t lock;
    struct console_session s[AUTH_SESSIONS];
    fail_entry f[AUTH_CLIENTS];
    time_t global[AUTH_GLOBAL_FAILS];   /* ring of the latest failures' times */
    int global_next, verifying;
    char password_file[CONSOLE_PATH + 16];
};

static time_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

/* The stored hash into out (1), 0 when there is none, -1 when the file is damaged. */
static int read_hash(const char *file, char *out, size_t len)
{
    FILE *f = fopen(file, "rb");
    if (!f) return 0;
    size_t n = fread(out, 1, len - 1, f);
    fclose(f);
    out[n] = 0;
    out[strcspn(out, "\r\n")] = 0;
    return strncmp(out, "$argon2id$", 10) ? -1 : 1;
}

vt_result console_auth_open(vt_console *c, char *err, size_t errlen)
{
    if (sodium_init() < 0) {
        snprintf(err, errlen, _("console: libsodium cannot start"));
        return VT_ERR_INTERNAL;
    }
    struct console_auth *a = calloc(1, sizeof *a);
    if (!a) {
        snprintf(err, errlen, _("console: out of memory"));
        return VT_ERR_NO_MEMORY;
    }
    pthread_mutex_init(&a->lock, NULL);
    snprintf(a->password_file, sizeof a->password_file, "%s/password", c->state_dir);
    c->auth = a;
    char hash[crypto_pwhash_STRBYTES + 8];
    int have = read_hash(a->password_file, hash, sizeof hash);
    if (have == 0) VT_WARN("console", "no console password set: run vitrine console --catalog FILE --set-password");
    else if (have < 0) VT_ERROR_FILE("console", a->password_file, "not a console password hash: set it again with --set-password");
    return VT_OK;
}

void console_auth_close(vt_console *c)
{
    if (!c || !c->auth) return;
    sodium_memzero(c->auth->s, sizeof c->auth->s);
    pthread_mutex_destroy(&c->auth->lock);
    free(c->auth);
    c->auth = NULL;
}

/* ---- the password ---- */

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

vt_result vt_console_set_password(const char *state_dir, const char *password, char *err, size_t errlen)
{
    if (!password || utf8_chars(password) < AUTH_MIN_CHARS) {
        snprintf(err, errlen, _("console: the password is too short (at least %d characters)"), AUTH_MIN_CHARS);
        return VT_ERR_ARG;
    }
    if (strlen(password) > AUTH_MAX_BYTES) {
        snprintf(err, errlen, _("console: the password is too long (at most %d bytes)"), AUTH_MAX_BYTES);
        return VT_ERR_ARG;
    }
    char hash[crypto_pwhash_STRBYTES], file[CONSOLE_PATH + 16], tmp[CONSOLE_PATH + 64];
    if (sodium_init() < 0 || crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                               crypto_pwhash_MEMLIMIT_INTERACTIVE)) {
        snprintf(err, errlen, _("console: cannot hash the password (out of memory?)"));
        return VT_ERR_NO_MEMORY;
    }
    char why[CONSOLE_PATH + 200];
    if (vt_make_dirs(state_dir, 1, why, sizeof why) != VT_OK) {   /* the state folder's parents too */
        snprintf(err, errlen, _("console: %s"), why);
        return VT_ERR_IO;
    }
    snprintf(file, sizeof file, "%s/password", state_dir);
    vt_temp_name(file, tmp, sizeof tmp);
    /* the owner only, from the first byte written */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    size_t n = strlen(hash);
    int ok = fd >= 0 && fchmod(fd, 0600) == 0 && write(fd, hash, n) == (ssize_t)n && write(fd, "\n", 1) == 1;
    if (fd >= 0) close(fd);
    if (!ok) {
        snprintf(err, errlen, _("console: %s: cannot be written: %s"), file, strerror(errno));
        unlink(tmp);
        return VT_ERR_IO;
    }
    return vt_commit_file(tmp, file, err, errlen);
}

/* ---- sessions ---- */

static void random_hex(char *out)
{
    unsigned char b[AUTH_TOKEN_HEX / 2];
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(out, AUTH_TOKEN_HEX + 1, b, sizeof b);
}

static int expired(const struct console_session *s, time_t now)
{
    return !s->used || now - s->created >= AUTH_MAX_AGE_S || now - s->last >= AUTH_IDLE_S;
}

/* The cookie's session id (64 hex digits) into id; 0 when there is none. */
static int cookie_id(const console_req *rq, char *id)
{
    const char *ck = console_header(rq, "Cookie");
    for (const char *p = ck; p && *p;) {
        p += strspn(p, " \t;");
        size_t n = strcspn(p, ";");
        if (n == 11 + AUTH_TOKEN_HEX && !strncmp(p, "vt_session=", 11)) {
            memcpy(id, p + 11, AUTH_TOKEN_HEX);
            id[AUTH_TOKEN_HEX] = 0;
            return 1;
        }
        p += n;
    }
    return 0;
}

/* The live session with this id (constant-time compares over the whole table), or NULL. Lock held. */
static struct console_session *find(struct console_auth *a, const char *id, time_t now)
{
    struct console_session *hit = NULL;
    for (int i = 0; i < AUTH_SESSIONS; i++) {
        struct console_session *s = &a->s[i];
        if (s->used && expired(s, now)) sodium_memzero(s, sizeof *s);
        if (s->used && !sodium_memcmp(s->id, id, AUTH_TOKEN_HEX)) hit = s;
    }
    return hit;
}

struct console_session *console_auth_session(vt_console *c, const console_req *rq)
{
    char id[AUTH_TOKEN_HEX + 1];
    if (!c->auth || !cookie_id(rq, id)) return NULL;
    pthread_mutex_lock(&c->auth->lock);
    time_t now = now_s();
    struct console_session *s = find(c->auth, id, now);
    if (s) s->last = now;
    pthread_mutex_unlock(&c->auth->lock);
    return s;
}

int console_auth_csrf_ok(vt_console *c, const console_req *rq)
{
    char id[AUTH_TOKEN_HEX + 1];
    const char *tok = console_header(rq, "X-CSRF-Token");
    if (!c->auth || !tok || strlen(tok) != AUTH_TOKEN_HEX || !cookie_id(rq, id)) return 0;
    pthread_mutex_lock(&c->auth->lock);
    struct console_session *s = find(c->auth, id, now_s());
    int ok = s && !sodium_memcmp(s->csrf, tok, AUTH_TOKEN_HEX);
    pthread_mutex_unlock(&c->auth->lock);
    return ok;
}

/* {"csrf","expires"} of a session (copied under the lock). */
static cJSON *session_json(const char *csrf, time_t expires_wall)
{
    char when[32];
    struct tm tm;
    gmtime_r(&expires_wall, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON *j = cJSON_CreateObject();
    if (!j) return NULL;
    cJSON_AddStringToObject(j, "csrf", csrf);
    cJSON_AddStringToObject(j, "expires", when);
    return j;
}

static time_t wall_expiry(const struct console_session *s, time_t now)
{
    return time(NULL) + (AUTH_MAX_AGE_S - (now - s->created));
}

static void new_session(vt_console *c, const console_req *rq, console_resp *rs)
{
    struct console_auth *a = c->auth;
    char id[AUTH_TOKEN_HEX + 1], csrf[AUTH_TOKEN_HEX + 1], cookie[200];
    random_hex(id);
    random_hex(csrf);
    pthread_mutex_lock(&a->lock);
    time_t now = now_s();
    struct console_session *slot = NULL;
    for (int i = 0; i < AUTH_SESSIONS && !slot; i++) {
        struct console_session *s = &a->s[i];
        if (s->used && expired(s, now)) sodium_memzero(s, sizeof *s);
        if (!s->used) slot = s;
    }
    if (!slot) {   /* full: the oldest login makes room */
        slot = &a->s[0];
        for (int i = 1; i < AUTH_SESSIONS; i++)
            if (a->s[i].created < slot->created) slot = &a->s[i];
        VT_INFO("console", "%d sessions: the oldest one ended to make room", AUTH_SESSIONS);
    }
    *slot = (struct console_session){ .created = now, .last = now, .used = 1 };
    memcpy(slot->id, id, sizeof id);
    memcpy(slot->csrf, csrf, sizeof csrf);
    time_t exp = wall_expiry(slot, now);
    pthread_mutex_unlock(&a->lock);
    snprintf(cookie, sizeof cookie, "vt_session=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%d%s", id, AUTH_MAX_AGE_S,
             rq->tls ? "; Secure" : "");
    console_resp_json(rs, 200, session_json(csrf, exp));
    console_resp_header(rs, "Set-Cookie", cookie);
    sodium_memzero(id, sizeof id);
}

void console_api_session(vt_console *c, console_req *rq, console_resp *rs)
{
    char id[AUTH_TOKEN_HEX + 1], csrf[AUTH_TOKEN_HEX + 1] = "";
    time_t exp = 0;
    if (cookie_id(rq, id)) {
        pthread_mutex_lock(&c->auth->lock);
        time_t now = now_s();
        struct console_session *s = find(c->auth, id, now);
        if (s) {
            memcpy(csrf, s->csrf, sizeof csrf);
            exp = wall_expiry(s, now);
        }
        pthread_mutex_unlock(&c->auth->lock);
    }
    if (!csrf[0]) console_resp_error(rs, 401, _("log in first"));
    else console_resp_json(rs, 200, session_json(csrf, exp));
}

void console_api_logout(vt_console *c, console_req *rq, console_resp *rs)
{
    char id[AUTH_TOKEN_HEX + 1];
    if (cookie_id(rq, id)) {
        pthread_mutex_lock(&c->auth->lock);
        struct console_session *s = find(c->auth, id, now_s());
        if (s) sodium_memzero(s, sizeof *s);
        pthread_mutex_unlock(&c->auth->lock);
    }
    console_resp_bytes(rs, 204, "", NULL, 0);
    console_resp_header(rs, "Set-Cookie", rq->tls ? "vt_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure"
                                                  : "vt_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
}

void console_api_health(vt_console *c, console_req *rq, console_resp *rs)
{
    (void)rq;
    cJSON *j = cJSON_CreateObject();
    if (j) {
        cJSON_AddStringToObject(j, "status", "ok");
        cJSON_AddStringToObject(j, "version", VT_CONSOLE_VERSION);
        cJSON_AddBoolToObject(j, "display", c->d.display != 0);
    }
    console_resp_json(rs, 200, j);
}

/* ---- logins and their rate limits ---- */

/* The failures of addr (made when new, replacing the one idle longest). NULL when absent and !make. Lock held. */
static fail_entry *fail_of(struct console_auth *a, const char *addr, int make)
{
    fail_entry *old = &a->f[0];
    for (int i = 0; i < AUTH_CLIENTS; i++) {
        fail_entry *f = &a->f[i];
        if (f->addr[0] && !strcmp(f->addr, addr)) return f;
        if (!f->addr[0] || (old->addr[0] && f->last < old->last)) old = f;
    }
    if (!make) return NULL;
    memset(old, 0, sizeof *old);
    snprintf(old->addr, sizeof old->addr, "%s", addr);
    return old;
}

/* Seconds a login from addr must wait first (0: it may try). Lock held. */
static long wait_for(struct console_auth *a, const char *addr, time_t now)
{
    fail_entry *f = fail_of(a, addr, 0);
    long w = f && f->until > now ? (long)(f->until - now) : 0;
    time_t oldest = a->global[a->global_next];   /* the ring's next slot holds its oldest failure */
    if (oldest && now - oldest < AUTH_GLOBAL_WINDOW_S && AUTH_GLOBAL_WINDOW_S - (now - oldest) > w)
        w = (long)(AUTH_GLOBAL_WINDOW_S - (now - oldest));
    return w;
}

/* A wrong password from addr: its backoff grows once past AUTH_FREE_FAILS. Lock held. */
static void record_failure(struct console_auth *a, const char *addr, time_t now)
{
    fail_entry *f = fail_of(a, addr, 1);
    f->fails++;
    f->last = now;
    if (f->fails >= AUTH_FREE_FAILS) {
        int shift = f->fails - AUTH_FREE_FAILS;
        long wait = shift > 7 ? AUTH_BACKOFF_MAX_S : (long)AUTH_BACKOFF_S << shift;
        f->until = now + (wait > AUTH_BACKOFF_MAX_S ? AUTH_BACKOFF_MAX_S : wait);
        VT_WARN("console", "logins from %s wait %ld s after %d failed ones", addr, (long)(f->until - now), f->fails);
    }
    a->global[a->global_next] = now ? now : 1;
    a->global_next = (a->global_next + 1) % AUTH_GLOBAL_FAILS;
}

/* 1: the right password; 0: a wrong one (counted); -1: rs already says what else is wrong. */
static int check_password(vt_console *c, const console_req *rq, console_resp *rs)
{
    cJSON *j = console_body_json(rq, rs);
    if (!j) return -1;
    const cJSON *pw = cJSON_GetObjectItemCaseSensitive(j, "password");
    if (!cJSON_IsString(pw) || !pw->valuestring) {
        cJSON_Delete(j);
        console_resp_error(rs, 400, _("expected {\"password\": \"...\"}"));
        return -1;
    }
    char hash[crypto_pwhash_STRBYTES + 8];
    int have = read_hash(c->auth->password_file, hash, sizeof hash);
    int ok = -1;
    if (have == 0) console_resp_error(rs, 503, _("no console password set: run vitrine console --catalog FILE --set-password"));
    else if (have < 0) console_resp_error(rs, 503, _("the console's password file is damaged: set it again with vitrine console --set-password"));
    else if (strlen(pw->valuestring) > AUTH_MAX_BYTES) ok = 0;   /* longer than any stored one */
    else ok = crypto_pwhash_str_verify(hash, pw->valuestring, strlen(pw->valuestring)) == 0;
    sodium_memzero(pw->valuestring, strlen(pw->valuestring));
    cJSON_Delete(j);
    return ok;
}

static void too_many(console_resp *rs, long wait)
{
    char after[24];
    snprintf(after, sizeof after, "%ld", wait);
    console_resp_error(rs, 429, _("too many login attempts: try again in %ld s"), wait);
    console_resp_header(rs, "Retry-After", after);
}

void console_api_login(vt_console *c, console_req *rq, console_resp *rs)
{
    struct console_auth *a = c->auth;
    const char *client = rq->client && *rq->client ? rq->client : "?";
    pthread_mutex_lock(&a->lock);
    long wait = wait_for(a, client, now_s());
    int busy = !wait && a->verifying >= AUTH_VERIFIERS;
    if (!wait && !busy) a->verifying++;
    pthread_mutex_unlock(&a->lock);
    if (wait || busy) {   /* refused before Argon2 runs */
        too_many(rs, wait ? wait : 1);
        return;
    }
    int ok = check_password(c, rq, rs);
    pthread_mutex_lock(&a->lock);
    a->verifying--;
    if (ok == 0) record_failure(a, client, now_s());
    if (ok == 1) {
        fail_entry *f = fail_of(a, client, 0);
        if (f) memset(f, 0, sizeof *f);
    }
    pthread_mutex_unlock(&a->lock);
    if (ok == 1) {
        VT_NOTE("console", "login from %s", client);
        new_session(c, rq, rs);
    } else if (ok == 0) {
        VT_WARN("console", "failed login from %s (wrong password)", client);
        console_resp_error(rs, 401, _("wrong password"));
    }
}

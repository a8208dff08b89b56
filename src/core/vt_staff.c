/* vt_staff.c — staff messages: a bounded, thread-safe ring of the latest errors, warnings and
 * notes, fed by the logger, for the HUD and the web console (never the visitors' screen). */
#include "vt_core.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct vt_staff_log {
    pthread_mutex_t lock;
    vt_staff_msg *items;   /* a ring: items[(head - 1 - k) mod cap] is the k-th newest */
    int cap, count, head;
    uint64_t seq;
};

/* The ring the logger feeds, so destroy can detach it. */
static pthread_mutex_t g_attach_lock = PTHREAD_MUTEX_INITIALIZER;
static vt_staff_log *g_attached;

vt_result vt_staff_log_create(int capacity, vt_staff_log **out, char *err, size_t errlen)
{
    *out = NULL;
    if (capacity < 0) { snprintf(err, errlen, _("a staff log holds at least one message")); return VT_ERR_ARG; }
    vt_staff_log *s = calloc(1, sizeof *s);
    if (s) s->cap = capacity ? capacity : 32;
    if (s) s->items = calloc((size_t)s->cap, sizeof *s->items);
    if (!s || !s->items) {
        free(s);
        snprintf(err, errlen, _("out of memory for the staff messages"));
        return VT_ERR_NO_MEMORY;
    }
    pthread_mutex_init(&s->lock, NULL);
    *out = s;
    return VT_OK;
}

void vt_staff_log_destroy(vt_staff_log *s)
{
    if (!s) return;
    pthread_mutex_lock(&g_attach_lock);
    int attached = g_attached == s;
    pthread_mutex_unlock(&g_attach_lock);
    if (attached) vt_staff_log_attach(NULL);
    pthread_mutex_destroy(&s->lock);
    free(s->items);
    free(s);
}

/* Copies at most n-1 bytes of src, never cutting a UTF-8 character in two. */
static void copy_utf8(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src ? src : "");
    if (len >= n) {
        len = n - 1;
        while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80) len--;
    }
    memcpy(dst, src ? src : "", len);
    dst[len] = 0;
}

void vt_staff_log_push(vt_staff_log *s, vt_log_level lvl, const char *subsystem, const char *text)
{
    if (!s) return;
    vt_staff_msg m = { .level = lvl, .repeats = 1, .t_ns = vt_now_ns() };
    copy_utf8(m.subsystem, sizeof m.subsystem, subsystem);
    copy_utf8(m.text, sizeof m.text, text);
    pthread_mutex_lock(&s->lock);
    vt_staff_msg *newest = s->count ? &s->items[(s->head + s->cap - 1) % s->cap] : NULL;
    if (newest && newest->level == lvl && !strcmp(newest->subsystem, m.subsystem) && !strcmp(newest->text, m.text)) {
        newest->repeats++;   /* a message said again and again keeps one line, with its latest time */
        newest->t_ns = m.t_ns;
        newest->seq = ++s->seq;
    } else {
        m.seq = ++s->seq;
        s->items[s->head] = m;
        s->head = (s->head + 1) % s->cap;
        if (s->count < s->cap) s->count++;
    }
    pthread_mutex_unlock(&s->lock);
}

int vt_staff_log_recent(vt_staff_log *s, vt_staff_msg *out, int max)
{
    if (!s || !out || max <= 0) return 0;
    pthread_mutex_lock(&s->lock);
    int n = s->count < max ? s->count : max;
    for (int k = 0; k < n; k++) out[k] = s->items[(s->head + s->cap - 1 - k) % s->cap];
    pthread_mutex_unlock(&s->lock);
    return n;
}

static void staff_sink(vt_log_level lvl, const char *subsystem, const char *line, void *ctx)
{
    if (lvl <= VT_LOG_NOTE) vt_staff_log_push(ctx, lvl, subsystem, line);
}

void vt_staff_log_attach(vt_staff_log *s)
{
    pthread_mutex_lock(&g_attach_lock);
    g_attached = s;
    vt_log_set_sink(s ? staff_sink : NULL, s);
    pthread_mutex_unlock(&g_attach_lock);
}

void vt_staff_age(uint64_t t_ns, uint64_t now_ns, char *out, size_t n)
{
    double s = now_ns > t_ns ? (double)(now_ns - t_ns) * 1e-9 : 0;
    /* TRANSLATORS: seconds, minutes, hours on the staff HUD ("12 s ago"): the SI symbols. */
    if (s < 120) snprintf(out, n, _("%.0f s"), s);
    else if (s < 7200) snprintf(out, n, _("%.0f min"), s / 60);
    else snprintf(out, n, _("%.0f h"), s / 3600);
}

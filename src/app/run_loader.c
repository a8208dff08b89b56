/* run_loader.c — `vitrine run`'s catalogs and models loaded on a thread of their own, the models
 * in a child process under limits (assets' vt_model_loader), while the frame loop goes on
 * drawing the scene on show. The GL thread asks (run_loader_request), looks (run_loader_poll)
 * and builds the scene from the batch between frames (run_scene.c); the thread never touches
 * the scene on show. */
#include "run.h"
#include "app_checks.h"

#include "app/vt_app.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct have_model { char *path, *variant; long long mtime; } have_model;

struct run_loader {
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop, busy;
    volatile int cancel;        /* read by the model loader: kills its child */
    /* the request (busy from it until its batch is taken) */
    char *path;
    vt_catalog *cat;            /* given with the request: no parse */
    have_model *have;           /* the scene on show's models (reused when unchanged) */
    int nhave;
    run_batch *done;
    vt_model_loader *models;
};

long long run_mtime_of(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 ? (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec : -1;
}

void run_batch_free(run_batch *b)
{
    if (!b) return;
    for (int i = 0; b->models && i < b->count; i++) vt_model_destroy(b->models[i]);
    free(b->models);
    free(b->mtime);
    free(b->reuse);
    free(b->share);
    vt_catalog_destroy(b->cat);
    free(b);
}

/* The limits of each model's load: the defaults, or VITRINE_LOAD_SECONDS (wall and CPU time) and
 * VITRINE_LOAD_MB. */
static vt_load_limits load_limits(run_loader *ld)
{
    vt_load_limits l = vt_load_limits_defaults();
    double v;
    const char *s = getenv("VITRINE_LOAD_SECONDS");
    if (s && vt_parse_double(s, 0.1, 3600, &v) == 0) l.wall_s = l.cpu_s = v;
    else if (s) VT_WARN("assets", "VITRINE_LOAD_SECONDS=%s is not a number of seconds (0.1 to 3600); using %g s", s, l.wall_s);
    s = getenv("VITRINE_LOAD_MB");
    if (s && vt_parse_double(s, 16, 1 << 20, &v) == 0) l.memory_mb = v;
    else if (s) VT_WARN("assets", "VITRINE_LOAD_MB=%s is not a size in MB (16 to 1048576); using %g MB", s, l.memory_mb);
    l.cancel = &ld->cancel;
    return l;
}

int run_same_model(const char *path_a, const char *variant_a, const char *path_b, const char *variant_b)
{
    return path_a && path_b && !strcmp(path_a, path_b) && !strcmp(variant_a ? variant_a : "", variant_b ? variant_b : "");
}

static int have_unchanged(const run_loader *ld, const vt_product *p, long long mtime)
{
    for (int k = 0; k < ld->nhave; k++)
        if (ld->have[k].mtime == mtime && run_same_model(ld->have[k].path, ld->have[k].variant, p->model_path, p->variant)) return 1;
    return 0;
}

/* A variant the model's file does not have: said once a load, with the product and the file's own. */
static void check_variant(const vt_model *m, const vt_product *p)
{
    if (m && m->variant_unknown)
        VT_WARN_FILE("assets", p->model_path, "product %s: variant \"%s\" is not in the file (its variants: %s); it shows its default materials",
                     p->id, p->variant, m->variant_unknown[0] ? m->variant_unknown : _("none"));
}

/* An animation the model's file does not have: said once a load, with the file's own. */
static void check_animation(const vt_model *m, const vt_product *p)
{
    if (!m || !p->animation || !strcmp(p->animation, "none") || vt_model_animation(m, p->animation) >= 0) return;
    char list[512];
    vt_model_animations_join(m, list, sizeof list);
    VT_WARN_FILE("assets", p->model_path, "product %s: animation \"%s\" is not in the file (its animations: %s); it plays the first",
                 p->id, p->animation, list[0] ? list : _("none"));
}

/* A model past what the display draws for one product (app_checks.h) shows its placeholder. */
static void check_draw_cost(vt_model **m, const vt_product *p)
{
    char why[512];
    int cost = app_draw_cost(*m, why, sizeof why);
    if (cost == 2) VT_WARN("assets", "%s: %s (product %s shows a placeholder)", p->model_path, why, p->id);
    else if (cost) VT_WARN("assets", "%s: %s (product %s)", p->model_path, why, p->id);
    if (cost == 2) {
        vt_model_destroy(*m);
        *m = NULL;
    }
}

/* Each product's model: the same file as an earlier product (shared), unchanged on show
 * (reused), else loaded; one that fails is said here, with the product that shows a placeholder. */
static void load_models(run_loader *ld, run_batch *b)
{
    int n = b->count = b->cat->count;
    b->models = calloc((size_t)n + 1, sizeof *b->models);
    b->mtime = calloc((size_t)n + 1, sizeof *b->mtime);
    b->reuse = calloc((size_t)n + 1, sizeof *b->reuse);
    b->share = calloc((size_t)n + 1, sizeof *b->share);
    if (!b->models || !b->mtime || !b->reuse || !b->share) { b->count = 0; return; }
    for (int i = 0; i < n; i++) b->share[i] = -1;
    for (int i = 0; i < n && !ld->cancel; i++) {
        const vt_product *p = &b->cat->products[i];
        b->mtime[i] = run_mtime_of(p->model_path);
        if (!p->model_path) continue;
        /* One model per file and variant: the same file in two variants is two models. */
        for (int j = 0; j < i && b->share[i] < 0; j++)
            if (run_same_model(b->cat->products[j].model_path, b->cat->products[j].variant, p->model_path, p->variant)) b->share[i] = j;
        if (b->share[i] >= 0) continue;
        if ((b->reuse[i] = have_unchanged(ld, p, b->mtime[i]))) continue;
        char err[1024];
        if (vt_model_loader_load_variant(ld->models, p->model_path, p->variant, &b->models[i], err, sizeof err) != VT_OK && !ld->cancel) {
            VT_WARN("assets", "%s (product %s shows a placeholder)", err, p->id);
            if (!b->model_err[0]) snprintf(b->model_err, sizeof b->model_err, "%.900s (product %.100s)", err, p->id);
        } else if (b->models[i]) {
            check_variant(b->models[i], p);
            check_animation(b->models[i], p);
            check_draw_cost(&b->models[i], p);
            if (!b->models[i] && !b->model_err[0])
                snprintf(b->model_err, sizeof b->model_err, _("%.900s: too costly to draw (product %.100s)"), p->model_path, p->id);
        }
    }
    vt_model_loader_idle(ld->models);   /* the child's memory back until the next reload */
}

static void clear_request(run_loader *ld)
{
    for (int k = 0; k < ld->nhave; k++) { free(ld->have[k].path); free(ld->have[k].variant); }
    free(ld->have);
    free(ld->path);
    ld->have = NULL;
    ld->nhave = 0;
    ld->path = NULL;
    ld->cat = NULL;
}

static run_batch *load_batch(run_loader *ld)
{
    run_batch *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->cat = ld->cat;
    ld->cat = NULL;
    if (!b->cat && vt_catalog_load(ld->path, &b->cat, b->err, sizeof b->err) != VT_OK) b->cat = NULL;
    if (b->cat) load_models(ld, b);
    return b;
}

static void *loader_main(void *arg)
{
    run_loader *ld = arg;
    pthread_mutex_lock(&ld->mu);
    for (;;) {
        while (!ld->stop && !(ld->busy && ld->path && !ld->done)) pthread_cond_wait(&ld->cv, &ld->mu);
        if (ld->stop) break;
        pthread_mutex_unlock(&ld->mu);
        run_batch *b = load_batch(ld);   /* the request's fields are the thread's until done is set */
        pthread_mutex_lock(&ld->mu);
        clear_request(ld);
        if (!b) ld->busy = 0;   /* out of memory: as if nothing had been asked */
        ld->done = b;
        pthread_cond_broadcast(&ld->cv);
    }
    pthread_mutex_unlock(&ld->mu);
    return NULL;
}

vt_result run_loader_start(run_loader **out, char *err, size_t errlen)
{
    run_loader *ld = *out = calloc(1, sizeof *ld);
    if (!ld) { snprintf(err, errlen, _("out of memory")); return VT_ERR_NO_MEMORY; }
    pthread_mutex_init(&ld->mu, NULL);
    pthread_cond_init(&ld->cv, NULL);
    vt_model_isolated_set_exe("/proc/self/exe");   /* this executable, as `vitrine __load-model` */
    vt_load_limits l = load_limits(ld);
    vt_result r = vt_model_loader_create(&l, &ld->models, err, errlen);
    if (r == VT_OK && pthread_create(&ld->thread, NULL, loader_main, ld) != 0) {
        snprintf(err, errlen, _("cannot start the model loading thread"));
        r = VT_ERR_NO_MEMORY;
    }
    if (r == VT_OK) ld->started = 1;
    else { run_loader_stop(ld); *out = NULL; }
    return r;
}

int run_loader_request(run_loader *ld, const char *path, vt_catalog *cat, const scene *have)
{
    pthread_mutex_lock(&ld->mu);
    int ok = !ld->busy;
    if (ok) {
        ld->path = strdup(path);
        ld->cat = cat;
        ld->have = calloc((size_t)(have && have->cat ? have->cat->count : 0) + 1, sizeof *ld->have);
        for (int i = 0; ld->have && have && have->cat && have->slots && i < have->cat->count; i++) {
            const product_slot *s = &have->slots[i];
            if (s->model && !s->model->is_placeholder && !s->borrowed && s->model_path && (ld->have[ld->nhave].path = strdup(s->model_path))) {
                ld->have[ld->nhave].variant = s->model_variant ? strdup(s->model_variant) : NULL;
                ld->have[ld->nhave++].mtime = s->model_mtime;
            }
        }
        ld->busy = 1;
        pthread_cond_broadcast(&ld->cv);
    }
    pthread_mutex_unlock(&ld->mu);
    return ok;
}

run_batch *run_loader_wait(run_loader *ld, double seconds)
{
    uint64_t end = vt_now_ns() + (uint64_t)(seconds > 0 ? seconds * 1e9 : 0);
    pthread_mutex_lock(&ld->mu);
    while (seconds != 0 && !ld->done && ld->busy && (seconds < 0 || vt_now_ns() < end)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 20000000;
        if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
        pthread_cond_timedwait(&ld->cv, &ld->mu, &ts);
    }
    run_batch *b = ld->done;
    ld->done = NULL;
    if (b) ld->busy = 0;
    pthread_mutex_unlock(&ld->mu);
    return b;
}

run_batch *run_loader_poll(run_loader *ld) { return run_loader_wait(ld, 0); }

void run_loader_stop(run_loader *ld)
{
    if (!ld) return;
    pthread_mutex_lock(&ld->mu);
    ld->stop = 1;
    ld->cancel = 1;   /* a model loading now: its child killed within 50 ms */
    pthread_cond_broadcast(&ld->cv);
    pthread_mutex_unlock(&ld->mu);
    /* A catalog parse cannot be interrupted: the run does not wait for it longer than 2 s (the
     * thread and what it holds are left to the process's exit). */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 2;
    if (ld->started && pthread_timedjoin_np(ld->thread, NULL, &ts) != 0) return;
    clear_request(ld);
    vt_catalog_destroy(ld->cat);
    run_batch_free(ld->done);
    vt_model_loader_destroy(ld->models);
    pthread_cond_destroy(&ld->cv);
    pthread_mutex_destroy(&ld->mu);
    free(ld);
}

int vt_cmd_load_model(int argc, char **argv) { return vt_model_isolated_child(argc, argv); }

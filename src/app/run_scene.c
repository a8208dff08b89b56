/* run_scene.c — what `vitrine run` has on show: the catalog, a model for each product (on the
 * GPU), and its hot reload when the catalog or a model changes on disk. */
#include "run.h"

#include "app_checks.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static long long mtime_of(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 ? (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec : -1;
}

/* The GPU side of a slot: the only place models are uploaded and freed. */
static void slot_upload(product_slot *s, vt_renderer *rend)
{
    char err[512];
    s->gpu = (vt_gpu_model_id){ 0 };
    if (!s->model || vt_render_upload(rend, s->model, &s->gpu, err, sizeof err) == VT_OK) return;
    VT_WARN("render", "%s (product %s%s)", err, s->p->id, s->model->is_placeholder ? "" : " shows a placeholder");
}
static void slot_release(product_slot *s, vt_renderer *rend)
{
    vt_render_free_model(rend, s->gpu);
    vt_model_destroy(s->model);
    free(s->model_path);
    memset(s, 0, sizeof *s);
}

/* Takes old's model for s when it is the same file, unchanged and not a placeholder. */
static int slot_reuse(product_slot *s, scene *old)
{
    for (int k = 0; old && old->cat && k < old->cat->count; k++) {
        product_slot *o = &old->slots[k];
        if (o->model && o->model_path && s->p->model_path && !strcmp(o->model_path, s->p->model_path) &&
            o->model_mtime == s->model_mtime && !o->model->is_placeholder) {
            s->model = o->model; s->gpu = o->gpu; s->model_path = o->model_path;
            o->model = NULL; o->gpu = (vt_gpu_model_id){ 0 }; o->model_path = NULL;
            return 1;
        }
    }
    return 0;
}

/* The stand-in box of a product: its dimensions_mm, else a cube the size of its marker (the
 * visitor stands it on the marker). */
static void slot_placeholder(product_slot *s)
{
    const vt_product *p = s->p;
    char err[256];
    float side = (float)(p->length_mm > 0 ? p->length_mm / 1000 : 0.05), size[3] = { side, side, side };
    for (int k = 0; k < 3 && p->dimensions_mm[0] > 0; k++) size[k] = (float)(p->dimensions_mm[k] / 1000);
    if (vt_model_placeholder(size, &s->model, err, sizeof err) != VT_OK) VT_WARN("assets", "%s (product %s)", err, p->id);
}

/* A product whose model does not load, or does not go onto the GPU (too large a texture, no
 * memory), shows a placeholder box, reported once: a product on show always stands on its
 * marker with its tag. */
static void slot_load(product_slot *s, vt_renderer *rend)
{
    const vt_product *p = s->p;
    char err[1024];
    if (p->model_path && vt_model_load(p->model_path, &s->model, err, sizeof err) != VT_OK)
        VT_WARN("assets", "%s (product %s shows a placeholder)", err, p->id);
    if (!s->model) slot_placeholder(s);
    s->model_path = p->model_path ? strdup(p->model_path) : NULL;
    slot_upload(s, rend);
    if (!s->gpu.id && s->model && !s->model->is_placeholder) {
        vt_model_destroy(s->model);
        s->model = NULL;
        slot_placeholder(s);
        slot_upload(s, rend);
    }
}

/* The scale the slot's model is drawn at; a model whose size makes no sense is said once for
 * each (re)load of the catalog, with the key to set, and drawn at dimensions_mm when given. */
static double slot_scale(const product_slot *s)
{
    char why[512];
    if (!s->model || s->model->is_placeholder) return 1;
    double scale = app_model_scale(s->model, s->p, why, sizeof why);
    if (why[0]) VT_WARN_FILE("assets", s->p->model_path, "product %s: %s", s->p->id, why);
    return scale;
}

/* Builds a scene from cat (taking it), reusing unchanged models of old; the display goes on
 * whatever a model does. */
void scene_build(scene *sc, vt_catalog *cat, scene *old, vt_renderer *rend)
{
    memset(sc, 0, sizeof *sc);
    sc->cat = cat;
    vt_dictionary_find(cat->dictionary, &sc->dict);
    sc->slots = calloc((size_t)cat->count + 1, sizeof *sc->slots);
    sc->shows = calloc((size_t)cat->count + 1, sizeof *sc->shows);
    for (int i = 0; sc->slots && i < cat->count; i++) {
        product_slot *s = &sc->slots[i];
        s->p = &cat->products[i];
        s->model_mtime = mtime_of(s->p->model_path);
        if (!slot_reuse(s, old)) slot_load(s, rend);
        if (sc->shows) sc->shows[i] = (vt_visitor_show){ .p = s->p, .model = s->model, .gpu = s->gpu, .scale = slot_scale(s) };
    }
}

void scene_free(scene *sc, vt_renderer *rend)
{
    for (int i = 0; sc->cat && sc->slots && i < sc->cat->count; i++) slot_release(&sc->slots[i], rend);
    free(sc->slots);
    free(sc->shows);
    vt_catalog_destroy(sc->cat);
    memset(sc, 0, sizeof *sc);
}

void run_show_scene(run_ctx *rc)
{
    scene *sc = &rc->sc;
    if (rc->vis && sc->shows && vt_visitor_set_scene(rc->vis, sc->cat, sc->shows, sc->cat->count, rc->err, sizeof rc->err) != VT_OK)
        VT_ERROR("run", "%s", rc->err);
    if (!rc->watch) return;
    /* The catalog and every model it names. */
    const char *paths[512];
    int n = 0;
    paths[n++] = rc->o.catalog;
    for (int i = 0; i < sc->cat->count && n < 512; i++)
        if (sc->cat->products[i].model_path) paths[n++] = sc->cat->products[i].model_path;
    vt_watch_set(rc->watch, paths, n);
}

void run_make_tracker(run_ctx *rc, vt_dictionary dict)
{
    vt_tracker *t = NULL;
    if (vt_tracker_create(&(vt_tracker_desc){ .dict = dict }, &t, rc->err, sizeof rc->err) != VT_OK)
        VT_ERROR("run", "cannot create the tracker: %s", rc->err);
    run_pipe_set_tracker(rc, t);   /* the capture thread takes it for its next frame */
}

/* A bad catalog leaves the last good one on screen and says so once, to staff (the log, and the
 * HUD's staff messages): the visitors' screen shows no error. */
static void reload_failed(run_ctx *rc, const char *err)
{
    if (strcmp(rc->last_reload_err, err) != 0) VT_WARN("catalog", "not reloaded, the last good one stays: %s", err);
    snprintf(rc->last_reload_err, sizeof rc->last_reload_err, "%s", err);
}

void run_reload_if_changed(run_ctx *rc)
{
    /* Editors write in bursts: a change is picked up 150 ms after the last write. */
    if (rc->watch && vt_watch_changed(rc->watch)) rc->reload_at = vt_now_ns() + 150000000ull;
    if (!rc->reload_at || vt_now_ns() < rc->reload_at) return;
    rc->reload_at = 0;
    vt_catalog *next = NULL;
    if (vt_catalog_load(rc->o.catalog, &next, rc->err, sizeof rc->err) != VT_OK) { reload_failed(rc, rc->err); return; }
    /* A good catalog replaces the scene between two frames. */
    scene fresh;
    scene_build(&fresh, next, &rc->sc, rc->rend);
    if (fresh.dict.cv_id != rc->sc.dict.cv_id) run_make_tracker(rc, fresh.dict);
    run_close_removed_visits(rc, rc->sc.cat, fresh.cat);
    scene_free(&rc->sc, rc->rend);
    rc->sc = fresh;
    run_show_scene(rc);
    rc->last_reload_err[0] = 0;
    VT_NOTE("catalog", "reloaded %s: %d products", rc->o.catalog, rc->sc.cat->count);
}

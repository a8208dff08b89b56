/* run_scene.c — what `vitrine run` has on show: the catalog, a model for each product (on the
 * GPU), and its hot reload when the catalog or a model changes on disk. */
#include "run.h"

#include "app_checks.h"

#include <stdlib.h>
#include <string.h>

/* The GPU side of a slot: the only place models are uploaded and freed. */
static void slot_upload(product_slot *s, vt_renderer *rend)
{
    char err[512];
    s->gpu = (vt_gpu_model_id){ 0 };
    if (!s->model || vt_render_upload(rend, s->model, &s->gpu, err, sizeof err) == VT_OK) return;
    if (s->model->is_placeholder) VT_WARN("render", "%s (product %s)", err, s->p->id);
    else VT_WARN("render", "%s (product %s shows a placeholder)", err, s->p->id);
}
/* The clip a slot's model loops: the product's "animation" ("none": still), else the file's first. */
static void slot_clip(product_slot *s)
{
    const char *a = s->p->animation;
    s->clip = !s->model || (a && !strcmp(a, "none")) ? -1 : vt_model_animation(s->model, a);
    if (s->clip < 0 && a && strcmp(a, "none")) s->clip = vt_model_animation(s->model, NULL);   /* unknown: said at load */
}

void run_scene_animate(const scene *sc, int k, double t, vt_renderer *rend)
{
    const product_slot *s = &sc->slots[k];
    /* Still (-1): the rest pose it was loaded in. */
    if (s->clip >= 0 && s->model && s->model->anim && s->gpu.id && vt_model_pose(s->model, s->clip, t)) vt_render_model_refresh(rend, s->gpu);
}

static void slot_release(product_slot *s, vt_renderer *rend)
{
    if (!s->borrowed) {
        vt_render_free_model(rend, s->gpu);
        vt_model_destroy(s->model);
    }
    free(s->model_path);
    free(s->model_variant);
    memset(s, 0, sizeof *s);
}

/* Takes old's model for s when it is the same file, unchanged and not a placeholder, from the
 * slot that owns it. The old slot keeps drawing it until the swap, borrowing it from then on (the
 * frame loop skips a slot without a model). */
static int slot_reuse(product_slot *s, scene *old)
{
    for (int k = 0; old && old->cat && old->slots && k < old->cat->count; k++) {
        product_slot *o = &old->slots[k];
        if (o->model && !o->borrowed && run_same_model(o->model_path, o->model_variant, s->p->model_path, s->p->variant) &&
            o->model_mtime == s->model_mtime && !o->model->is_placeholder && (s->model_path = strdup(o->model_path))) {
            s->model = o->model; s->gpu = o->gpu;
            s->model_variant = o->model_variant ? strdup(o->model_variant) : NULL;
            o->borrowed = 1;
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

/* Slot i of sc from batch b (NULL: a placeholder): the model an earlier slot shares, the one on
 * show reused, or the loaded one, uploaded. A model that does not go onto the GPU (too large a
 * texture, no memory) shows a placeholder box, reported once: a product on show always stands
 * on its marker with its tag. */
static void slot_fill(scene *sc, int i, run_batch *b, scene *old, vt_renderer *rend)
{
    product_slot *s = &sc->slots[i];
    s->p = &sc->cat->products[i];
    s->model_mtime = b ? b->mtime[i] : -1;
    const product_slot *sh = b && b->share[i] >= 0 ? &sc->slots[b->share[i]] : NULL;
    if (sh && sh->model && !sh->model->is_placeholder) {
        s->model = sh->model; s->gpu = sh->gpu; s->borrowed = 1;
        s->model_path = strdup(sh->model_path);
        s->model_variant = sh->model_variant ? strdup(sh->model_variant) : NULL;
        slot_clip(s);
        return;
    }
    if (b && b->reuse[i] && slot_reuse(s, old)) { slot_clip(s); return; }
    if (b && b->models[i]) { s->model = b->models[i]; b->models[i] = NULL; }
    if (!s->model) slot_placeholder(s);
    s->model_path = s->p->model_path ? strdup(s->p->model_path) : NULL;
    s->model_variant = s->p->variant ? strdup(s->p->variant) : NULL;
    slot_upload(s, rend);
    if (!s->gpu.id && s->model && !s->model->is_placeholder) {
        vt_model_destroy(s->model);
        s->model = NULL;
        slot_placeholder(s);
        slot_upload(s, rend);
    }
    slot_clip(s);
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

static void scene_begin(scene *sc, vt_catalog *cat)
{
    memset(sc, 0, sizeof *sc);
    sc->cat = cat;
    vt_dictionary_find(cat->dictionary, &sc->dict);
    sc->slots = calloc((size_t)cat->count + 1, sizeof *sc->slots);
    sc->nslots = sc->slots ? cat->count : 0;
    sc->shows = calloc((size_t)cat->count + 1, sizeof *sc->shows);
}

/* Fills slots from *at on until all are done (1) or budget_ns has passed (0; at least one slot
 * each call): uploads spread over frames, so a large catalog does not stall one. */
static int scene_fill(scene *sc, int *at, run_batch *b, scene *old, vt_renderer *rend, uint64_t budget_ns)
{
    uint64_t end = vt_now_ns() + budget_ns;
    int n = sc->slots ? sc->cat->count : 0;
    while (*at < n) {
        slot_fill(sc, (*at)++, b, old, rend);
        if (budget_ns && vt_now_ns() >= end) break;
    }
    if (*at < n) return 0;
    for (int i = 0; sc->shows && i < n; i++) {
        product_slot *s = &sc->slots[i];
        sc->shows[i] = (vt_visitor_show){ .p = s->p, .model = s->model, .gpu = s->gpu, .scale = slot_scale(s) };
    }
    return 1;
}

void scene_free(scene *sc, vt_renderer *rend)
{
    for (int i = 0; sc->slots && i < sc->nslots; i++) slot_release(&sc->slots[i], rend);
    free(sc->slots);
    free(sc->shows);
    if (!sc->cat_borrowed) vt_catalog_destroy(sc->cat);
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

/* The incoming scene replaces the one on show, between two frames. */
static void swap_in(run_ctx *rc)
{
    scene fresh = rc->incoming;
    int was_start = rc->sc.cat_borrowed;   /* placeholders while the first models loaded */
    memset(&rc->incoming, 0, sizeof rc->incoming);
    run_batch_free(rc->batch);
    rc->batch = NULL;
    if (fresh.dict.cv_id != rc->sc.dict.cv_id) run_make_tracker(rc, fresh.dict);
    run_close_removed_visits(rc, rc->sc.cat, fresh.cat);
    /* The source is the capture thread's and its frames are on screen: reopening it is a restart. */
    if (!was_start && app_source_kind_live(rc->sd.kind) && !vt_catalog_camera_equal(&rc->sc.cat->camera, &fresh.cat->camera))
        VT_WARN("catalog", "camera settings changed in %s: restart to apply", rc->o.catalog);
    scene_free(&rc->sc, rc->rend);
    rc->sc = fresh;
    run_network_swapped(rc);   /* a publication's scene: its catalog is the one on show from now */
    run_show_scene(rc);
    rc->last_reload_err[0] = 0;
    if (was_start) VT_NOTE("catalog", "%s: the models are ready (%d products)", rc->o.catalog, rc->sc.cat->count);
    else VT_NOTE("catalog", "reloaded %s: %d products", rc->o.catalog, rc->sc.cat->count);
}

/* A finished batch becomes the incoming scene; a catalog that did not load is said instead. */
static int take_batch(run_ctx *rc, run_batch *b)
{
    if (!b) return 0;
    if (b->cat && b->count != b->cat->count) snprintf(b->err, sizeof b->err, _("%s: out of memory while loading its models"), rc->o.catalog);
    if (!b->cat || b->count != b->cat->count) {
        if (run_network_check_batch(rc, b)) reload_failed(rc, b->err);   /* a publication's: said there */
        run_batch_free(b);
        return 0;
    }
    if (!run_network_check_batch(rc, b)) {   /* a publication whose models did not all load */
        run_batch_free(b);
        return 0;
    }
    rc->batch = b;
    scene_begin(&rc->incoming, b->cat);
    b->cat = NULL;   /* the scene's now */
    rc->incoming_at = 0;
    return 1;
}

int run_scene_open(run_ctx *rc, vt_catalog *cat)
{
    char why[512];
    if (run_loader_start(&rc->loader, why, sizeof why) != VT_OK) VT_WARN("assets", "%s: placeholders only, no hot reload", why);
    /* A file's frames wait for the models (its output is then the same on any machine); a
     * camera's visitors see the products within a second: placeholders first if the models
     * take longer, swapped for them when they are all ready. */
    run_batch *b = NULL;
    if (rc->loader && run_loader_request(rc->loader, rc->o.catalog, cat, NULL)) b = run_loader_wait(rc->loader, rc->live ? 1.0 : -1);
    if (b && !take_batch(rc, b)) return 1;   /* said (out of memory) */
    if (b) {
        scene_fill(&rc->incoming, &rc->incoming_at, rc->batch, NULL, rc->rend, 0);
        rc->sc = rc->incoming;
        memset(&rc->incoming, 0, sizeof rc->incoming);
        run_batch_free(rc->batch);
        rc->batch = NULL;
        return -1;
    }
    int at = 0;
    scene_begin(&rc->sc, cat);
    rc->sc.cat_borrowed = rc->loader != NULL;   /* the loader's batch owns it */
    scene_fill(&rc->sc, &at, NULL, NULL, rc->rend, 0);
    return -1;
}

void run_scene_close(run_ctx *rc)
{
    run_loader_stop(rc->loader);   /* first: it may own the catalog on show */
    rc->loader = NULL;
    run_batch_free(rc->batch);
    rc->batch = NULL;
    scene_free(&rc->incoming, rc->rend);
    scene_free(&rc->sc, rc->rend);
}

void run_reload_if_changed(run_ctx *rc)
{
    /* Editors write in bursts: a change is picked up 150 ms after the last write. */
    if (rc->watch && vt_watch_changed(rc->watch)) rc->reload_at = vt_now_ns() + 150000000ull;
    if (!rc->loader) return;
    if (!rc->batch) take_batch(rc, run_loader_poll(rc->loader));
    if (rc->batch) {   /* a few milliseconds of uploads a frame, the scene on show meanwhile */
        if (scene_fill(&rc->incoming, &rc->incoming_at, rc->batch, &rc->sc, rc->rend, 4000000)) swap_in(rc);
        return;
    }
    if (!rc->reload_at || vt_now_ns() < rc->reload_at) return;
    if (run_loader_request(rc->loader, rc->o.catalog, NULL, &rc->sc)) rc->reload_at = 0;
}

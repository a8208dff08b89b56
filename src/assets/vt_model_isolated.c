/* vt_model_isolated.c — a model loaded in a child process of its own (the vitrine executable
 * again, `vitrine __load-model PATH`), under CPU-time and address-space limits and a wall-time
 * budget: a file that takes too long or too much kills only the child. The child writes the
 * checked vt_model to a pipe as plain arrays; the parent reads it back and trusts no count or
 * size it reads (each is checked against the bytes that came, every index against its array). */
#include "assets/vt_assets.h"
#include "vt_model_anim.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAGIC "VTM1"
#define TRAILER "END!"
#define READY "RDY!"
#define FD_OUT 3               /* the child's end of the pipe */
#define MAX_TEXTURE_SIDE 32768
#define MAX_NAME 4096

static char g_exe[4096];       /* the vitrine executable; empty: load in-process */

void vt_model_isolated_set_exe(const char *exe)
{
    snprintf(g_exe, sizeof g_exe, "%s", exe ? exe : "");
}

vt_load_limits vt_load_limits_defaults(void)
{
    return (vt_load_limits){ .wall_s = 15, .cpu_s = 15, .memory_mb = 2048 };
}

/* ---- the child: the model as plain arrays, written through a small buffer ---- */

/* fd < 0: only counts the bytes (the answer's length goes before it). */
typedef struct writer { int fd, bad; size_t n; uint64_t total; uint8_t buf[1 << 16]; } writer;

static void w_flush(writer *w)
{
    for (size_t off = 0; off < w->n && !w->bad;) {
        ssize_t k = write(w->fd, w->buf + off, w->n - off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) w->bad = 1;
        else off += (size_t)k;
    }
    w->n = 0;
}
static void w_bytes(writer *w, const void *p, size_t len)
{
    const uint8_t *b = p;
    w->total += len;
    if (w->fd < 0) return;
    while (len && !w->bad) {
        size_t k = sizeof w->buf - w->n < len ? sizeof w->buf - w->n : len;
        memcpy(w->buf + w->n, b, k);
        w->n += k; b += k; len -= k;
        if (w->n == sizeof w->buf) w_flush(w);
    }
}
static void w_i32(writer *w, int32_t v) { w_bytes(w, &v, sizeof v); }
static void w_str(writer *w, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    w_i32(w, s ? (int32_t)(len < MAX_NAME ? len : MAX_NAME) : -1);
    if (s) w_bytes(w, s, len < MAX_NAME ? len : MAX_NAME);
}

static void write_material(writer *w, const vt_material *m)
{
    w_bytes(w, m->base_colour, sizeof m->base_colour);
    float f[7] = { m->metallic, m->roughness, m->emissive[0], m->emissive[1], m->emissive[2], m->normal_scale, m->occlusion_strength };
    w_bytes(w, f, sizeof f);
    int32_t t[13] = { m->texture, m->tex_metal_rough, m->tex_normal, m->tex_occlusion, m->tex_emissive, m->tex_thickness,
                      m->tex_clearcoat, m->tex_clearcoat_rough, m->tex_sheen, m->tex_sheen_rough, m->tex_transmission,
                      m->tex_specular, m->tex_specular_colour };
    w_bytes(w, t, sizeof t);
    for (int k = 0; k < VT_MATERIAL_MAPS; k++) {
        w_bytes(w, m->uv[k].xform, sizeof m->uv[k].xform);
        w_i32(w, m->uv[k].set);
    }
    const float layers[10] = { m->clearcoat, m->clearcoat_roughness, m->sheen_colour[0], m->sheen_colour[1], m->sheen_colour[2],
                               m->sheen_roughness, m->transmission, m->alpha_cutoff, m->ior, m->thickness };
    w_bytes(w, layers, sizeof layers);
    w_i32(w, m->alpha_mode);
    const float spec[4] = { m->specular, m->specular_colour[0], m->specular_colour[1], m->specular_colour[2] };
    w_bytes(w, spec, sizeof spec);
    w_bytes(w, m->attenuation, sizeof m->attenuation);
    const float irid[3] = { m->iridescence, m->iridescence_ior, m->iridescence_nm };
    w_bytes(w, irid, sizeof irid);
}

static void write_model(writer *w, const vt_model *m)
{
    int32_t head[5] = { m->mesh_count, m->instance_count, m->material_count, m->texture_count, m->is_placeholder };
    w_bytes(w, head, sizeof head);
    w_bytes(w, m->bounds_min, sizeof m->bounds_min); w_bytes(w, m->bounds_max, sizeof m->bounds_max);
    w_bytes(w, m->base_min, sizeof m->base_min); w_bytes(w, m->base_max, sizeof m->base_max);
    w_str(w, m->variant_unknown);
    for (int i = 0; i < m->mesh_count; i++) {
        const vt_mesh *me = &m->meshes[i];
        int32_t h[4] = { me->vertex_count, me->index_count, me->material, me->uvs1 != NULL };
        w_bytes(w, h, sizeof h);
        w_bytes(w, me->positions, (size_t)me->vertex_count * 3 * sizeof(float));
        w_bytes(w, me->normals, (size_t)me->vertex_count * 3 * sizeof(float));
        w_bytes(w, me->uvs, (size_t)me->vertex_count * 2 * sizeof(float));
        if (me->uvs1) w_bytes(w, me->uvs1, (size_t)me->vertex_count * 2 * sizeof(float));
        w_bytes(w, me->indices, (size_t)me->index_count * sizeof(uint32_t));
    }
    for (int i = 0; i < m->instance_count; i++) {
        w_i32(w, m->instances[i].mesh);
        w_bytes(w, m->instances[i].transform, sizeof m->instances[i].transform);
    }
    for (int i = 0; i < m->material_count; i++) write_material(w, &m->materials[i]);
    for (int i = 0; i < m->texture_count; i++) {
        const vt_image *t = &m->textures[i];
        int ok = t->data && t->format == VT_PIX_RGBA8;
        int32_t h[3] = { ok ? t->width : 0, ok ? t->height : 0, m->texture_srgb[i] };
        w_bytes(w, h, sizeof h);
        w_str(w, m->texture_names ? m->texture_names[i] : NULL);
        for (int y = 0; ok && y < t->height; y++) w_bytes(w, vt_image_row(t, y), (size_t)t->width * 4);
    }
    uint8_t *anim = NULL;   /* what moves (vt_model_anim_pack.c); out of memory: sent still */
    size_t alen = 0;
    if (vt_anim_pack(m, &anim, &alen) != VT_OK) alen = 0;
    w_i32(w, (int32_t)alen);
    w_bytes(w, anim, alen);
    free(anim);
}

/* The address space the child may add to what it has mapped already (the executable and its
 * libraries): the load's own allocations are what the limit is about. */
static void child_limits(const vt_load_limits *l)
{
#if !defined(__SANITIZE_ADDRESS__)   /* AddressSanitizer reserves terabytes of shadow: no AS limit there */
    long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f && fscanf(f, "%ld", &pages) != 1) pages = 0;
    if (f) fclose(f);
    rlim_t as = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (rlim_t)l->memory_mb * 1024 * 1024;
    setrlimit(RLIMIT_AS, &(struct rlimit){ as, as });
#endif
    if (!l->keep_priority && setpriority(PRIO_PROCESS, 0, 10) != 0) { /* less urgent than the display; failing is harmless */ }
}

static int read_full(int fd, void *dst, size_t len)
{
    for (size_t off = 0; off < len;) {
        ssize_t k = read(fd, (uint8_t *)dst + off, len - off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return 0;
        off += (size_t)k;
    }
    return 1;
}

/* One answer: MAGIC, its length, then the result and the model (or the error message). */
static void answer(writer *w, vt_result r, const vt_model *m, const char *err)
{
    for (int pass = 0; pass < 2; pass++) {
        uint64_t len = w->total;
        w->fd = pass ? FD_OUT : -1;
        w->total = 0;
        if (pass) { w_bytes(w, MAGIC, 4); w_bytes(w, &len, sizeof len); w->total = 0; }
        w_i32(w, r);
        if (r == VT_OK) write_model(w, m);
        else w_str(w, err);
        w_bytes(w, TRAILER, 4);
    }
    w_flush(w);
}

int vt_model_isolated_child(int argc, char **argv)
{
    if (argc != 4 && argc != 5) { fprintf(stderr, _("vitrine: __load-model is internal to vitrine run\n")); return 2; }
    prctl(PR_SET_PDEATHSIG, SIGKILL);   /* never outlive the display */
    if (getppid() != (pid_t)atol(argv[3])) return 2;
    vt_load_limits l = { .cpu_s = atof(argv[1]), .memory_mb = atof(argv[2]) };
    l.keep_priority = argc > 4;
    child_limits(&l);
    writer *w = calloc(1, sizeof *w);
    if (w) { w->fd = FD_OUT; w_bytes(w, READY, 4); w_flush(w); }   /* started: the parent's clock for each model starts now */
    char *path = malloc(MAX_NAME + 1), *variant = malloc(MAX_NAME + 1);
    int32_t len, vlen;
    while (w && path && variant && !w->bad && read_full(0, &len, sizeof len) && len > 0 && len <= MAX_NAME &&
           read_full(0, path, (size_t)len) && read_full(0, &vlen, sizeof vlen) && vlen >= 0 && vlen <= MAX_NAME &&
           read_full(0, variant, (size_t)vlen)) {
        path[len] = 0;
        variant[vlen] = 0;
        /* Each model gets cpu_s of CPU time from now. */
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        rlim_t used = (rlim_t)ru.ru_utime.tv_sec + (rlim_t)ru.ru_stime.tv_sec + 1;
        setrlimit(RLIMIT_CPU, &(struct rlimit){ used + (rlim_t)ceil(l.cpu_s), used + (rlim_t)ceil(l.cpu_s) + 1 });
        /* Fault injection for the tests (as VT_FAULT_DETECT): a path containing VT_FAULT_LOAD_SPIN
         * spins here, like a reader stuck in a loop, until a limit stops it. */
        const char *spin = getenv("VT_FAULT_LOAD_SPIN");
        if (spin && *spin && strstr(path, spin))
            for (volatile unsigned long k = 0;; k++) {}
        vt_model *m = NULL;
        char err[1024];
        vt_result r = vt_model_load_variant(path, variant, &m, err, sizeof err);
        if (r != VT_OK && strstr(err, "bad_alloc")) r = VT_ERR_NO_MEMORY;   /* assimp's allocation under RLIMIT_AS */
        answer(w, r, m, err);
        vt_model_destroy(m);
    }
    int bad = !w || !path || !variant || w->bad;
    free(w);
    free(path);
    free(variant);
    return bad ? 1 : 0;
}

/* ---- the parent: every count checked against the bytes that came ---- */

typedef struct reader { const uint8_t *p, *end; int bad; } reader;

static int r_bytes(reader *r, void *dst, size_t len)
{
    if (r->bad || (size_t)(r->end - r->p) < len) { r->bad = 1; return 0; }
    if (len) memcpy(dst, r->p, len);
    r->p += len;
    return 1;
}
static int32_t r_i32(reader *r) { int32_t v = 0; r_bytes(r, &v, sizeof v); return v; }
/* A count of items of at least item_size bytes each, no more than the bytes left can hold. */
static int r_count(reader *r, size_t item_size)
{
    int32_t n = r_i32(r);
    if (n < 0 || (item_size && (size_t)n > (size_t)(r->end - r->p) / item_size)) { r->bad = 1; return 0; }
    return n;
}
static void *r_array(reader *r, size_t count, size_t size)
{
    if (r->bad || (size && count > (size_t)(r->end - r->p) / size)) { r->bad = 1; return NULL; }
    void *a = malloc(count * size > 0 ? count * size : 1);
    if (!a) { r->bad = 1; return NULL; }
    r_bytes(r, a, count * size);
    return a;
}
static char *r_str(reader *r)
{
    int32_t n = r_i32(r);
    if (n == -1 || r->bad) return NULL;
    if (n < 0 || n > MAX_NAME || (size_t)(r->end - r->p) < (size_t)n) { r->bad = 1; return NULL; }
    char *s = malloc((size_t)n + 1);
    if (!s) { r->bad = 1; return NULL; }
    r_bytes(r, s, (size_t)n);
    s[n] = 0;
    return s;
}

static int finite_all(const float *f, size_t n)
{
    for (size_t i = 0; i < n; i++) if (!isfinite(f[i])) return 0;
    return 1;
}

static void read_mesh(reader *r, vt_model *m, vt_mesh *me)
{
    me->vertex_count = r_count(r, 8 * sizeof(float));
    me->index_count = r_count(r, sizeof(uint32_t));
    me->material = r_i32(r);
    int32_t has_uvs1 = r_i32(r);
    size_t nv = (size_t)me->vertex_count;
    me->positions = r_array(r, nv * 3, sizeof(float));
    me->normals = r_array(r, nv * 3, sizeof(float));
    me->uvs = r_array(r, nv * 2, sizeof(float));
    if (has_uvs1) me->uvs1 = r_array(r, nv * 2, sizeof(float));
    if (has_uvs1 != 0 && has_uvs1 != 1) r->bad = 1;
    me->indices = r_array(r, (size_t)me->index_count, sizeof(uint32_t));
    if (r->bad || me->index_count % 3 || me->material < -1 || me->material >= m->material_count || !finite_all(me->positions, nv * 3)) {
        r->bad = 1;
        return;
    }
    for (int i = 0; i < me->index_count; i++) if (me->indices[i] >= (uint32_t)me->vertex_count) { r->bad = 1; return; }
}

static int tex_ok(int t, int count) { return t >= -1 && t < count; }

static void read_material(reader *r, vt_material *m, int ntex)
{
    float f[7];
    int32_t t[13];
    r_bytes(r, m->base_colour, sizeof m->base_colour);
    r_bytes(r, f, sizeof f);
    r_bytes(r, t, sizeof t);
    m->metallic = f[0]; m->roughness = f[1];
    memcpy(m->emissive, f + 2, sizeof m->emissive);
    m->normal_scale = f[5]; m->occlusion_strength = f[6];
    m->texture = t[0]; m->tex_metal_rough = t[1]; m->tex_normal = t[2]; m->tex_occlusion = t[3]; m->tex_emissive = t[4];
    m->tex_thickness = t[5]; m->tex_clearcoat = t[6]; m->tex_clearcoat_rough = t[7]; m->tex_sheen = t[8]; m->tex_sheen_rough = t[9];
    m->tex_transmission = t[10]; m->tex_specular = t[11]; m->tex_specular_colour = t[12];
    for (int k = 0; k < 13; k++) if (!tex_ok(t[k], ntex)) r->bad = 1;
    for (int k = 0; k < VT_MATERIAL_MAPS; k++) {
        r_bytes(r, m->uv[k].xform, sizeof m->uv[k].xform);
        m->uv[k].set = r_i32(r);
        if ((m->uv[k].set != 0 && m->uv[k].set != 1) || !finite_all(m->uv[k].xform, 6)) r->bad = 1;
    }
    float layers[10] = { 0 };
    r_bytes(r, layers, sizeof layers);
    m->alpha_mode = r_i32(r);
    for (int k = 0; k < 8; k++) if (!(layers[k] >= 0 && layers[k] <= 1)) r->bad = 1;   /* NaN too */
    if (!(layers[8] >= 1 && layers[8] <= 3) || !(layers[9] >= 0 && layers[9] < 1e6f)) r->bad = 1;
    if (m->alpha_mode < VT_ALPHA_OPAQUE || m->alpha_mode > VT_ALPHA_BLEND) r->bad = 1;
    m->transmission = layers[6]; m->alpha_cutoff = layers[7]; m->ior = layers[8]; m->thickness = layers[9];
    float spec[4] = { 0 };
    r_bytes(r, spec, sizeof spec);
    if (!(spec[0] >= 0 && spec[0] <= 1)) r->bad = 1;
    for (int k = 1; k < 4; k++) if (!(spec[k] >= 0 && spec[k] <= 100)) r->bad = 1;
    m->specular = spec[0];
    memcpy(m->specular_colour, spec + 1, sizeof m->specular_colour);
    r_bytes(r, m->attenuation, sizeof m->attenuation);
    for (int k = 0; k < 3; k++) if (!(m->attenuation[k] >= 0 && m->attenuation[k] <= 1)) r->bad = 1;
    if (!(m->attenuation[3] >= 0 && m->attenuation[3] < 1e6f)) r->bad = 1;
    float irid[3] = { 0 };
    r_bytes(r, irid, sizeof irid);
    if (!(irid[0] >= 0 && irid[0] <= 1) || !(irid[1] >= 1 && irid[1] <= 3) || !(irid[2] >= 0 && irid[2] <= 2000)) r->bad = 1;
    m->iridescence = irid[0]; m->iridescence_ior = irid[1]; m->iridescence_nm = irid[2];
    m->clearcoat = layers[0]; m->clearcoat_roughness = layers[1];
    memcpy(m->sheen_colour, layers + 2, sizeof m->sheen_colour);
    m->sheen_roughness = layers[5];
}

static void read_texture(reader *r, vt_model *m, int i)
{
    int32_t w = r_i32(r), h = r_i32(r), srgb = r_i32(r);
    m->texture_srgb[i] = srgb != 0;
    m->texture_names[i] = r_str(r);
    if (r->bad || w < 0 || h < 0 || w > MAX_TEXTURE_SIDE || h > MAX_TEXTURE_SIDE || (w == 0) != (h == 0)) { r->bad = 1; return; }
    if (!w) return;
    uint8_t *px = r_array(r, (size_t)w * (size_t)h, 4);
    if (px) m->textures[i] = vt_image_wrap(VT_PIX_RGBA8, w, h, 0, px);
}

/* The model in the child's bytes, or NULL when anything in them is inconsistent. */
static vt_model *model_from_bytes(reader *r, const char *path)
{
    vt_model *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    int32_t meshes = r_count(r, 12), inst = r_count(r, 68), mats = r_count(r, 64), tex = r_count(r, 16);
    m->is_placeholder = r_i32(r) != 0;
    float b[12];
    r_bytes(r, b, sizeof b);
    memcpy(m->bounds_min, b, 12); memcpy(m->bounds_max, b + 3, 12); memcpy(m->base_min, b + 6, 12); memcpy(m->base_max, b + 9, 12);
    m->variant_unknown = r_str(r);
    m->path = strdup(path);
    m->meshes = calloc((size_t)meshes + 1, sizeof *m->meshes);
    m->instances = calloc((size_t)inst + 1, sizeof *m->instances);
    m->materials = calloc((size_t)mats + 1, sizeof *m->materials);
    m->textures = calloc((size_t)tex + 1, sizeof *m->textures);
    m->texture_srgb = calloc((size_t)tex + 1, 1);
    m->texture_names = calloc((size_t)tex + 1, sizeof *m->texture_names);
    if (!m->path || !m->meshes || !m->instances || !m->materials || !m->textures || !m->texture_srgb || !m->texture_names) r->bad = 1;
    m->material_count = mats;
    for (int i = 0; i < meshes && !r->bad; i++, m->mesh_count++) read_mesh(r, m, &m->meshes[i]);
    for (int i = 0; i < inst && !r->bad; i++, m->instance_count++) {
        m->instances[i].mesh = r_i32(r);
        r_bytes(r, m->instances[i].transform, sizeof m->instances[i].transform);
        if (m->instances[i].mesh < 0 || m->instances[i].mesh >= meshes || !finite_all(m->instances[i].transform, 16)) r->bad = 1;
    }
    for (int i = 0; i < mats && !r->bad; i++) read_material(r, &m->materials[i], tex);
    for (int i = 0; i < tex && !r->bad; i++, m->texture_count++) read_texture(r, m, i);
    size_t alen = r->bad ? 0 : (size_t)r_count(r, 1);
    uint8_t *anim = alen ? r_array(r, alen, 1) : NULL;
    if (!r->bad && alen && vt_anim_unpack(m, anim, alen) != VT_OK) r->bad = 1;
    free(anim);
    char end[4];
    if (!r_bytes(r, end, 4) || memcmp(end, TRAILER, 4) || r->p != r->end || !finite_all(b, 12)) r->bad = 1;
    if (!r->bad) return m;
    vt_model_destroy(m);
    return NULL;
}

/* ---- the parent: one child at a time, each answer read with a deadline ---- */

struct vt_model_loader {
    vt_load_limits l;
    pid_t pid;          /* 0: no child running */
    int to, from;       /* requests to the child (its stdin), answers from it (its fd 3) */
};

static void child_stop(vt_model_loader *ld, int sig, int *status)
{
    if (!ld->pid) return;
    if (ld->to >= 0) close(ld->to);
    if (ld->from >= 0) close(ld->from);
    ld->to = ld->from = -1;
    if (sig) kill(ld->pid, sig);
    /* Without its requests the child exits; one that does not within a second is killed. */
    int st = 0;
    for (int i = 0; waitpid(ld->pid, &st, i < 100 ? WNOHANG : 0) == 0; i++) {
        if (i == 100) kill(ld->pid, SIGKILL);
        usleep(10000);
    }
    if (status) *status = st;
    ld->pid = 0;
}

typedef enum wait_end { WAIT_OK, WAIT_TIME, WAIT_CANCEL, WAIT_EOF } wait_end;
static wait_end read_until(vt_model_loader *ld, void *dst, size_t len, double end);
static double now_s(void) { return (double)vt_now_ns() * 1e-9; }

static vt_result child_start(vt_model_loader *ld, const char *path, char *err, size_t errlen)
{
    int req[2], ans[2];
    /* Requests over a socket: a send to a child that died fails with EPIPE, without SIGPIPE. */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, req) != 0) req[0] = -1;
    if (req[0] < 0 || pipe2(ans, O_CLOEXEC) != 0) {
        if (req[0] >= 0) { close(req[0]); close(req[1]); }
        snprintf(err, errlen, _("%s: cannot start its loader (%s)"), path, strerror(errno));
        return VT_ERR_IO;
    }
    char cpu[32], mem[32], ppid[32];
    snprintf(cpu, sizeof cpu, "%g", ld->l.cpu_s);
    snprintf(mem, sizeof mem, "%g", ld->l.memory_mb);
    snprintf(ppid, sizeof ppid, "%ld", (long)getpid());
    char *argv[] = { "vitrine", "__load-model", cpu, mem, ppid, ld->l.keep_priority ? "same-priority" : NULL, NULL };
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, req[0], 0);      /* dup2 clears close-on-exec */
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, ans[1], FD_OUT);
    posix_spawnattr_init(&at);
    sigset_t none, def;
    sigemptyset(&none);
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    sigaddset(&def, SIGXCPU);
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGTERM);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    int e = posix_spawn(&ld->pid, g_exe, &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(req[0]);
    close(ans[1]);
    ld->to = req[1];
    ld->from = ans[0];
    char ready[4];
    /* A busy machine may take seconds to start a process: that is not the model's time. */
    wait_end we = e == 0 ? read_until(ld, ready, 4, now_s() + 60) : WAIT_EOF;
    if (we == WAIT_OK && !memcmp(ready, READY, 4)) return VT_OK;
    if (e == 0) {
        child_stop(ld, SIGKILL, NULL);
        snprintf(err, errlen, we == WAIT_CANCEL ? "%s: loading was stopped" : "%s: its loader did not start", path);
        return VT_ERR_IO;
    }
    ld->pid = 0;
    close(ld->to);
    close(ld->from);
    ld->to = ld->from = -1;
    snprintf(err, errlen, _("%s: cannot start its loader (%s)"), path, strerror(e));
    return VT_ERR_IO;
}


/* len bytes from the child before end (monotonic seconds), unless cancelled. */
static wait_end read_until(vt_model_loader *ld, void *dst, size_t len, double end)
{
    for (size_t off = 0; off < len;) {
        if (ld->l.cancel && *ld->l.cancel) return WAIT_CANCEL;
        double left = end - now_s();
        if (left <= 0) return WAIT_TIME;
        struct pollfd pf = { ld->from, POLLIN, 0 };
        int k = poll(&pf, 1, left > 0.05 ? 50 : (int)(left * 1000) + 1);
        if (k < 0 && errno != EINTR) return WAIT_EOF;
        if (k <= 0) continue;
        ssize_t got = read(ld->from, (uint8_t *)dst + off, len - off);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (got <= 0) return WAIT_EOF;
        off += (size_t)got;
    }
    return WAIT_OK;
}

/* Why a child stopped without answering: its time, its CPU time, its memory. */
static vt_result child_failed(vt_model_loader *ld, wait_end why, const char *path, char *err, size_t errlen)
{
    int st = 0;
    child_stop(ld, why == WAIT_EOF ? 0 : SIGKILL, &st);
    const vt_load_limits *l = &ld->l;
    if (why == WAIT_CANCEL) { snprintf(err, errlen, _("%s: loading was stopped"), path); return VT_ERR_IO; }
    if (why == WAIT_TIME) { snprintf(err, errlen, _("%s: took longer than %g s to load"), path, l->wall_s); return VT_ERR_UNSUPPORTED; }
    int sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
    if (sig == SIGXCPU || sig == SIGKILL) {
        snprintf(err, errlen, _("%s: took more than %g s of CPU time to load"), path, l->cpu_s);
        return VT_ERR_UNSUPPORTED;
    }
    if (sig) snprintf(err, errlen, _("%s: its loader died (%s); the model may need more than %g MB"), path, strsignal(sig), l->memory_mb);
    else snprintf(err, errlen, _("%s: its loader stopped without an answer (exit status %d)"), path, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return VT_ERR_NO_MEMORY;
}

/* The child's answer: a model, or its error message (one line, as vt_model_load wrote it). */
static vt_result parse_answer(const vt_model_loader *ld, const uint8_t *buf, size_t n, const char *path, vt_model **out, char *err, size_t errlen)
{
    reader r = { buf, buf + n, 0 };
    int32_t res = r_i32(&r);
    if (!r.bad && res == VT_OK) {
        if ((*out = model_from_bytes(&r, path))) return VT_OK;
    } else if (!r.bad) {
        char *msg = r_str(&r);
        char end[4];
        if (msg && r_bytes(&r, end, 4) && !memcmp(end, TRAILER, 4) && r.p == r.end) {
            if (res == VT_ERR_NO_MEMORY) snprintf(err, errlen, _("%s: needs more than %g MB of memory to load"), path, ld->l.memory_mb);
            else snprintf(err, errlen, "%s", msg);
            free(msg);
            return res > VT_END && res <= VT_ERR_INTERNAL ? (vt_result)res : VT_ERR_INTERNAL;
        }
        free(msg);
    }
    snprintf(err, errlen, _("%s: its loader gave back inconsistent data"), path);
    return VT_ERR_INTERNAL;
}

static vt_result ask(vt_model_loader *ld, const char *path, const char *variant, vt_model **out, char *err, size_t errlen)
{
    int32_t len = (int32_t)strlen(path), vlen = variant ? (int32_t)strlen(variant) : 0;
    if (len <= 0 || len > MAX_NAME) { snprintf(err, errlen, _("%s: the path is too long"), path); return VT_ERR_ARG; }
    if (vlen > MAX_NAME) { snprintf(err, errlen, _("%s: the variant name is too long"), path); return VT_ERR_ARG; }
    if (!ld->pid && child_start(ld, path, err, errlen) != VT_OK) return VT_ERR_IO;
    char msg[2 * sizeof len + 2 * MAX_NAME];
    memcpy(msg, &len, sizeof len);
    memcpy(msg + sizeof len, path, (size_t)len);
    memcpy(msg + sizeof len + (size_t)len, &vlen, sizeof vlen);
    if (vlen) memcpy(msg + 2 * sizeof len + (size_t)len, variant, (size_t)vlen);
    for (size_t off = 0, total = 2 * sizeof len + (size_t)len + (size_t)vlen; off < total;) {
        ssize_t k = send(ld->to, msg + off, total - off, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return child_failed(ld, WAIT_EOF, path, err, errlen);
        off += (size_t)k;
    }
    double end = now_s() + ld->l.wall_s;
    uint8_t head[12];
    uint64_t n = 0;
    wait_end we = read_until(ld, head, sizeof head, end);
    if (we != WAIT_OK) return child_failed(ld, we, path, err, errlen);
    memcpy(&n, head + 4, sizeof n);
    if (memcmp(head, MAGIC, 4) || n > (uint64_t)(ld->l.memory_mb * 1024 * 1024) + 65536) {
        child_stop(ld, SIGKILL, NULL);
        if (!memcmp(head, MAGIC, 4)) snprintf(err, errlen, _("%s: the model needs more than %g MB"), path, ld->l.memory_mb);
        else snprintf(err, errlen, _("%s: its loader gave back inconsistent data"), path);
        return memcmp(head, MAGIC, 4) ? VT_ERR_INTERNAL : VT_ERR_NO_MEMORY;
    }
    uint8_t *buf = malloc(n ? (size_t)n : 1);
    if (!buf) { child_stop(ld, SIGKILL, NULL); snprintf(err, errlen, _("%s: out of memory"), path); return VT_ERR_NO_MEMORY; }
    we = read_until(ld, buf, (size_t)n, end);
    vt_result r = we == WAIT_OK ? parse_answer(ld, buf, (size_t)n, path, out, err, errlen) : child_failed(ld, we, path, err, errlen);
    free(buf);
    return r;
}

vt_result vt_model_loader_create(const vt_load_limits *limits, vt_model_loader **out, char *err, size_t errlen)
{
    *out = calloc(1, sizeof **out);
    if (!*out) { snprintf(err, errlen, _("out of memory")); return VT_ERR_NO_MEMORY; }
    vt_load_limits d = vt_load_limits_defaults(), l = limits ? *limits : d;
    if (!(l.wall_s > 0)) l.wall_s = d.wall_s;
    if (!(l.cpu_s > 0)) l.cpu_s = d.cpu_s;
    if (!(l.memory_mb > 0)) l.memory_mb = d.memory_mb;
    (*out)->l = l;
    (*out)->to = (*out)->from = -1;
    return VT_OK;
}

vt_result vt_model_loader_load(vt_model_loader *ld, const char *path, vt_model **out, char *err, size_t errlen)
{
    return vt_model_loader_load_variant(ld, path, NULL, out, err, errlen);
}

vt_result vt_model_loader_load_variant(vt_model_loader *ld, const char *path, const char *variant, vt_model **out, char *err,
                                       size_t errlen)
{
    *out = NULL;
    if (!g_exe[0]) return vt_model_load_variant(path, variant, out, err, errlen);
    return ask(ld, path, variant, out, err, errlen);
}

void vt_model_loader_idle(vt_model_loader *ld)
{
    if (ld) child_stop(ld, 0, NULL);
}

void vt_model_loader_destroy(vt_model_loader *ld)
{
    if (!ld) return;
    child_stop(ld, 0, NULL);
    free(ld);
}

vt_result vt_model_load_isolated(const char *path, const vt_load_limits *limits, vt_model **out, char *err, size_t errlen)
{
    vt_model_loader *ld = NULL;
    *out = NULL;
    vt_result r = vt_model_loader_create(limits, &ld, err, errlen);
    if (r == VT_OK) r = vt_model_loader_load(ld, path, out, err, errlen);
    vt_model_loader_destroy(ld);
    return r;
}

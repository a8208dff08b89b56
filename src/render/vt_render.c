/* vt_render.c — GL context (GLFW window or EGL surfaceless), shaders from shaders/, background,
 * meshes, and a FreeType glyph atlas for overlays. */
#include "render/vt_render.h"

#include <GL/glew.h>
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLFW/glfw3.h>
#include <cglm/cglm.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>
#include <link.h>

#ifndef VT_SHADER_DIR_DEFAULT
#define VT_SHADER_DIR_DEFAULT "shaders"
#endif

#define ATLAS 1024
#define GLYPH_PX 56            /* rasterised size; drawn scaled */
#define MAX_UI_VERTS 65536

typedef struct glyph { uint32_t cp; float u0, v0, u1, v1; int w, h, bx, by; float adv; } glyph;

struct vt_gpu_model {
    GLuint *vao, *vbo, *ibo;   /* per mesh */
    GLuint *tex;               /* per texture */
    const vt_model *src;       /* borrowed: the caller keeps the model alive while drawing it */
    int mesh_count, tex_count;
    vt_gpu_model *next;
};

#define ENV_W 256
#define ENV_H 128
#define ENV_LEVELS 6           /* 256x128 down to 8x4 */
#define ENV_SCALE 8.0f         /* the environment texture holds radiance / ENV_SCALE */

struct vt_renderer {
    vt_render_desc desc;
    GLFWwindow *window;
    EGLDisplay egl_dpy;
    EGLContext egl_ctx;
    GLuint fbo, fbo_colour, fbo_depth;   /* single-sample: what is read back and shown */
    GLuint fbo_ms, ms_colour, ms_depth;  /* multisampled: what is drawn into (0 without MSAA) */
    int samples;
    GLuint bg_prog, mesh_prog, ui_prog, shadow_prog;
    GLuint shadow_vao, shadow_vbo;
    GLuint env_tex;
    float env_sh[9];           /* the studio's irradiance, spherical harmonics (see build_env) */
    float clicks[8][2];
    int nclicks;
    int is_fullscreen, win_x, win_y, win_w, win_h;
    GLuint bg_vao, bg_vbo, bg_tex;
    GLuint ui_vao, ui_vbo, atlas_tex;
    float *ui_verts;           /* x, y, u, v, r, g, b, a */
    int ui_count;
    float proj[16];
    glyph *glyphs;
    int glyph_count;
    float ascent;
    vt_gpu_model *models;
    int keys[16], nkeys;       /* pressed keys not yet polled */
    float znear, zfar;
};

static int g_egl_users;   /* headless renderers alive (they share one EGL display) */

/* Several renderers may live in one process (tests, previews): each call that draws makes its
 * own context current first. */
static void make_current(vt_renderer *r)
{
    if (r->egl_ctx) {
        if (eglGetCurrentContext() != r->egl_ctx) eglMakeCurrent(r->egl_dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, r->egl_ctx);
    } else if (r->window && glfwGetCurrentContext() != r->window) {
        glfwMakeContextCurrent(r->window);
    }
}

/* ---- shaders ---- */
static GLuint compile(GLenum type, const char *path, char *err, size_t errlen)
{
    char *src = vt_read_file(path, NULL);
    if (!src) { snprintf(err, errlen, "%s: cannot read the shader", path); return 0; }
    GLuint s = glCreateShader(type);
    glShaderSource(s, 1, (const char *const *)&src, NULL);
    glCompileShader(s);
    free(src);
    GLint ok;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[512];
        glGetShaderInfoLog(s, sizeof log, NULL, log);
        for (char *c = log; *c; c++) if (*c == '\n') *c = ' ';
        snprintf(err, errlen, "%s: does not compile: %s", path, log);
        glDeleteShader(s);
        return 0;
    }
    return s;
}

static GLuint program(const char *dir, const char *name, char *err, size_t errlen)
{
    char vp[1024], fp[1024];
    snprintf(vp, sizeof vp, "%s/%s.vert", dir, name);
    snprintf(fp, sizeof fp, "%s/%s.frag", dir, name);
    GLuint v = compile(GL_VERTEX_SHADER, vp, err, errlen);
    if (!v) return 0;
    GLuint f = compile(GL_FRAGMENT_SHADER, fp, err, errlen);
    if (!f) { glDeleteShader(v); return 0; }
    GLuint p = glCreateProgram();
    glAttachShader(p, v);
    glAttachShader(p, f);
    glLinkProgram(p);
    glDeleteShader(v);
    glDeleteShader(f);
    GLint ok;
    glGetProgramiv(p, GL_LINK_STATUS, &ok);
    if (!ok) { snprintf(err, errlen, "%s/%s: shaders do not link", dir, name); glDeleteProgram(p); return 0; }
    return p;
}

/* ---- fonts ---- */
static char *find_font(void)
{
    char *path = NULL;
    if (FcInit()) {
        FcPattern *pat = FcNameParse((const FcChar8 *)"DejaVu Sans:style=Bold");
        FcConfigSubstitute(NULL, pat, FcMatchPattern);
        FcDefaultSubstitute(pat);
        FcResult res;
        FcPattern *m = FcFontMatch(NULL, pat, &res);
        FcChar8 *file;
        if (m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch) path = strdup((const char *)file);
        if (m) FcPatternDestroy(m);
        FcPatternDestroy(pat);
        FcFini();   /* nothing else here uses fontconfig: give its cache back */
    }
    return path;
}

static vt_result build_atlas(vt_renderer *r, char *err, size_t errlen)
{
    char *path = find_font();
    FT_Library ft;
    FT_Face face;
    if (!path || FT_Init_FreeType(&ft)) { snprintf(err, errlen, "no font found (install fonts-dejavu-core)"); free(path); return VT_ERR_NOT_FOUND; }
    if (FT_New_Face(ft, path, 0, &face)) {
        snprintf(err, errlen, "%s: FreeType cannot open the font", path);
        free(path);
        FT_Done_FreeType(ft);
        return VT_ERR_FORMAT;
    }
    free(path);
    FT_Set_Pixel_Sizes(face, 0, GLYPH_PX);
    r->ascent = face->size->metrics.ascender / 64.0f;
    uint8_t *pix = calloc(ATLAS * ATLAS, 1);
    r->glyphs = calloc(400, sizeof *r->glyphs);
    if (!pix || !r->glyphs) { free(pix); FT_Done_Face(face); FT_Done_FreeType(ft); return VT_ERR_NO_MEMORY; }
    /* Latin-1 plus the signs prices need. */
    uint32_t cps[400];
    int n = 0;
    for (uint32_t c = 32; c < 127; c++) cps[n++] = c;
    for (uint32_t c = 160; c < 256; c++) cps[n++] = c;
    cps[n++] = 0x20AC; /* € */ cps[n++] = 0x202F; /* narrow no-break space */ cps[n++] = 0x2022; cps[n++] = 0x2014;
    cps[n++] = 0x2026; /* … */ cps[n++] = 0x2192; /* → */
    int x = 1, y = 1, row_h = 0;
    for (int i = 0; i < n; i++) {
        if (FT_Load_Char(face, cps[i], FT_LOAD_RENDER)) continue;
        FT_GlyphSlot g = face->glyph;
        int w = (int)g->bitmap.width, h = (int)g->bitmap.rows;
        if (x + w + 1 >= ATLAS) { x = 1; y += row_h + 1; row_h = 0; }
        if (y + h + 1 >= ATLAS) break;
        for (int j = 0; j < h; j++) memcpy(pix + (y + j) * ATLAS + x, g->bitmap.buffer + j * g->bitmap.pitch, (size_t)w);
        glyph *gl = &r->glyphs[r->glyph_count++];
        *gl = (glyph){ cps[i], (float)x / ATLAS, (float)y / ATLAS, (float)(x + w) / ATLAS, (float)(y + h) / ATLAS,
                       w, h, g->bitmap_left, g->bitmap_top, g->advance.x / 64.0f };
        x += w + 1;
        if (h > row_h) row_h = h;
    }
    FT_Done_Face(face);
    FT_Done_FreeType(ft);
    glGenTextures(1, &r->atlas_tex);
    glBindTexture(GL_TEXTURE_2D, r->atlas_tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, ATLAS, ATLAS, 0, GL_RED, GL_UNSIGNED_BYTE, pix);
    glGenerateMipmap(GL_TEXTURE_2D);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    free(pix);
    return VT_OK;
}

static const glyph *find_glyph(const vt_renderer *r, uint32_t cp)
{
    for (int i = 0; i < r->glyph_count; i++)
        if (r->glyphs[i].cp == cp) return &r->glyphs[i];
    return cp != '?' ? find_glyph(r, '?') : NULL;
}

static uint32_t next_cp(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t c = *p++;
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (extra) c &= 0x3F >> extra;
    for (int i = 0; i < extra && (*p & 0xC0) == 0x80; i++) c = (c << 6) | (*p++ & 0x3F);
    *s = (const char *)p;
    return c;
}

/* Leak checkers (LeakSanitizer, valgrind) report Mesa's one-time allocations at exit; once Mesa
 * has unloaded its driver those reports have no module name to suppress. Pinning the driver
 * (RTLD_NODELETE) keeps the names (tests/lsan.supp, tests/valgrind.supp name them); it stays
 * loaded until the process ends, which it would almost anyway. */
static int pin_driver(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size; (void)data;
    if (info->dlpi_name && (strstr(info->dlpi_name, "_dri.so") || strstr(info->dlpi_name, "libgallium")))
        dlopen(info->dlpi_name, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
    return 0;
}

static void on_key(GLFWwindow *w, int key, int scancode, int action, int mods)
{
    (void)scancode; (void)mods;
    vt_renderer *r = glfwGetWindowUserPointer(w);
    if (action != GLFW_PRESS || !r || r->nkeys == 16) return;
    int k = key == GLFW_KEY_SPACE ? ' ' : key == GLFW_KEY_ENTER || key == GLFW_KEY_KP_ENTER ? '\n'
          : key == GLFW_KEY_ESCAPE ? 27 : key == GLFW_KEY_TAB ? '\t' : key == GLFW_KEY_BACKSPACE ? 8
          : key == GLFW_KEY_DELETE ? 127 : (key >= GLFW_KEY_KP_1 && key <= GLFW_KEY_KP_9) ? '1' + key - GLFW_KEY_KP_1
          : (key >= 32 && key < 127) ? key : 0;
    if (k) r->keys[r->nkeys++] = k;
}

/* Where the frame sits in the window (letterboxed), in framebuffer pixels. */
static void letterbox(const vt_renderer *r, int ww, int wh, float *s, int *dx, int *dy, int *dw, int *dh)
{
    *s = fminf((float)ww / r->desc.width, (float)wh / r->desc.height);
    *dw = (int)(r->desc.width * *s);
    *dh = (int)(r->desc.height * *s);
    *dx = (ww - *dw) / 2;
    *dy = (wh - *dh) / 2;
}

static void on_mouse(GLFWwindow *w, int button, int action, int mods)
{
    (void)mods;
    vt_renderer *r = glfwGetWindowUserPointer(w);
    if (button != GLFW_MOUSE_BUTTON_LEFT || action != GLFW_PRESS || !r || r->nclicks == 8) return;
    double cx, cy;
    int winw, winh, fbw, fbh, dx, dy, dw, dh;
    float s;
    glfwGetCursorPos(w, &cx, &cy);
    glfwGetWindowSize(w, &winw, &winh);
    glfwGetFramebufferSize(w, &fbw, &fbh);
    if (winw <= 0 || winh <= 0) return;
    cx *= (double)fbw / winw;   /* screen coordinates to framebuffer pixels (HiDPI) */
    cy *= (double)fbh / winh;
    letterbox(r, fbw, fbh, &s, &dx, &dy, &dw, &dh);
    /* The window's y runs down from the top, as the frame's does. */
    r->clicks[r->nclicks][0] = (float)((cx - dx) / s);
    r->clicks[r->nclicks][1] = (float)((cy - (fbh - dy - dh)) / s);
    r->nclicks++;
}

int vt_render_poll_click(vt_renderer *r, float *x, float *y)
{
    if (!r->window || !r->nclicks) return 0;
    *x = r->clicks[0][0];
    *y = r->clicks[0][1];
    memmove(r->clicks, r->clicks + 1, (size_t)(--r->nclicks) * sizeof r->clicks[0]);
    return 1;
}

static GLFWmonitor *chosen_monitor(const vt_renderer *r)
{
    int n = 0;
    GLFWmonitor **all = glfwGetMonitors(&n);
    if (!all || n == 0) return glfwGetPrimaryMonitor();
    return all[r->desc.monitor >= 0 && r->desc.monitor < n ? r->desc.monitor : 0];
}

void vt_render_toggle_fullscreen(vt_renderer *r)
{
    if (!r->window) return;
    if (!r->is_fullscreen) {
        glfwGetWindowPos(r->window, &r->win_x, &r->win_y);
        glfwGetWindowSize(r->window, &r->win_w, &r->win_h);
        GLFWmonitor *mon = chosen_monitor(r);
        const GLFWvidmode *vm = mon ? glfwGetVideoMode(mon) : NULL;
        if (!vm) return;
        glfwSetWindowMonitor(r->window, mon, 0, 0, vm->width, vm->height, vm->refreshRate);
    } else {
        glfwSetWindowMonitor(r->window, NULL, r->win_x, r->win_y, r->win_w > 0 ? r->win_w : 1280,
                             r->win_h > 0 ? r->win_h : 720, 0);
    }
    r->is_fullscreen = !r->is_fullscreen;
}

int vt_render_poll_key(vt_renderer *r)
{
    if (!r->window || !r->nkeys) return 0;
    int k = r->keys[0];
    memmove(r->keys, r->keys + 1, (size_t)(--r->nkeys) * sizeof r->keys[0]);
    return k;
}

/* ---- context ---- */
static vt_result make_context(vt_renderer *r, char *err, size_t errlen)
{
    if (r->desc.headless) {
        PFNEGLGETPLATFORMDISPLAYEXTPROC get_dpy = (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
        if (!get_dpy) { snprintf(err, errlen, "EGL has no eglGetPlatformDisplayEXT (Mesa's libegl-mesa0 needed)"); return VT_ERR_UNSUPPORTED; }
        r->egl_dpy = get_dpy(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
        EGLint maj, min;
        if (r->egl_dpy == EGL_NO_DISPLAY || !eglInitialize(r->egl_dpy, &maj, &min)) {
            snprintf(err, errlen, "cannot open a surfaceless EGL display (Mesa)");
            r->egl_dpy = NULL;
            return VT_ERR_UNSUPPORTED;
        }
        g_egl_users++;
        eglBindAPI(EGL_OPENGL_API);
        const EGLint attrs[] = { EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 3, EGL_CONTEXT_OPENGL_PROFILE_MASK,
                                 EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE };
        r->egl_ctx = eglCreateContext(r->egl_dpy, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, attrs);
        if (r->egl_ctx == EGL_NO_CONTEXT || !eglMakeCurrent(r->egl_dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, r->egl_ctx)) {
            snprintf(err, errlen, "cannot create an OpenGL 3.3 core context through EGL");
            return VT_ERR_UNSUPPORTED;
        }
    } else {
        if (!glfwInit()) { snprintf(err, errlen, "cannot open a window (no display? try --headless)"); return VT_ERR_UNSUPPORTED; }
        glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
        glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
        glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
        glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
        glfwWindowHint(GLFW_RESIZABLE, GLFW_TRUE);
        GLFWmonitor *mon = r->desc.fullscreen ? chosen_monitor(r) : NULL;
        r->is_fullscreen = mon != NULL;
        int w = r->desc.width, h = r->desc.height;
        if (mon) {
            const GLFWvidmode *vm = glfwGetVideoMode(mon);
            w = vm->width;
            h = vm->height;
        } else if (w > 1600) {   /* large videos open in a window that fits a laptop screen */
            h = h * 1600 / w;
            w = 1600;
        }
        r->window = glfwCreateWindow(w, h, r->desc.title ? r->desc.title : "Vitrine", mon, NULL);
        if (!r->window) { snprintf(err, errlen, "cannot create an OpenGL 3.3 window"); return VT_ERR_UNSUPPORTED; }
        glfwMakeContextCurrent(r->window);
        glfwSetWindowUserPointer(r->window, r);
        glfwSetKeyCallback(r->window, on_key);
        glfwSetMouseButtonCallback(r->window, on_mouse);
        if (r->desc.hide_cursor) glfwSetInputMode(r->window, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);
        glfwSwapInterval(1);
    }
    glewExperimental = GL_TRUE;
    GLenum ge = glewInit();
    /* Under EGL, GLEW 2.2 reports GLEW_ERROR_NO_GLX_DISPLAY (4) although every entry point loaded. */
    if (ge != GLEW_OK && !(r->desc.headless && ge == 4)) {
        snprintf(err, errlen, "GLEW cannot load OpenGL: %s", (const char *)glewGetErrorString(ge));
        return VT_ERR_UNSUPPORTED;
    }
    while (glGetError() != GL_NO_ERROR) {}
    dl_iterate_phdr(pin_driver, NULL);
    return VT_OK;
}

/* ---- the studio environment ---- */
/* A neutral photo studio, in the frame the shaders use (+y up, +z towards the viewer): grey
 * walls lighter above, a darker floor, and four softboxes — a large key above-left in front, a
 * broad one overhead, a fill on the right and a rim behind. Grey, so it never tints a product. */
static const float k_key_dir[3] = { -0.55f, 0.55f, 0.62f };

static float softbox(const float d[3], const float c[3], float radius_deg, float power)
{
    float n = sqrtf(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
    float cosang = (d[0] * c[0] + d[1] * c[1] + d[2] * c[2]) / n;
    float ang = acosf(fmaxf(-1.0f, fminf(1.0f, cosang))) * 180.0f / (float)M_PI;
    float t = (ang - radius_deg * 0.75f) / (radius_deg * 0.5f);   /* soft edge over half the radius */
    return t <= 0 ? power : t >= 1 ? 0 : power * (1 - t * t * (3 - 2 * t));
}

static float studio(const float d[3])
{
    static const float top[3] = { 0, 1, 0 }, fill[3] = { 0.75f, 0.25f, 0.6f }, rim[3] = { 0.2f, 0.35f, -0.9f };
    float y = d[1];
    float bg = y >= 0 ? 0.45f + 0.30f * y : 0.45f - 0.30f * fminf(1.0f, -y * 2.5f);
    return bg + softbox(d, k_key_dir, 24, 5.0f) + softbox(d, top, 32, 2.2f) + softbox(d, fill, 28, 1.3f) +
           softbox(d, rim, 16, 2.6f);
}

/* Mip 0 drawn from the studio; each next mip halves and blurs, standing in for the glossier-to-
 * rougher prefiltering of image-based lighting (the shader picks the mip by roughness). */
static void build_env(vt_renderer *r)
{
    int w = ENV_W, h = ENV_H;
    float *cur = malloc(sizeof(float) * 3 * w * h), *tmp = malloc(sizeof(float) * 3 * w * h);
    uint8_t *bytes = malloc((size_t)w * h);
    if (!cur || !tmp || !bytes) { free(cur); free(tmp); free(bytes); return; }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            /* Inverse of the shader's lookup: u = atan(d.x, -d.z) / 2pi + 0.5, v = acos(d.y) / pi. */
            float phi = ((x + 0.5f) / w - 0.5f) * 2 * (float)M_PI, th = (y + 0.5f) / h * (float)M_PI;
            float d[3] = { sinf(th) * sinf(phi), cosf(th), -sinf(th) * cosf(phi) };
            float v = studio(d);
            for (int c = 0; c < 3; c++) cur[(y * w + x) * 3 + c] = v;
        }
    /* Diffuse light from it as 9 spherical-harmonic coefficients, already convolved with the
     * cosine lobe (Ramamoorthi and Hanrahan 2001): the shader evaluates a polynomial of the
     * normal instead of a second texture look-up. */
    double sh[9] = { 0 };
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double phi = ((x + 0.5) / w - 0.5) * 2 * M_PI, th = (y + 0.5) / h * M_PI;
            double dx = sin(th) * sin(phi), dy = cos(th), dz = -sin(th) * cos(phi);
            double dw = (2 * M_PI / w) * (M_PI / h) * sin(th), L = cur[(y * w + x) * 3];
            double Y[9] = { 0.282095, 0.488603 * dy, 0.488603 * dz, 0.488603 * dx, 1.092548 * dx * dy, 1.092548 * dy * dz,
                            0.315392 * (3 * dz * dz - 1), 1.092548 * dx * dz, 0.546274 * (dx * dx - dy * dy) };
            for (int k = 0; k < 9; k++) sh[k] += L * Y[k] * dw;
        }
    static const double band[9] = { M_PI, 2 * M_PI / 3, 2 * M_PI / 3, 2 * M_PI / 3, M_PI / 4, M_PI / 4, M_PI / 4, M_PI / 4, M_PI / 4 };
    /* Divided by pi: the shader multiplies by the albedo (Lambert's albedo / pi times irradiance). */
    for (int k = 0; k < 9; k++) r->env_sh[k] = (float)(sh[k] * band[k] / M_PI);
    glGenTextures(1, &r->env_tex);
    glBindTexture(GL_TEXTURE_2D, r->env_tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    for (int level = 0; level < ENV_LEVELS; level++) {
        /* One 8-bit channel, radiance / ENV_SCALE: the studio is grey, and a software renderer
         * samples this several times faster than a float texture. */
        for (int i = 0; i < w * h; i++) {
            float q = cur[i * 3] / ENV_SCALE * 255.0f + 0.5f;
            bytes[i] = (uint8_t)(q > 255 ? 255 : q);
        }
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glTexImage2D(GL_TEXTURE_2D, level, GL_R8, w, h, 0, GL_RED, GL_UNSIGNED_BYTE, bytes);
        if (level == ENV_LEVELS - 1) break;
        int nw = w / 2, nh = h / 2;
        for (int y = 0; y < nh; y++)
            for (int x = 0; x < nw; x++)
                for (int c = 0; c < 3; c++)
                    tmp[(y * nw + x) * 3 + c] = 0.25f * (cur[((2 * y) * w + 2 * x) * 3 + c] + cur[((2 * y) * w + 2 * x + 1) * 3 + c] +
                                                         cur[((2 * y + 1) * w + 2 * x) * 3 + c] + cur[((2 * y + 1) * w + 2 * x + 1) * 3 + c]);
        w = nw;
        h = nh;
        /* Two passes of a 3x3 blur, wrapping around in longitude. */
        for (int pass = 0; pass < 2; pass++) {
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int c = 0; c < 3; c++) {
                        float acc = 0;
                        for (int dy = -1; dy <= 1; dy++)
                            for (int dx = -1; dx <= 1; dx++) {
                                int yy = y + dy < 0 ? 0 : y + dy >= h ? h - 1 : y + dy, xx = (x + dx + w) % w;
                                acc += tmp[(yy * w + xx) * 3 + c];
                            }
                        cur[(y * w + x) * 3 + c] = acc / 9;
                    }
            memcpy(tmp, cur, sizeof(float) * 3 * w * h);
        }
    }
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_BASE_LEVEL, 0);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, ENV_LEVELS - 1);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_REPEAT);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    free(cur);
    free(tmp);
    free(bytes);
}

static const char *shader_dir(const vt_render_desc *d)
{
    if (d->shader_dir) return d->shader_dir;
    const char *e = getenv("VITRINE_SHADER_DIR");
    return e && *e ? e : VT_SHADER_DIR_DEFAULT;
}

/* A vertex array of 2-D points (attribute 0), bound. */
static void vertex_array_2d(const float *data, size_t size, GLuint *vao, GLuint *vbo)
{
    glGenVertexArrays(1, vao);
    glBindVertexArray(*vao);
    glGenBuffers(1, vbo);
    glBindBuffer(GL_ARRAY_BUFFER, *vbo);
    glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)size, data, GL_STATIC_DRAW);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, 0);
}

vt_result vt_render_create(const vt_render_desc *desc, vt_renderer **out, char *err, size_t errlen)
{
    *out = NULL;
    if (desc->width <= 0 || desc->height <= 0) { snprintf(err, errlen, "bad frame size"); return VT_ERR_ARG; }
    vt_renderer *r = calloc(1, sizeof *r);
    if (!r) return VT_ERR_NO_MEMORY;
    r->desc = *desc;
    vt_result res = make_context(r, err, errlen);
    if (res != VT_OK) { vt_render_destroy(r); return res; }
    const char *dir = shader_dir(desc);
    if (!(r->bg_prog = program(dir, "background", err, errlen)) || !(r->mesh_prog = program(dir, "mesh", err, errlen)) ||
        !(r->ui_prog = program(dir, "ui", err, errlen)) || !(r->shadow_prog = program(dir, "shadow", err, errlen))) {
        vt_render_destroy(r);
        return VT_ERR_NOT_FOUND;
    }
    if ((res = build_atlas(r, err, errlen)) != VT_OK) { vt_render_destroy(r); return res; }

    /* Offscreen target of the video's size. */
    glGenFramebuffers(1, &r->fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, r->fbo);
    glGenRenderbuffers(1, &r->fbo_colour);
    glBindRenderbuffer(GL_RENDERBUFFER, r->fbo_colour);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, desc->width, desc->height);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, r->fbo_colour);
    glGenRenderbuffers(1, &r->fbo_depth);
    glBindRenderbuffer(GL_RENDERBUFFER, r->fbo_depth);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_DEPTH_COMPONENT24, desc->width, desc->height);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, r->fbo_depth);
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
        snprintf(err, errlen, "cannot create a %dx%d framebuffer", desc->width, desc->height);
        vt_render_destroy(r);
        return VT_ERR_UNSUPPORTED;
    }
    /* Multisampled twin that everything is drawn into, resolved into the one above at the end:
     * smooth product edges. Where the driver cannot, drawing goes straight to the plain one. */
    GLint max_samples = 0;
    glGetIntegerv(GL_MAX_SAMPLES, &max_samples);
    /* 4x by default; on a software rasterizer (Mesa llvmpipe: no GPU) it would halve the frame
     * rate, so there the default is none and --msaa asks for it. */
    const char *gl_renderer = (const char *)glGetString(GL_RENDERER);
    int software = gl_renderer && (strstr(gl_renderer, "llvmpipe") || strstr(gl_renderer, "softpipe"));
    r->samples = desc->msaa > 0 ? desc->msaa : software ? 1 : 4;
    if (r->samples > max_samples) r->samples = max_samples;
    if (r->samples > 1) {
        glGenFramebuffers(1, &r->fbo_ms);
        glBindFramebuffer(GL_FRAMEBUFFER, r->fbo_ms);
        glGenRenderbuffers(1, &r->ms_colour);
        glBindRenderbuffer(GL_RENDERBUFFER, r->ms_colour);
        glRenderbufferStorageMultisample(GL_RENDERBUFFER, r->samples, GL_RGBA8, desc->width, desc->height);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, r->ms_colour);
        glGenRenderbuffers(1, &r->ms_depth);
        glBindRenderbuffer(GL_RENDERBUFFER, r->ms_depth);
        glRenderbufferStorageMultisample(GL_RENDERBUFFER, r->samples, GL_DEPTH_COMPONENT24, desc->width, desc->height);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, r->ms_depth);
        if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
            VT_WARN("render", "no %dx multisampling here; edges will not be smoothed", r->samples);
            GLuint rbs[] = { r->ms_colour, r->ms_depth };
            glDeleteRenderbuffers(2, rbs);
            glDeleteFramebuffers(1, &r->fbo_ms);
            r->fbo_ms = r->ms_colour = r->ms_depth = 0;
            r->samples = 1;
        }
    }
    while (glGetError() != GL_NO_ERROR) {}
    build_env(r);

    static const float corners[] = { -1, -1, 1, -1, -1, 1, 1, 1 };   /* the shadow's strip */
    static const float quad[] = { -1, -1, 1, -1, 1, 1, -1, -1, 1, 1, -1, 1 };   /* the background's triangles */
    vertex_array_2d(corners, sizeof corners, &r->shadow_vao, &r->shadow_vbo);
    vertex_array_2d(quad, sizeof quad, &r->bg_vao, &r->bg_vbo);
    glGenTextures(1, &r->bg_tex);
    glBindTexture(GL_TEXTURE_2D, r->bg_tex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, desc->width, desc->height, 0, GL_BGR, GL_UNSIGNED_BYTE, NULL);
    /* NEAREST: the frame maps 1:1 to the framebuffer, so untouched pixels stay exactly the input. */
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);

    r->ui_verts = malloc(MAX_UI_VERTS * 8 * sizeof(float));
    if (!r->ui_verts) { vt_render_destroy(r); return VT_ERR_NO_MEMORY; }
    glGenVertexArrays(1, &r->ui_vao);
    glBindVertexArray(r->ui_vao);
    glGenBuffers(1, &r->ui_vbo);
    glBindBuffer(GL_ARRAY_BUFFER, r->ui_vbo);
    glBufferData(GL_ARRAY_BUFFER, MAX_UI_VERTS * 8 * sizeof(float), NULL, GL_STREAM_DRAW);
    for (int i = 0; i < 3; i++) glEnableVertexAttribArray((GLuint)i);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 32, (void *)0);
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, 32, (void *)8);
    glVertexAttribPointer(2, 4, GL_FLOAT, GL_FALSE, 32, (void *)16);
    glBindVertexArray(0);
    *out = r;
    return VT_OK;
}

void vt_render_destroy(vt_renderer *r)
{
    if (!r) return;
    make_current(r);
    if (r->window || r->egl_ctx) {
        while (r->models) vt_render_free_model(r, r->models);
        GLuint bufs[] = { r->bg_vbo, r->ui_vbo, r->shadow_vbo };
        glDeleteBuffers(3, bufs);
        GLuint vaos[] = { r->bg_vao, r->ui_vao, r->shadow_vao };
        glDeleteVertexArrays(3, vaos);
        GLuint tex[] = { r->bg_tex, r->atlas_tex, r->env_tex };
        glDeleteTextures(3, tex);
        GLuint rbs[] = { r->fbo_colour, r->fbo_depth, r->ms_colour, r->ms_depth };
        glDeleteRenderbuffers(4, rbs);
        GLuint fbos[] = { r->fbo, r->fbo_ms };
        glDeleteFramebuffers(2, fbos);
        if (r->shadow_prog) glDeleteProgram(r->shadow_prog);
        if (r->bg_prog) glDeleteProgram(r->bg_prog);
        if (r->mesh_prog) glDeleteProgram(r->mesh_prog);
        if (r->ui_prog) glDeleteProgram(r->ui_prog);
    }
    if (r->egl_ctx) {
        eglMakeCurrent(r->egl_dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
        eglDestroyContext(r->egl_dpy, r->egl_ctx);
    }
    /* The surfaceless display is one per process, shared by every headless renderer: only the
     * last one out terminates it. */
    if (r->egl_dpy && --g_egl_users == 0) eglTerminate(r->egl_dpy);
    if (r->window) glfwDestroyWindow(r->window);
    if (!r->desc.headless) glfwTerminate();
    free(r->ui_verts);
    free(r->glyphs);
    free(r);
}

int vt_render_should_close(vt_renderer *r)
{
    if (!r->window) return 0;
    glfwPollEvents();
    if (!r->desc.app_keys &&
        (glfwGetKey(r->window, GLFW_KEY_ESCAPE) == GLFW_PRESS || glfwGetKey(r->window, GLFW_KEY_Q) == GLFW_PRESS))
        glfwSetWindowShouldClose(r->window, 1);
    return glfwWindowShouldClose(r->window);
}

void vt_render_projection(const vt_camera *c, int w, int h, float n, float f, float out[16])
{
    /* Clip coordinates straight from OpenCV's camera frame (x right, y down, z forward):
     * x_ndc = 2(u + 0.5)/w - 1 and y_ndc = 1 - 2(v + 0.5)/h, with u = fx X/Z + cx. */
    float p[16] = { 0 };
    p[0] = (float)(2 * c->fx / w);
    p[8] = (float)(2 * (c->cx + 0.5) / w - 1);
    p[5] = (float)(-2 * c->fy / h);
    p[9] = (float)(1 - 2 * (c->cy + 0.5) / h);
    p[10] = (f + n) / (f - n);
    p[14] = -2 * f * n / (f - n);
    p[11] = 1;
    memcpy(out, p, sizeof p);
}

void vt_render_marker_matrix(const double rvec[3], const double tvec[3], const double offset_mm[3],
                             const double rotation_deg[3], double scale, float out[16])
{
    double R[9];
    vt_rodrigues(rvec, R);
    mat4 cam_marker = GLM_MAT4_IDENTITY_INIT;
    for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) cam_marker[c][r] = (float)R[r * 3 + c];
        cam_marker[3][r] = (float)tvec[r];
    }
    /* The marker's normal is its +Z and its bottom edge faces -Y: +90 degrees about x takes a
     * model's +Y up to +Z and its +Z front to -Y. */
    mat4 up = GLM_MAT4_IDENTITY_INIT, place = GLM_MAT4_IDENTITY_INIT, t;
    glm_rotate_x(up, (float)M_PI_2, up);
    glm_translate(place, (vec3){ (float)offset_mm[0] / 1000, (float)offset_mm[1] / 1000, (float)offset_mm[2] / 1000 });
    glm_rotate_x(place, glm_rad((float)rotation_deg[0]), place);
    glm_rotate_y(place, glm_rad((float)rotation_deg[1]), place);
    glm_rotate_z(place, glm_rad((float)rotation_deg[2]), place);
    glm_scale_uni(place, (float)scale);
    glm_mat4_mul(cam_marker, up, t);
    glm_mat4_mul(t, place, t);
    memcpy(out, t, sizeof t);
}

int vt_render_project(const vt_camera *cam, const float m[16], const float p[3], float *u, float *v)
{
    float x = m[0] * p[0] + m[4] * p[1] + m[8] * p[2] + m[12];
    float y = m[1] * p[0] + m[5] * p[1] + m[9] * p[2] + m[13];
    float z = m[2] * p[0] + m[6] * p[1] + m[10] * p[2] + m[14];
    if (z <= 1e-4f) return 0;
    *u = (float)(cam->fx * x / z + cam->cx);
    *v = (float)(cam->fy * y / z + cam->cy);
    return 1;
}

void vt_render_depth_range(vt_renderer *r, float znear, float zfar)
{
    r->znear = znear;
    r->zfar = zfar;
}

void vt_render_begin(vt_renderer *r, const vt_image *bgr, const vt_camera *cam)
{
    make_current(r);
    glBindFramebuffer(GL_FRAMEBUFFER, r->fbo_ms ? r->fbo_ms : r->fbo);
    glViewport(0, 0, r->desc.width, r->desc.height);
    glClearColor(0, 0, 0, 1);
    glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_BLEND);
    glDisable(GL_CULL_FACE);
    if (bgr && bgr->data) {
        glBindTexture(GL_TEXTURE_2D, r->bg_tex);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glPixelStorei(GL_UNPACK_ROW_LENGTH, bgr->stride / 3);
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, bgr->width, bgr->height, GL_BGR, GL_UNSIGNED_BYTE, bgr->data);
        glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
        glUseProgram(r->bg_prog);
        glUniform1i(glGetUniformLocation(r->bg_prog, "u_frame"), 0);
        glActiveTexture(GL_TEXTURE0);
        glBindVertexArray(r->bg_vao);
        glDrawArrays(GL_TRIANGLES, 0, 6);
    }
    vt_render_projection(cam, r->desc.width, r->desc.height, r->znear > 0 ? r->znear : 0.01f, r->zfar > 0 ? r->zfar : 100.0f, r->proj);
    r->ui_count = 0;
}

vt_gpu_model *vt_render_upload(vt_renderer *r, const vt_model *m)
{
    make_current(r);
    vt_gpu_model *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->src = m;
    g->mesh_count = m->mesh_count;
    g->tex_count = m->texture_count;
    g->vao = calloc((size_t)m->mesh_count + 1, sizeof(GLuint));
    g->vbo = calloc((size_t)m->mesh_count * 3 + 1, sizeof(GLuint));
    g->ibo = calloc((size_t)m->mesh_count + 1, sizeof(GLuint));
    g->tex = calloc((size_t)m->texture_count + 1, sizeof(GLuint));
    if (!g->vao || !g->vbo || !g->ibo || !g->tex) {
        free(g->vao); free(g->vbo); free(g->ibo); free(g->tex); free(g);
        return NULL;
    }
    glGenVertexArrays(m->mesh_count, g->vao);
    glGenBuffers(m->mesh_count * 3, g->vbo);
    glGenBuffers(m->mesh_count, g->ibo);
    for (int i = 0; i < m->mesh_count; i++) {
        const vt_mesh *me = &m->meshes[i];
        glBindVertexArray(g->vao[i]);
        const float *arrays[3] = { me->positions, me->normals, me->uvs };
        int comps[3] = { 3, 3, 2 };
        for (int a = 0; a < 3; a++) {
            glBindBuffer(GL_ARRAY_BUFFER, g->vbo[i * 3 + a]);
            glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)me->vertex_count * comps[a] * (GLsizeiptr)sizeof(float), arrays[a], GL_STATIC_DRAW);
            glEnableVertexAttribArray((GLuint)a);
            glVertexAttribPointer((GLuint)a, comps[a], GL_FLOAT, GL_FALSE, 0, 0);
        }
        glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, g->ibo[i]);
        glBufferData(GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)me->index_count * (GLsizeiptr)sizeof(uint32_t), me->indices, GL_STATIC_DRAW);
    }
    glBindVertexArray(0);
    if (m->texture_count) glGenTextures(m->texture_count, g->tex);
    for (int i = 0; i < m->texture_count; i++) {
        const vt_image *t = &m->textures[i];
        glBindTexture(GL_TEXTURE_2D, g->tex[i]);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glPixelStorei(GL_UNPACK_ROW_LENGTH, t->stride / 4);
        /* Colour textures are sRGB-encoded: GL decodes them to linear when sampled. */
        GLint fmt = m->texture_srgb && m->texture_srgb[i] ? GL_SRGB8_ALPHA8 : GL_RGBA8;
        glTexImage2D(GL_TEXTURE_2D, 0, fmt, t->width, t->height, 0, GL_RGBA, GL_UNSIGNED_BYTE, t->data);
        glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
        glGenerateMipmap(GL_TEXTURE_2D);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_REPEAT);   /* glTF's default sampler */
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_REPEAT);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    }
    g->next = r->models;
    r->models = g;
    return g;
}

void vt_render_free_model(vt_renderer *r, vt_gpu_model *g)
{
    if (!g) return;
    make_current(r);
    for (vt_gpu_model **p = &r->models; *p; p = &(*p)->next)
        if (*p == g) { *p = g->next; break; }
    glDeleteVertexArrays(g->mesh_count, g->vao);
    glDeleteBuffers(g->mesh_count * 3, g->vbo);
    glDeleteBuffers(g->mesh_count, g->ibo);
    if (g->tex_count) glDeleteTextures(g->tex_count, g->tex);
    free(g->vao); free(g->vbo); free(g->ibo); free(g->tex);
    free(g);
}

/* The studio's frame for a model: up is the model's +Y (the marker's normal, for a product on
 * its marker), +Z points from the model towards the camera. Row-major rows = the axes in camera
 * space, stored for GLSL (column-major) so that world = M * cam. */
static void studio_frame(const float cm[16], float out[9])
{
    float up[3] = { cm[4], cm[5], cm[6] }, pos[3] = { cm[12], cm[13], cm[14] };
    float nu = sqrtf(up[0] * up[0] + up[1] * up[1] + up[2] * up[2]);
    if (nu < 1e-9f) { up[0] = 0; up[1] = -1; up[2] = 0; nu = 1; }
    for (int i = 0; i < 3; i++) up[i] /= nu;
    float z[3] = { -pos[0], -pos[1], -pos[2] };
    float dz = z[0] * up[0] + z[1] * up[1] + z[2] * up[2];
    for (int i = 0; i < 3; i++) z[i] -= dz * up[i];
    float nz = sqrtf(z[0] * z[0] + z[1] * z[1] + z[2] * z[2]);
    if (nz < 1e-6f) { z[0] = 0; z[1] = 0; z[2] = -1; nz = 1; }   /* seen from straight above */
    for (int i = 0; i < 3; i++) z[i] /= nz;
    float x[3] = { up[1] * z[2] - up[2] * z[1], up[2] * z[0] - up[0] * z[2], up[0] * z[1] - up[1] * z[0] };
    /* GLSL mat3 columns: M[col][row]; M * v = (x.v, up.v, z.v) needs rows x, up, z. */
    for (int c = 0; c < 3; c++) { out[c * 3 + 0] = x[c]; out[c * 3 + 1] = up[c]; out[c * 3 + 2] = z[c]; }
}

void vt_render_shadow(vt_renderer *r, const float cam_from_model[16], const float bmin[3], const float bmax[3],
                      float strength)
{
    if (strength <= 0) return;
    glEnable(GL_DEPTH_TEST);
    glDepthFunc(GL_LEQUAL);
    glDepthMask(GL_FALSE);   /* the product drawn next must not be hidden by its own shadow */
    glEnable(GL_BLEND);
    glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
    glUseProgram(r->shadow_prog);
    glUniformMatrix4fv(glGetUniformLocation(r->shadow_prog, "u_proj"), 1, GL_FALSE, r->proj);
    glUniformMatrix4fv(glGetUniformLocation(r->shadow_prog, "u_mv"), 1, GL_FALSE, cam_from_model);
    /* Wider than the footprint, so the fade-out lies around the product's base. */
    float hx = (bmax[0] - bmin[0]) * 0.5f, hz = (bmax[2] - bmin[2]) * 0.5f, grow = 0.25f * fmaxf(hx, hz) + 0.004f;
    glUniform4f(glGetUniformLocation(r->shadow_prog, "u_rect"), (bmin[0] + bmax[0]) * 0.5f, (bmin[2] + bmax[2]) * 0.5f,
                hx * 1.25f + grow, hz * 1.25f + grow);
    glUniform1f(glGetUniformLocation(r->shadow_prog, "u_strength"), fminf(1.0f, strength));
    glBindVertexArray(r->shadow_vao);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glBindVertexArray(0);
    glDepthMask(GL_TRUE);
}

void vt_render_model(vt_renderer *r, const vt_gpu_model *g, const float cam_from_model[16], float opacity)
{
    const vt_model *m = g->src;
    GLuint P = r->mesh_prog;
    glEnable(GL_DEPTH_TEST);
    glDepthFunc(GL_LESS);
    if (opacity < 1) { glEnable(GL_BLEND); glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA); }
    else glDisable(GL_BLEND);
    glUseProgram(P);
    GLint u_mv = glGetUniformLocation(P, "u_mv"), u_nm = glGetUniformLocation(P, "u_normal_mat");
    glUniformMatrix4fv(glGetUniformLocation(P, "u_proj"), 1, GL_FALSE, r->proj);
    glUniform1f(glGetUniformLocation(P, "u_opacity"), opacity);
    glUniform1f(glGetUniformLocation(P, "u_exposure"), 1.0f);
    float wfc[9];
    studio_frame(cam_from_model, wfc);
    glUniformMatrix3fv(glGetUniformLocation(P, "u_world_from_cam"), 1, GL_FALSE, wfc);
    float kn = sqrtf(k_key_dir[0] * k_key_dir[0] + k_key_dir[1] * k_key_dir[1] + k_key_dir[2] * k_key_dir[2]);
    glUniform3f(glGetUniformLocation(P, "u_key_dir"), k_key_dir[0] / kn, k_key_dir[1] / kn, k_key_dir[2] / kn);
    static const char *samplers[] = { "u_texture", "u_mr_tex", "u_normal_tex", "u_occlusion_tex", "u_emissive_tex", "u_env" };
    for (int k = 0; k < 6; k++) glUniform1i(glGetUniformLocation(P, samplers[k]), k);
    glActiveTexture(GL_TEXTURE5);
    glBindTexture(GL_TEXTURE_2D, r->env_tex);
    glUniform1f(glGetUniformLocation(P, "u_env_lods"), ENV_LEVELS - 1);
    glUniform1f(glGetUniformLocation(P, "u_env_scale"), ENV_SCALE);
    glUniform1fv(glGetUniformLocation(P, "u_sh"), 9, r->env_sh);
    for (int i = 0; i < m->instance_count; i++) {
        const vt_mesh_instance *in = &m->instances[i];
        const vt_mesh *me = &m->meshes[in->mesh];
        mat4 mv, inv, a, b;   /* cglm wants 16-byte aligned matrices: copy in */
        memcpy(a, cam_from_model, sizeof a);
        memcpy(b, in->transform, sizeof b);
        glm_mat4_mul(a, b, mv);
        glm_mat4_inv(mv, inv);
        mat3 nm;
        glm_mat4_pick3t(inv, nm);   /* inverse-transpose: normals stay normal under scaling */
        glUniformMatrix4fv(u_mv, 1, GL_FALSE, (float *)mv);
        glUniformMatrix3fv(u_nm, 1, GL_FALSE, (float *)nm);
        const vt_material *mat = me->material >= 0 && me->material < m->material_count ? &m->materials[me->material] : NULL;
        static const vt_material plain = { { 0.8f, 0.8f, 0.8f, 1 }, 0, 0.6f, -1, -1, -1, -1, -1, { 0, 0, 0 }, 1, 1 };
        if (!mat) mat = &plain;
        glUniform4fv(glGetUniformLocation(P, "u_base_colour"), 1, mat->base_colour);
        glUniform1f(glGetUniformLocation(P, "u_metallic"), mat->metallic);
        glUniform1f(glGetUniformLocation(P, "u_roughness"), mat->roughness);
        glUniform3fv(glGetUniformLocation(P, "u_emissive"), 1, mat->emissive);
        glUniform1f(glGetUniformLocation(P, "u_normal_scale"), mat->normal_scale);
        glUniform1f(glGetUniformLocation(P, "u_occlusion_strength"), mat->occlusion_strength);
        const int texs[5] = { mat->texture, mat->tex_metal_rough, mat->tex_normal, mat->tex_occlusion, mat->tex_emissive };
        static const char *flags[5] = { "u_has_texture", "u_has_mr", "u_has_normal", "u_has_occlusion", "u_has_emissive" };
        for (int k = 0; k < 5; k++) {
            int has = texs[k] >= 0 && texs[k] < g->tex_count;
            glUniform1i(glGetUniformLocation(P, flags[k]), has);
            glActiveTexture(GL_TEXTURE0 + (GLenum)k);
            glBindTexture(GL_TEXTURE_2D, has ? g->tex[texs[k]] : 0);
        }
        glBindVertexArray(g->vao[in->mesh]);
        glDrawElements(GL_TRIANGLES, me->index_count, GL_UNSIGNED_INT, 0);
    }
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(0);
}

static void ui_vert(vt_renderer *r, float x, float y, float u, float v, const float c[4])
{
    if (r->ui_count >= MAX_UI_VERTS) return;
    float *p = &r->ui_verts[r->ui_count++ * 8];
    p[0] = x; p[1] = y; p[2] = u; p[3] = v;
    memcpy(p + 4, c, 4 * sizeof(float));
}

static void ui_quad(vt_renderer *r, float x0, float y0, float x1, float y1, float u0, float v0, float u1, float v1, const float c[4])
{
    ui_vert(r, x0, y0, u0, v0, c); ui_vert(r, x1, y0, u1, v0, c); ui_vert(r, x1, y1, u1, v1, c);
    ui_vert(r, x0, y0, u0, v0, c); ui_vert(r, x1, y1, u1, v1, c); ui_vert(r, x0, y1, u0, v1, c);
}

void vt_render_rect(vt_renderer *r, float x, float y, float w, float h, const float rgba[4])
{
    ui_quad(r, x, y, x + w, y + h, -1, -1, -1, -1, rgba);
}

void vt_render_line(vt_renderer *r, float x0, float y0, float x1, float y1, float width, const float c[4])
{
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    if (len < 1e-3f) return;
    float nx = -dy / len * width * 0.5f, ny = dx / len * width * 0.5f;
    ui_vert(r, x0 + nx, y0 + ny, -1, -1, c); ui_vert(r, x1 + nx, y1 + ny, -1, -1, c); ui_vert(r, x1 - nx, y1 - ny, -1, -1, c);
    ui_vert(r, x0 + nx, y0 + ny, -1, -1, c); ui_vert(r, x1 - nx, y1 - ny, -1, -1, c); ui_vert(r, x0 - nx, y0 - ny, -1, -1, c);
}

float vt_render_text_width(const vt_renderer *r, float px, const char *s)
{
    float w = 0, k = px / GLYPH_PX;
    while (*s) {
        const glyph *g = find_glyph(r, next_cp(&s));
        if (g) w += g->adv * k;
    }
    return w;
}

float vt_render_text(vt_renderer *r, float x, float y, float px, const char *s, const float rgba[4])
{
    float x0 = x, k = px / GLYPH_PX;
    while (*s) {
        const glyph *g = find_glyph(r, next_cp(&s));
        if (!g) continue;
        if (g->w > 0) {
            float gx = x + g->bx * k, gy = y - g->by * k;
            ui_quad(r, gx, gy, gx + g->w * k, gy + g->h * k, g->u0, g->v0, g->u1, g->v1, rgba);
        }
        x += g->adv * k;
    }
    return x - x0;
}

static void flush_ui(vt_renderer *r)
{
    if (!r->ui_count) return;
    glDisable(GL_DEPTH_TEST);
    glEnable(GL_BLEND);
    glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
    glUseProgram(r->ui_prog);
    glUniform2f(glGetUniformLocation(r->ui_prog, "u_size"), (float)r->desc.width, (float)r->desc.height);
    glUniform1i(glGetUniformLocation(r->ui_prog, "u_atlas"), 0);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, r->atlas_tex);
    glBindVertexArray(r->ui_vao);
    glBindBuffer(GL_ARRAY_BUFFER, r->ui_vbo);
    glBufferSubData(GL_ARRAY_BUFFER, 0, (GLsizeiptr)r->ui_count * 8 * (GLsizeiptr)sizeof(float), r->ui_verts);
    glDrawArrays(GL_TRIANGLES, 0, r->ui_count);
    glBindVertexArray(0);
    r->ui_count = 0;
}

void vt_render_end(vt_renderer *r, vt_image *rgba)
{
    flush_ui(r);
    if (r->fbo_ms) {   /* resolve the samples into the frame that is read back and shown */
        glBindFramebuffer(GL_READ_FRAMEBUFFER, r->fbo_ms);
        glBindFramebuffer(GL_DRAW_FRAMEBUFFER, r->fbo);
        glBlitFramebuffer(0, 0, r->desc.width, r->desc.height, 0, 0, r->desc.width, r->desc.height, GL_COLOR_BUFFER_BIT,
                          GL_NEAREST);
    }
    if (rgba && rgba->data) {
        glBindFramebuffer(GL_READ_FRAMEBUFFER, r->fbo);
        glPixelStorei(GL_PACK_ALIGNMENT, 1);
        glPixelStorei(GL_PACK_ROW_LENGTH, rgba->stride / 4);
        glReadPixels(0, 0, r->desc.width, r->desc.height, GL_RGBA, GL_UNSIGNED_BYTE, rgba->data);
        glPixelStorei(GL_PACK_ROW_LENGTH, 0);
        /* GL's first row is the bottom one. */
        size_t n = (size_t)r->desc.width * 4;
        uint8_t *tmp = malloc(n);
        for (int y = 0; tmp && y < r->desc.height / 2; y++) {
            uint8_t *a = vt_image_row(rgba, y), *b = vt_image_row(rgba, r->desc.height - 1 - y);
            memcpy(tmp, a, n); memcpy(a, b, n); memcpy(b, tmp, n);
        }
        free(tmp);
    }
    if (r->window) {
        int ww, wh, dx, dy, dw, dh;
        float s;
        glfwGetFramebufferSize(r->window, &ww, &wh);
        /* Letterbox: the video keeps its aspect ratio in any window shape. */
        letterbox(r, ww, wh, &s, &dx, &dy, &dw, &dh);
        glBindFramebuffer(GL_READ_FRAMEBUFFER, r->fbo);
        glBindFramebuffer(GL_DRAW_FRAMEBUFFER, 0);
        glViewport(0, 0, ww, wh);
        glClearColor(0, 0, 0, 1);
        glClear(GL_COLOR_BUFFER_BIT);
        glBlitFramebuffer(0, 0, r->desc.width, r->desc.height, dx, dy, dx + dw, dy + dh, GL_COLOR_BUFFER_BIT, GL_LINEAR);
        glfwSwapBuffers(r->window);
    } else {
        glFinish();
    }
}

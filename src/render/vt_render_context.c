/* vt_render_context.c — the GL context (a GLFW window, or EGL surfaceless on Mesa without a
 * display) and window input: keys, clicks and taps, fullscreen, monitors. */
#include "vt_render_internal.h"

#include <EGL/eglext.h>
#include <dlfcn.h>
#include <link.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

/* The surfaceless EGL display is one per process, shared by every headless renderer, and GLFW is
 * one per process too: the first user initialises, the last one out terminates. The counts are
 * guarded so renderers may be created and destroyed from different threads. */
static pthread_mutex_t g_ctx_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_egl_users;    /* headless renderers alive */
static int g_glfw_users;   /* window renderers alive */

/* Several renderers may live in one process (tests, previews): each call that draws makes its
 * own context current first. */
void vt_render_make_current(vt_renderer *r)
{
    if (r->egl_ctx) {
        if (eglGetCurrentContext() != r->egl_ctx) eglMakeCurrent(r->egl_dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, r->egl_ctx);
    } else if (r->window && glfwGetCurrentContext() != r->window) {
        glfwMakeContextCurrent(r->window);
    }
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

/* ---- input ---- */
static int key_code(int key)
{
    if (key == GLFW_KEY_SPACE) return ' ';
    if (key == GLFW_KEY_ENTER || key == GLFW_KEY_KP_ENTER) return '\n';
    if (key == GLFW_KEY_ESCAPE) return 27;
    if (key == GLFW_KEY_TAB) return '\t';
    if (key == GLFW_KEY_BACKSPACE) return 8;
    if (key == GLFW_KEY_DELETE) return 127;
    if (key >= GLFW_KEY_KP_1 && key <= GLFW_KEY_KP_9) return '1' + key - GLFW_KEY_KP_1;
    return key >= 32 && key < 127 ? key : 0;
}

static void on_key(GLFWwindow *w, int key, int scancode, int action, int mods)
{
    (void)scancode; (void)mods;
    vt_renderer *r = glfwGetWindowUserPointer(w);
    if (action != GLFW_PRESS || !r || r->nkeys == 16) return;
    int k = key_code(key);
    if (k) r->keys[r->nkeys++] = k;
}

void vt_render_letterbox(const vt_renderer *r, int ww, int wh, float *s, int *dx, int *dy, int *dw, int *dh)
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
    vt_render_letterbox(r, fbw, fbh, &s, &dx, &dy, &dw, &dh);
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

int vt_render_poll_key(vt_renderer *r)
{
    if (!r->window || !r->nkeys) return 0;
    int k = r->keys[0];
    memmove(r->keys, r->keys + 1, (size_t)(--r->nkeys) * sizeof r->keys[0]);
    return k;
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

/* ---- monitors ---- */
static GLFWmonitor *chosen_monitor(const vt_renderer *r)
{
    int n = 0;
    GLFWmonitor **all = glfwGetMonitors(&n);
    if (!all || n == 0) return glfwGetPrimaryMonitor();
    return all[r->desc.monitor >= 0 && r->desc.monitor < n ? r->desc.monitor : 0];
}

vt_result vt_render_toggle_fullscreen(vt_renderer *r)
{
    if (!r->window) return VT_OK;
    if (!r->is_fullscreen) {
        glfwGetWindowPos(r->window, &r->win_x, &r->win_y);
        glfwGetWindowSize(r->window, &r->win_w, &r->win_h);
        GLFWmonitor *mon = chosen_monitor(r);
        const GLFWvidmode *vm = mon ? glfwGetVideoMode(mon) : NULL;
        if (!vm) {
            VT_WARN("render", "cannot go fullscreen: monitor %d reports no video mode", r->desc.monitor);
            return VT_ERR_UNSUPPORTED;
        }
        glfwSetWindowMonitor(r->window, mon, 0, 0, vm->width, vm->height, vm->refreshRate);
    } else {
        glfwSetWindowMonitor(r->window, NULL, r->win_x, r->win_y, r->win_w > 0 ? r->win_w : 1280,
                             r->win_h > 0 ? r->win_h : 720, 0);
    }
    r->is_fullscreen = !r->is_fullscreen;
    return VT_OK;
}

/* ---- contexts ---- */
/* Opens (or shares) the surfaceless display; counted under the lock. */
static vt_result egl_display_open(vt_renderer *r, char *err, size_t errlen)
{
    PFNEGLGETPLATFORMDISPLAYEXTPROC get_dpy = (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
    if (!get_dpy) {
        snprintf(err, errlen, _("EGL has no eglGetPlatformDisplayEXT (Mesa's libegl-mesa0 needed)"));
        return VT_ERR_UNSUPPORTED;
    }
    vt_result res = VT_OK;
    pthread_mutex_lock(&g_ctx_lock);
    r->egl_dpy = get_dpy(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
    EGLint maj, min;
    if (r->egl_dpy == EGL_NO_DISPLAY || !eglInitialize(r->egl_dpy, &maj, &min)) {
        snprintf(err, errlen, _("cannot open a surfaceless EGL display (Mesa)"));
        r->egl_dpy = NULL;
        res = VT_ERR_UNSUPPORTED;
    } else {
        g_egl_users++;
    }
    pthread_mutex_unlock(&g_ctx_lock);
    return res;
}

static vt_result make_egl(vt_renderer *r, char *err, size_t errlen)
{
    vt_result res = egl_display_open(r, err, errlen);
    if (res != VT_OK) return res;
    eglBindAPI(EGL_OPENGL_API);
    const EGLint attrs[] = { EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 3, EGL_CONTEXT_OPENGL_PROFILE_MASK,
                             EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE };
    r->egl_ctx = eglCreateContext(r->egl_dpy, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, attrs);
    if (r->egl_ctx == EGL_NO_CONTEXT || !eglMakeCurrent(r->egl_dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, r->egl_ctx)) {
        snprintf(err, errlen, _("cannot create an OpenGL 3.3 core context through EGL"));
        return VT_ERR_UNSUPPORTED;
    }
    return VT_OK;
}

static int glfw_acquire(void)
{
    pthread_mutex_lock(&g_ctx_lock);
    int ok = g_glfw_users > 0 || glfwInit();
    if (ok) g_glfw_users++;
    pthread_mutex_unlock(&g_ctx_lock);
    return ok;
}

static void glfw_release(void)
{
    pthread_mutex_lock(&g_ctx_lock);
    if (--g_glfw_users == 0) glfwTerminate();
    pthread_mutex_unlock(&g_ctx_lock);
}

static vt_result make_window(vt_renderer *r, char *err, size_t errlen)
{
    if (!glfw_acquire()) { snprintf(err, errlen, _("cannot open a window (no display? try --headless)")); return VT_ERR_UNSUPPORTED; }
    r->glfw_ref = 1;
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_RESIZABLE, GLFW_TRUE);
    int nmon = 0;
    glfwGetMonitors(&nmon);
    if (r->desc.monitor > 0 && r->desc.monitor >= nmon) {
        snprintf(err, errlen, _("no such monitor (this machine has %d, numbered from 0)"), nmon);
        return VT_ERR_ARG;
    }
    GLFWmonitor *mon = r->desc.fullscreen ? chosen_monitor(r) : NULL;
    r->is_fullscreen = mon != NULL;
    int w = r->desc.width, h = r->desc.height;
    const GLFWvidmode *vm = mon ? glfwGetVideoMode(mon) : NULL;
    if (vm) {
        w = vm->width;
        h = vm->height;
    } else if (w > 1600) {   /* large videos open in a window that fits a laptop screen */
        h = h * 1600 / w;
        w = 1600;
    }
    r->window = glfwCreateWindow(w, h, r->desc.title ? r->desc.title : "Vitrine", mon, NULL);
    if (!r->window) { snprintf(err, errlen, _("cannot create an OpenGL 3.3 window")); return VT_ERR_UNSUPPORTED; }
    glfwMakeContextCurrent(r->window);
    glfwSetWindowUserPointer(r->window, r);
    glfwSetKeyCallback(r->window, on_key);
    glfwSetMouseButtonCallback(r->window, on_mouse);
    if (r->desc.hide_cursor) glfwSetInputMode(r->window, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);
    glfwSwapInterval(1);
    return VT_OK;
}

vt_result vt_render_context_create(vt_renderer *r, char *err, size_t errlen)
{
    vt_result res = r->desc.headless ? make_egl(r, err, errlen) : make_window(r, err, errlen);
    if (res != VT_OK) return res;
    glewExperimental = GL_TRUE;
    GLenum ge = glewInit();
    /* Under EGL, GLEW 2.2 reports GLEW_ERROR_NO_GLX_DISPLAY (4) although every entry point loaded. */
    if (ge != GLEW_OK && !(r->desc.headless && ge == 4)) {
        snprintf(err, errlen, _("GLEW cannot load OpenGL: %s"), (const char *)glewGetErrorString(ge));
        return VT_ERR_UNSUPPORTED;
    }
    while (glGetError() != GL_NO_ERROR) {}
    dl_iterate_phdr(pin_driver, NULL);
    return VT_OK;
}

void vt_render_context_destroy(vt_renderer *r)
{
    if (r->egl_ctx) {
        eglMakeCurrent(r->egl_dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
        eglDestroyContext(r->egl_dpy, r->egl_ctx);
    }
    if (r->egl_dpy) {
        pthread_mutex_lock(&g_ctx_lock);
        if (--g_egl_users == 0) eglTerminate(r->egl_dpy);
        pthread_mutex_unlock(&g_ctx_lock);
    }
    if (r->window) glfwDestroyWindow(r->window);
    if (r->glfw_ref) glfw_release();
}

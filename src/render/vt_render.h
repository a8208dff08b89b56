/* vt_render.h — OpenGL 3.3 core drawing of one composited frame: the camera image as background,
 * product models at their marker poses, and 2-D overlays (text, panels) in frame pixels.
 *
 * Every frame is drawn into an offscreen framebuffer of the video's size; in a window that image
 * is then scaled to fit (aspect kept), and headless (EGL, Mesa surfaceless, no display) it is read
 * back. So the window and the headless output show the same pixels.
 *
 * Ownership: vt_render_create returns a renderer freed with vt_render_destroy (which also frees
 * every model it uploaded and not yet freed). An uploaded model is a vt_gpu_model_id handle into
 * the renderer's pool, not a pointer: a handle used after vt_render_free_model (or one from
 * another renderer's pool slot of an older generation) is detected and refused, never followed.
 *
 * Not thread-safe per renderer (GL contexts are per thread); several renderers may live in one
 * process, each drawing call makes its own context current. */
#ifndef VT_RENDER_H
#define VT_RENDER_H

#include "core/vt_core.h"

/* Defined by assets/vt_assets.h; only pointers to it are passed here. */
typedef struct vt_model vt_model;

typedef struct vt_render_desc {
    int width, height;      /* the video frame size */
    int headless;           /* 1: EGL surfaceless; 0: a GLFW window */
    int fullscreen;         /* window mode only */
    int monitor;            /* fullscreen on this monitor (0 = primary); one that does not exist: VT_ERR_ARG */
    int hide_cursor;        /* window mode: no pointer over the window (kiosk, touch screens) */
    int app_keys;           /* Escape and Q are the caller's to handle (see vt_render_should_close) */
    int msaa;               /* samples per pixel: 0 = default (4), 1 = none */
    const char *title;      /* window title */
    const char *shader_dir; /* NULL: $VITRINE_SHADER_DIR, else the source tree's shaders/ */
    int time_passes;        /* benchmarks: wait for the GL after each pass and time it (slower) */
} vt_render_desc;

typedef struct vt_renderer vt_renderer;
/* An uploaded model in a renderer's pool; id 0 is none (zero-initialised handles are empty). */
typedef struct vt_gpu_model_id { uint32_t id; } vt_gpu_model_id;

vt_result vt_render_create(const vt_render_desc *desc, vt_renderer **out, char *err, size_t errlen);
void vt_render_destroy(vt_renderer *r);
/* The GL's GL_RENDERER and GL_VERSION strings ("llvmpipe (LLVM 15.0.6, 256 bits)", "4.5 (Core
 * Profile) Mesa 22.3.6"), truncated to the buffers; "" where the GL gives none. */
void vt_render_info(vt_renderer *r, char *renderer, size_t rlen, char *version, size_t vlen);
/* Window mode: 1 once the user closed the window, or pressed Escape/Q unless desc.app_keys.
 * Polls events. */
int vt_render_should_close(vt_renderer *r);

/* Window mode: the next key pressed since the last call (' ' for Space, '\n' for Enter, 27 for
 * Escape, '\t' for Tab, 8 for Backspace, 127 for Delete, letters in upper case), or 0. Headless:
 * always 0. */
int vt_render_poll_key(vt_renderer *r);
/* Window mode: the next click or tap since the last call, in frame pixels (the letterbox undone);
 * 1 when there was one. Clicks on the black bars report coordinates outside the frame. */
int vt_render_poll_click(vt_renderer *r, float *x, float *y);
/* Window mode: switches between a window and fullscreen on desc.monitor. VT_ERR_UNSUPPORTED
 * (logged) when the monitor reports no video mode; headless: VT_OK, nothing happens. */
vt_result vt_render_toggle_fullscreen(vt_renderer *r);

/* Depth range in metres for the frames that follow (default 0.01 to 100). */
void vt_render_depth_range(vt_renderer *r, float znear, float zfar);

/* Starts a frame: draws frame (the desc's size) as background and sets the projection from cam.
 * frame is BGR8 (converted and drawn on the GL's side) or VT_PIX_RGBA8_GL from
 * vt_render_prepare_frame, which is only copied in (on llvmpipe the BGR path's conversion and
 * full-screen draw cost about 10 ms a frame at 1080p, the copy about 3). NULL: black. */
void vt_render_begin(vt_renderer *r, const vt_image *frame, const vt_camera *cam);
/* The camera frame bgr (BGR8) in the GL's own layout (VT_PIX_RGBA8_GL) for vt_render_begin. No
 * GL: any thread may call it (run's capture thread does, beside the GL thread's drawing). out is
 * the caller's, (re)allocated when its size differs (free with vt_image_free). */
vt_result vt_render_prepare_frame(const vt_image *bgr, vt_image *out, char *err, size_t errlen);
/* The light the models of the frames that follow are lit by: the room's as the camera sees it
 * (vision's vt_room_light_estimate, smoothed), or NULL (also an estimate of all zero) for the
 * built-in studio alone, the default. The studio stands for a room whose white surfaces the
 * camera sees at 0.8 linear (sRGB 231): the frame's white scales it (0.15 to 2 times), the
 * white's colour tints it (each channel 0.5 to 2 times the luminance) and the frame's brighter
 * side lights the normals facing it more; emission is not lit. */
void vt_render_set_room_light(vt_renderer *r, const vt_room_light *l);
/* Draws a model; cam_from_model is column-major and maps model metres to OpenCV camera space.
 * Models and shadows are queued (the matrix copied) and drawn at vt_render_end, in the order
 * given, after a depth-only pass over the opaque ones, so each visible pixel is shaded once; the
 * result is that of drawing them in order. The 2-D overlay is drawn over them, as before.
 * Shading: glTF metallic-roughness (base colour, metallic-roughness, normal, occlusion and
 * emissive maps) lit by a built-in neutral studio environment whose up is the model's +Y,
 * Khronos PBR Neutral tone mapping, sRGB output. VT_ERR_ARG (logged, nothing drawn) for the
 * none handle or a stale one. */
vt_result vt_render_model(vt_renderer *r, vt_gpu_model_id m, const float cam_from_model[16], float opacity);
/* A soft contact shadow on the model's y = 0 plane under the footprint bmin..bmax (model
 * metres), strength 0..1 of darkening at its middle. Draw it before the model. */
void vt_render_shadow(vt_renderer *r, const float cam_from_model[16], const float bmin[3], const float bmax[3],
                      float strength);
/* 2-D overlay in frame pixels (origin top-left). Colours are sRGB 0..1 with alpha. */
void vt_render_rect(vt_renderer *r, float x, float y, float w, float h, const float rgba[4]);
void vt_render_line(vt_renderer *r, float x0, float y0, float x1, float y1, float width, const float rgba[4]);
/* Text (Pango: HarfBuzz shaping, bidi with the paragraph's direction taken from the text,
 * fontconfig's fallback to a font that has each character; the UI's bold sans, DejaVu Sans Bold
 * where it covers the text). px is the font's em size in frame pixels. Invalid UTF-8 is drawn
 * with U+FFFD for the bad bytes. Laid-out and rasterised strings are cached (LRU, by text, size
 * and box): drawing or measuring the same string again costs no layout or upload.
 *
 * One line, its baseline at y, starting at x (a right-to-left string too: x is its left edge);
 * returns the advance in pixels. vt_render_text_width measures the same without drawing. */
float vt_render_text(vt_renderer *r, float x, float y, float px, const char *utf8, const float rgba[4]);
float vt_render_text_width(const vt_renderer *r, float px, const char *utf8);

/* Where text goes in a box: "start" and "end" follow the text's direction (a right-to-left name
 * aligned to start lies against the box's right edge). */
typedef enum vt_text_align { VT_TEXT_START, VT_TEXT_CENTRE, VT_TEXT_END } vt_text_align;
typedef struct vt_text_box {
    float width;          /* lines break at this display width (between words, inside a word only
                           * when it alone is wider; never inside a character or grapheme);
                           * <= 0: one unbroken line, max_lines and align ignored */
    int max_lines;        /* 0: as many lines as it takes; else at most that many, the last one
                           * ended with "…" where text was left out */
    float line_px;        /* baseline to baseline; 0: the fonts' own line height */
    vt_text_align align;
} vt_text_box;
typedef struct vt_text_size {
    float width;          /* the widest line's advance (never past box.width when one is set) */
    float height;         /* first line's ascent to the last line's descent */
    float ascent;         /* the first baseline below the top */
    int lines;
    int ellipsised;       /* 1: text was left out (and "…" drawn) */
    int rtl;              /* 1: the paragraph's direction is right to left */
} vt_text_size;
/* Draws utf8 in box (NULL: one line), the box's left edge at x, the first line's baseline at y. */
vt_text_size vt_render_text_box(vt_renderer *r, float x, float y, float px, const char *utf8, const vt_text_box *box,
                                const float rgba[4]);
/* What vt_render_text_box would draw: its lines, width and height; draws nothing. */
vt_text_size vt_render_text_measure(const vt_renderer *r, float px, const char *utf8, const vt_text_box *box);
/* For tests and benchmarks: layouts made and textures uploaded so far by the text cache. */
void vt_render_text_stats(const vt_renderer *r, long *layouts, long *uploads);

/* Which characters of utf8 no installed font has (fontconfig: the union of the coverage of the
 * fonts it sorts for the UI's font, the list Pango falls back through; no GL, any thread).
 * Returns how many different ones there are (0: every character prints) and writes them into
 * missing (cap bytes, may be NULL), as far as it holds, as "X (U+XXXX), ...". Spaces, controls,
 * format characters (joiners, direction marks) and variation selectors need no glyph. */
int vt_render_text_missing(const char *utf8, char *missing, size_t cap);
/* Ends the frame; when rgba is non-NULL (RGBA8, the desc's size) the frame is read back into it,
 * top row first. In a window the frame is shown. VT_ERR_ARG (logged, nothing read back) when
 * rgba is not an RGBA8 image of the desc's size. */
vt_result vt_render_end(vt_renderer *r, vt_image *rgba);

/* With desc.time_passes: milliseconds spent so far in each pass, summed over the frames drawn
 * (each pass waited for with glFinish): the camera frame (clear, upload, background), the
 * products' depth pre-pass, the products and shadows, the 2-D overlay, the read-back. */
enum { VT_RENDER_PASS_VIDEO, VT_RENDER_PASS_DEPTH, VT_RENDER_PASS_PRODUCTS, VT_RENDER_PASS_OVERLAY, VT_RENDER_PASS_READ,
       VT_RENDER_PASSES };
void vt_render_pass_times(const vt_renderer *r, double ms[VT_RENDER_PASSES]);

/* Uploads m's meshes and textures; *out gets the handle (none on failure, with err filled). The
 * model is borrowed: the caller keeps it alive until vt_render_free_model. */
vt_result vt_render_upload(vt_renderer *r, const vt_model *m, vt_gpu_model_id *out, char *err, size_t errlen);
/* What an uploaded model holds in GPU memory, bytes: its vertex and index buffers (positions,
 * normals, uvs, 32-bit indices) and its textures (RGBA8, each with its full mipmap chain). 0 and
 * both 0 for the none handle or a stale one. */
int vt_render_model_memory(const vt_renderer *r, vt_gpu_model_id m, size_t *geometry, size_t *textures);
/* Frees an uploaded model; the none handle is ignored, a stale one is logged and ignored. */
void vt_render_free_model(vt_renderer *r, vt_gpu_model_id g);
/* Takes the model's deforming meshes' vertices again (after vt_model_pose said they changed);
 * its instances' transforms are read at each draw anyway. VT_ERR_ARG for a stale handle. */
vt_result vt_render_model_refresh(vt_renderer *r, vt_gpu_model_id g);

/* Where a product model goes on its marker: cam_from_model = cam_from_marker (rvec, tvec as
 * solvePnP gives them) * model-up-to-marker-normal * translate(offset_mm) * rotate(x, y, z
 * degrees) * scale. Models are +Y up with their front towards +Z; they stand on the marker with
 * their front towards the marker's bottom edge. Column-major. */
void vt_render_marker_matrix(const double rvec[3], const double tvec[3], const double offset_mm[3],
                             const double rotation_deg[3], double scale, float out[16]);
/* Projects a model-space point with cam_from_model and cam (no distortion); 0 when behind. */
int vt_render_project(const vt_camera *cam, const float cam_from_model[16], const float p[3], float *u, float *v);

/* OpenCV-camera-space projection for GL (column-major), pixel centres at integers. */
void vt_render_projection(const vt_camera *cam, int width, int height, float znear, float zfar, float out[16]);

#endif

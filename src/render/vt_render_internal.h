/* vt_render_internal.h — what the renderer's files share; not part of the public API (callers
 * include render/vt_render.h only).
 *
 *   vt_render.c          create/destroy, shader programs (uniforms resolved once at link), targets
 *   vt_render_context.c  GL context (GLFW window or EGL surfaceless), keys, clicks, fullscreen
 *   vt_render_text.c     text through Pango into cached A8 textures, drawing and measurement
 *   vt_render_fonts.c    fontconfig: which characters no installed font has (no GL)
 *   vt_render_env.c      the studio environment: radiance mips and spherical-harmonic irradiance
 *   vt_render_model.c    the GPU model pool (typed handles), uploads, the queued PBR draws and
 *                        contact shadows (depth pre-pass), mesh program variants per material
 *   vt_render_draw.c     frame begin/end, background, 2-D overlay, MSAA resolve, read-back
 *   vt_render_math.c     projection, marker placement (Rodrigues), point projection */
#ifndef VT_RENDER_INTERNAL_H
#define VT_RENDER_INTERNAL_H

#include "render/vt_render.h"

#include <GL/glew.h>
#include <EGL/egl.h>
#include <GLFW/glfw3.h>

#define VT_MAX_UI_VERTS 65536   /* 2-D overlay vertices per frame */
#define VT_ENV_LEVELS 6         /* environment mips: 256x128 down to 8x4 */
#define VT_ENV_SCALE 8.0f       /* the environment texture holds radiance / VT_ENV_SCALE */
#define VT_MESH_TEXTURES 5      /* base colour, metallic-roughness, normal, occlusion, emissive */
#define VT_MESH_UV_MAPS (1 << VT_MESH_TEXTURES)    /* variant bit: some map has a uv transform or set 1 */
#define VT_MESH_CLEARCOAT (1 << (VT_MESH_TEXTURES + 1))   /* variant bit: a clearcoat layer */
#define VT_MESH_SHEEN (1 << (VT_MESH_TEXTURES + 2))       /* variant bit: a sheen layer */
#define VT_MESH_TRANSMISSION (1 << (VT_MESH_TEXTURES + 3))   /* variant bit: glass (what lies behind shows) */
#define VT_MESH_ALPHA_MASK (1 << (VT_MESH_TEXTURES + 4))     /* variant bit: alphaMode MASK (discard below the cutoff) */
#define VT_MESH_IRIDESCENCE (1 << (VT_MESH_TEXTURES + 5))   /* variant bit: a thin film's colours */
#define VT_MESH_VARIANTS (1 << (VT_MESH_TEXTURES + 6))    /* one mesh program per set of maps and layers */
/* Texture units of a mesh program: the maps, u_env, u_sheen_lut, u_scene, then eight layer maps
 * (volume thickness, clearcoat and its roughness, sheen and its roughness, transmission,
 * specular and its colour): 16, OpenGL 3.3's least. */
#define VT_MESH_SAMPLERS (VT_MESH_TEXTURES + 11)

/* The text cache (vt_render_text.c). */
typedef struct vt_text_cache vt_text_cache;

/* Uniform locations of each program, looked up once right after it links. */
typedef struct vt_bg_uniforms { GLint frame; } vt_bg_uniforms;
typedef struct vt_ui_uniforms { GLint size, text; } vt_ui_uniforms;
typedef struct vt_shadow_uniforms { GLint proj, mv, rect, strength; } vt_shadow_uniforms;
typedef struct vt_depth_uniforms { GLint proj, mv; } vt_depth_uniforms;
typedef struct vt_mesh_uniforms {
    /* per draw */
    GLint proj, opacity, world_from_cam, key_cam, room;
    /* per mesh instance */
    GLint mv, normal_mat, base_colour, metallic, roughness, emissive, normal_scale, occlusion_strength, uv_xform, uv_set,
          clearcoat, clearcoat_maps, sheen, sheen_maps, transmission, attenuation, thickness_map, scene_lod, alpha_cutoff, specular,
          specular_maps, iridescence;
    /* set once after linking (constant for the renderer's life) */
    GLint exposure, env_lods, env_scale, sh, samplers[VT_MESH_SAMPLERS];
} vt_mesh_uniforms;

/* A queued 3-D draw (vt_render_model.c): a model (model.id != 0) or a contact shadow. */
typedef struct vt_draw_cmd {
    float mv[16];
    vt_gpu_model_id model;
    float opacity;              /* model */
    float rect[4], strength;    /* shadow: footprint centre x, z, half sizes x, z; darkness */
} vt_draw_cmd;

/* One uploaded model: GL objects per mesh and per texture. */
typedef struct vt_gpu_slot {
    GLuint *vao, *vbo, *ibo;   /* per mesh (three vertex buffers each) */
    GLuint *tex;               /* per texture */
    const vt_model *src;       /* borrowed: the caller keeps the model alive while drawing it */
    int mesh_count, tex_count;
    size_t geometry_bytes, texture_bytes;   /* what its buffers and textures hold on the GPU */
    uint16_t gen;              /* bumped on free: a handle of an older generation is stale */
    int used;
} vt_gpu_slot;

struct vt_renderer {
    vt_render_desc desc;
    /* context and input (vt_render_context.c) */
    GLFWwindow *window;
    EGLDisplay egl_dpy;
    EGLContext egl_ctx;
    int glfw_ref;              /* this renderer holds a reference on GLFW */
    float clicks[8][2];
    int nclicks;
    int keys[16], nkeys;       /* pressed keys not yet polled */
    int is_fullscreen, win_x, win_y, win_w, win_h;
    /* targets and programs (vt_render.c) */
    GLuint fbo, fbo_colour, fbo_depth;   /* single-sample: what is read back and shown */
    GLuint fbo_ms, ms_colour, ms_depth;  /* multisampled: what is drawn into (0 without MSAA) */
    int samples;
    char shader_dir[1024];
    GLuint bg_prog, ui_prog, shadow_prog, depth_prog, rect_prog;   /* rect: the overlay's plain rectangles */
    GLint rect_size;
    GLuint mesh_progs[VT_MESH_VARIANTS];      /* by the material's maps; 0 until first needed */
    vt_mesh_uniforms mesh_us[VT_MESH_VARIANTS];
    vt_bg_uniforms bg_u;
    vt_ui_uniforms ui_u;
    vt_shadow_uniforms shadow_u;
    vt_depth_uniforms depth_u;
    GLuint shadow_vao, shadow_vbo;
    GLuint bg_vao, bg_vbo, bg_tex, bg_fbo;   /* bg_fbo: bg_tex as a framebuffer, blitted from */
    GLuint ui_vao, ui_vbo;
    uint8_t *row_tmp;          /* one RGBA row, for flipping the read-back */
    int pack_invert;           /* GL_MESA_pack_invert: the read-back comes top row first */
    /* environment (vt_render_env.c) */
    GLuint env_tex;
    GLuint sheen_lut;          /* the sheen layer's albedo by NdotV and roughness (R32F) */
    GLuint scene_tex;          /* what glass lets through: the frame before it (vt_render_model.c); 0 until needed */
    int scene_mipmapped;       /* scene_tex has had a mip chain made (rough glass) */
    float scene_lod;           /* this frame's: its coarsest level, 0 when no rough glass is on screen (no mips made) */
    float env_sh[9];           /* the studio's irradiance, spherical harmonics */
    float room[3][3];          /* u_room: the room's light relative to the studio (vt_render_light.c) */
    /* text (vt_render_text.c) */
    vt_text_cache *text;       /* pointer: measuring through a const renderer still caches */
    /* the frame (vt_render_draw.c) */
    float *ui_verts;           /* x, y, u, v, r, g, b, a */
    GLuint *ui_tex;            /* per vertex: the text texture it samples (0: a plain rectangle) */
    int ui_count;
    int ui_overflow_warned;
    float proj[16];
    float znear, zfar;
    /* models (vt_render_model.c) */
    vt_gpu_slot *slots;
    int slot_count, slot_cap;
    vt_draw_cmd *cmds;         /* this frame's 3-D draws, in the caller's order */
    int ncmds, cmd_cap;
    /* desc.time_passes (vt_render_draw.c) */
    double pass_ms[VT_RENDER_PASSES];
    uint64_t pass_t;
};

/* The key softbox's direction in the studio frame: the environment has it, and the mesh shader
 * lights with it too (vt_render_env.c). */
extern const float vt_studio_key_dir[3];

/* vt_render_context.c */
vt_result vt_render_context_create(vt_renderer *r, char *err, size_t errlen);
void vt_render_context_destroy(vt_renderer *r);
void vt_render_make_current(vt_renderer *r);
/* Where the frame sits in a ww x wh framebuffer (letterboxed): scale and rectangle. */
void vt_render_letterbox(const vt_renderer *r, int ww, int wh, float *s, int *dx, int *dy, int *dw, int *dh);

/* vt_render_text.c: the font map and the cache; _frame marks a frame's start (entries used since
 * are not evicted: their textures may be queued); _destroy with the context current. */
vt_result vt_render_text_init(vt_renderer *r, char *err, size_t errlen);
void vt_render_text_destroy(vt_renderer *r);
void vt_render_text_frame(vt_renderer *r);

/* vt_render_env.c: fills env_tex and env_sh; the sheen layer's albedo table. */
vt_result vt_render_env_build(vt_renderer *r, char *err, size_t errlen);
vt_result vt_render_sheen_lut_build(vt_renderer *r);
/* A texture sampled linearly and clamped at its edges (a table, a copy of the frame): made, bound. */
GLuint vt_render_table_texture(GLint internal, int w, int h, GLenum format, GLenum type, const void *data);

/* vt_render.c: links the mesh program of a set of maps (bit k: map k) unless it is already. */
vt_result vt_render_mesh_program(vt_renderer *r, int variant, char *err, size_t errlen);

/* vt_render_model.c */
void vt_render_free_all_models(vt_renderer *r);
/* Draws the queued shadows and models: a depth-only pass over the opaque models, then all of
 * them in order; empties the queue. */
void vt_render_flush_3d(vt_renderer *r);

/* vt_render_draw.c */
/* desc.time_passes: waits for the GL and adds the time since the last mark to pass (or, -1,
 * just starts the clock). */
void vt_render_pass_mark(vt_renderer *r, int pass);
/* A textured quad of the overlay (tex: single-channel coverage, tinted by c). */
void vt_render_ui_quad(vt_renderer *r, float x0, float y0, float x1, float y1, float u0, float v0, float u1, float v1,
                       GLuint tex, const float c[4]);

#endif

/* vt_render.c — a renderer's life: the context, the shader programs from shaders/ (their uniform
 * locations resolved once, right after each links), the offscreen targets, the studio and the
 * text cache; and destroying all of it. The other parts are listed in vt_render_internal.h. */
#include "vt_render_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


/* ---- shaders ---- */
/* defines (may be NULL) go right after the source's first line, its #version. */
static vt_result compile(GLenum type, const char *path, const char *defines, GLuint *out, char *err, size_t errlen)
{
    char *src, why[128];
    vt_result r = vt_read_file(path, &src, NULL, why, sizeof why);
    if (r != VT_OK) { snprintf(err, errlen, _("%s: cannot read the shader: %s"), path, why); return r; }
    char *nl = strchr(src, '\n');
    int head = nl && defines ? (int)(nl + 1 - src) : 0;
    const char *parts[3] = { src, defines && head ? defines : "", src + head };
    GLint lens[3] = { head, -1, -1 };
    GLuint s = glCreateShader(type);
    glShaderSource(s, 3, parts, lens);
    glCompileShader(s);
    free(src);
    GLint ok;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[512];
        glGetShaderInfoLog(s, sizeof log, NULL, log);
        for (char *c = log; *c; c++) if (*c == '\n') *c = ' ';
        snprintf(err, errlen, _("%s: does not compile: %s"), path, log);
        glDeleteShader(s);
        return VT_ERR_FORMAT;
    }
    *out = s;
    return VT_OK;
}

/* dir/vert.vert with dir/frag.frag, the fragment shader with defines (may be NULL). */
static vt_result program2(const char *dir, const char *vert, const char *frag, const char *defines, GLuint *out, char *err,
                          size_t errlen)
{
    char vp[1024], fp[1024];
    snprintf(vp, sizeof vp, "%s/%s.vert", dir, vert);
    snprintf(fp, sizeof fp, "%s/%s.frag", dir, frag);
    const char *name = frag;
    GLuint v = 0, f = 0;
    vt_result r = compile(GL_VERTEX_SHADER, vp, NULL, &v, err, errlen);
    if (r != VT_OK) return r;
    if ((r = compile(GL_FRAGMENT_SHADER, fp, defines, &f, err, errlen)) != VT_OK) { glDeleteShader(v); return r; }
    GLuint p = glCreateProgram();
    glAttachShader(p, v);
    glAttachShader(p, f);
    glLinkProgram(p);
    glDeleteShader(v);
    glDeleteShader(f);
    GLint ok;
    glGetProgramiv(p, GL_LINK_STATUS, &ok);
    if (!ok) { snprintf(err, errlen, _("%s/%s: shaders do not link"), dir, name); glDeleteProgram(p); return VT_ERR_NOT_FOUND; }
    *out = p;
    return VT_OK;
}

static vt_result program(const char *dir, const char *name, GLuint *out, char *err, size_t errlen)
{
    return program2(dir, name, name, NULL, out, err, errlen);
}

static void mesh_uniforms(GLuint p, vt_mesh_uniforms *u)
{
    static const char *samplers[VT_MESH_SAMPLERS] = { "u_texture", "u_mr_tex", "u_normal_tex", "u_occlusion_tex",
                                                      "u_emissive_tex", "u_env", "u_sheen_lut", "u_scene", "u_thickness_tex",
                                                      "u_clearcoat_tex", "u_clearcoat_rough_tex", "u_sheen_tex",
                                                      "u_sheen_rough_tex", "u_transmission_tex", "u_specular_tex",
                                                      "u_specular_colour_tex" };
    u->proj = glGetUniformLocation(p, "u_proj");
    u->opacity = glGetUniformLocation(p, "u_opacity");
    u->world_from_cam = glGetUniformLocation(p, "u_world_from_cam");
    u->mv = glGetUniformLocation(p, "u_mv");
    u->normal_mat = glGetUniformLocation(p, "u_normal_mat");
    u->base_colour = glGetUniformLocation(p, "u_base_colour");
    u->metallic = glGetUniformLocation(p, "u_metallic");
    u->roughness = glGetUniformLocation(p, "u_roughness");
    u->emissive = glGetUniformLocation(p, "u_emissive");
    u->normal_scale = glGetUniformLocation(p, "u_normal_scale");
    u->occlusion_strength = glGetUniformLocation(p, "u_occlusion_strength");
    u->uv_xform = glGetUniformLocation(p, "u_uv_xform");
    u->uv_set = glGetUniformLocation(p, "u_uv_set");
    u->key_cam = glGetUniformLocation(p, "u_key_cam");
    u->room = glGetUniformLocation(p, "u_room");
    u->exposure = glGetUniformLocation(p, "u_exposure");
    u->env_lods = glGetUniformLocation(p, "u_env_lods");
    u->env_scale = glGetUniformLocation(p, "u_env_scale");
    u->sh = glGetUniformLocation(p, "u_sh");
    for (int k = 0; k < VT_MESH_SAMPLERS; k++) u->samplers[k] = glGetUniformLocation(p, samplers[k]);
    u->transmission = glGetUniformLocation(p, "u_transmission");
    u->attenuation = glGetUniformLocation(p, "u_attenuation");
    u->thickness_map = glGetUniformLocation(p, "u_thickness_map");
    u->scene_lod = glGetUniformLocation(p, "u_scene_lod");
    u->iridescence = glGetUniformLocation(p, "u_iridescence");
    u->alpha_cutoff = glGetUniformLocation(p, "u_alpha_cutoff");
    u->specular = glGetUniformLocation(p, "u_specular");
    u->specular_maps = glGetUniformLocation(p, "u_specular_maps");
    u->clearcoat = glGetUniformLocation(p, "u_clearcoat");
    u->clearcoat_maps = glGetUniformLocation(p, "u_clearcoat_maps");
    u->sheen = glGetUniformLocation(p, "u_sheen");
    u->sheen_maps = glGetUniformLocation(p, "u_sheen_maps");
}

/* Links the four programs and resolves their uniforms. */
static vt_result build_programs(vt_renderer *r, const char *dir, char *err, size_t errlen)
{
    vt_result res;
    if ((res = program(dir, "background", &r->bg_prog, err, errlen)) != VT_OK) return res;
    r->bg_u.frame = glGetUniformLocation(r->bg_prog, "u_frame");
    if ((res = vt_render_mesh_program(r, 0, err, errlen)) != VT_OK) return res;
    if ((res = program(dir, "ui", &r->ui_prog, err, errlen)) != VT_OK) return res;
    r->ui_u.size = glGetUniformLocation(r->ui_prog, "u_size");
    r->ui_u.text = glGetUniformLocation(r->ui_prog, "u_text");
    if ((res = program2(dir, "ui", "rect", NULL, &r->rect_prog, err, errlen)) != VT_OK) return res;
    r->rect_size = glGetUniformLocation(r->rect_prog, "u_size");
    if ((res = program(dir, "shadow", &r->shadow_prog, err, errlen)) != VT_OK) return res;
    r->shadow_u.proj = glGetUniformLocation(r->shadow_prog, "u_proj");
    r->shadow_u.mv = glGetUniformLocation(r->shadow_prog, "u_mv");
    r->shadow_u.rect = glGetUniformLocation(r->shadow_prog, "u_rect");
    r->shadow_u.strength = glGetUniformLocation(r->shadow_prog, "u_strength");
    /* The depth pre-pass: the mesh's own vertex shader (invariant positions), no colour. */
    if ((res = program2(dir, "mesh", "depth", NULL, &r->depth_prog, err, errlen)) != VT_OK) return res;
    r->depth_u.proj = glGetUniformLocation(r->depth_prog, "u_proj");
    r->depth_u.mv = glGetUniformLocation(r->depth_prog, "u_mv");
    return VT_OK;
}

/* The mesh program for a set of material maps (bit k: map k of VT_MESH_TEXTURES), linked the
 * first time it is needed, its constant uniforms set then (a program keeps its values). */
vt_result vt_render_mesh_program(vt_renderer *r, int variant, char *err, size_t errlen)
{
    if (r->mesh_progs[variant]) return VT_OK;
    static const char *names[VT_MESH_TEXTURES] = { "HAS_TEXTURE", "HAS_MR", "HAS_NORMAL", "HAS_OCCLUSION", "HAS_EMISSIVE" };
    char defines[512];
    size_t len = 0;
    for (int k = 0; k < VT_MESH_TEXTURES; k++)
        len += (size_t)snprintf(defines + len, sizeof defines - len, "#define %s %d\n", names[k], (variant >> k) & 1);
    snprintf(defines + len, sizeof defines - len,
             "#define HAS_UV_MAPS %d\n#define HAS_CLEARCOAT %d\n#define HAS_SHEEN %d\n#define HAS_TRANSMISSION %d\n"
             "#define HAS_ALPHA_MASK %d\n#define HAS_IRIDESCENCE %d\n",
             (variant & VT_MESH_UV_MAPS) != 0, (variant & VT_MESH_CLEARCOAT) != 0, (variant & VT_MESH_SHEEN) != 0,
             (variant & VT_MESH_TRANSMISSION) != 0, (variant & VT_MESH_ALPHA_MASK) != 0, (variant & VT_MESH_IRIDESCENCE) != 0);
    GLuint p;
    vt_result res = program2(r->shader_dir, "mesh", "mesh", defines, &p, err, errlen);
    if (res != VT_OK) return res;
    r->mesh_progs[variant] = p;
    vt_mesh_uniforms *u = &r->mesh_us[variant];
    mesh_uniforms(p, u);
    glUseProgram(p);
    glUniform1f(u->exposure, 1.0f);
    for (int i = 0; i < VT_MESH_SAMPLERS; i++) glUniform1i(u->samplers[i], i);
    glUniform1f(u->env_lods, VT_ENV_LEVELS - 1);
    glUniform1f(u->env_scale, VT_ENV_SCALE);
    glUniform1fv(u->sh, 9, r->env_sh);
    glUseProgram(0);
    return VT_OK;
}

/* Uniforms that stay the same for the renderer's life, set once (a program keeps its values). */
static void set_constant_uniforms(vt_renderer *r)
{
    glUseProgram(r->bg_prog);
    glUniform1i(r->bg_u.frame, 0);
    glUseProgram(r->ui_prog);
    glUniform2f(r->ui_u.size, (float)r->desc.width, (float)r->desc.height);
    glUniform1i(r->ui_u.text, 0);
    glUseProgram(r->rect_prog);
    glUniform2f(r->rect_size, (float)r->desc.width, (float)r->desc.height);
    glUseProgram(0);
}

static const char *shader_dir(const vt_render_desc *d)
{
    return d->shader_dir ? d->shader_dir : vt_shader_dir();   /* VITRINE_SHADER_DIR, else the data's */
}

/* ---- targets ---- */
/* A framebuffer with colour and depth renderbuffers of the frame's size, samples > 1:
 * multisampled. 0 when the driver cannot (everything deleted again). */
static int make_target(const vt_renderer *r, int samples, GLuint *fbo, GLuint *colour, GLuint *depth)
{
    glGenFramebuffers(1, fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, *fbo);
    GLuint *rbs[2] = { colour, depth };
    /* Stencil: the products' shading pass keeps the first surface drawn at a depth (vt_render_model.c). */
    GLenum formats[2] = { GL_RGBA8, GL_DEPTH24_STENCIL8 }, points[2] = { GL_COLOR_ATTACHMENT0, GL_DEPTH_STENCIL_ATTACHMENT };
    for (int i = 0; i < 2; i++) {
        glGenRenderbuffers(1, rbs[i]);
        glBindRenderbuffer(GL_RENDERBUFFER, *rbs[i]);
        if (samples > 1) glRenderbufferStorageMultisample(GL_RENDERBUFFER, samples, formats[i], r->desc.width, r->desc.height);
        else glRenderbufferStorage(GL_RENDERBUFFER, formats[i], r->desc.width, r->desc.height);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, points[i], GL_RENDERBUFFER, *rbs[i]);
    }
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE) return 1;
    GLuint names[2] = { *colour, *depth };
    glDeleteRenderbuffers(2, names);
    glDeleteFramebuffers(1, fbo);
    *fbo = *colour = *depth = 0;
    return 0;
}

/* The offscreen frame of the video's size, and the multisampled twin that everything is drawn
 * into and resolved from at the end (smooth product edges); without it drawing goes straight to
 * the plain one. */
static vt_result build_targets(vt_renderer *r, char *err, size_t errlen)
{
    if (!make_target(r, 1, &r->fbo, &r->fbo_colour, &r->fbo_depth)) {
        snprintf(err, errlen, _("cannot create a %dx%d framebuffer"), r->desc.width, r->desc.height);
        return VT_ERR_UNSUPPORTED;
    }
    GLint max_samples = 0;
    glGetIntegerv(GL_MAX_SAMPLES, &max_samples);
    /* 4x by default; on a software rasterizer (Mesa llvmpipe: no GPU) it would halve the frame
     * rate, so there the default is none and --msaa asks for it. */
    const char *gl_renderer = (const char *)glGetString(GL_RENDERER);
    int software = gl_renderer && (strstr(gl_renderer, "llvmpipe") || strstr(gl_renderer, "softpipe"));
    r->samples = r->desc.msaa > 0 ? r->desc.msaa : software ? 1 : 4;
    if (r->samples > max_samples) r->samples = max_samples;
    if (r->samples > 1 && !make_target(r, r->samples, &r->fbo_ms, &r->ms_colour, &r->ms_depth)) {
        VT_WARN("render", "no %dx multisampling here; edges will not be smoothed", r->samples);
        r->samples = 1;
    }
    while (glGetError() != GL_NO_ERROR) {}
    return VT_OK;
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

/* The background's quad and texture, the shadow's strip, the overlay's stream buffer. */
static vt_result build_buffers(vt_renderer *r, char *err, size_t errlen)
{
    static const float corners[] = { -1, -1, 1, -1, -1, 1, 1, 1 };   /* the shadow's strip */
    static const float quad[] = { -1, -1, 1, -1, 1, 1, -1, -1, 1, 1, -1, 1 };   /* the background's triangles */
    vertex_array_2d(corners, sizeof corners, &r->shadow_vao, &r->shadow_vbo);
    vertex_array_2d(quad, sizeof quad, &r->bg_vao, &r->bg_vbo);
    glGenTextures(1, &r->bg_tex);
    glBindTexture(GL_TEXTURE_2D, r->bg_tex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, r->desc.width, r->desc.height, 0, GL_BGR, GL_UNSIGNED_BYTE, NULL);
    /* NEAREST: the frame maps 1:1 to the framebuffer, so untouched pixels stay exactly the input. */
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    /* A prepared frame is blitted from it: a plain copy, where a draw shades every pixel. */
    glGenFramebuffers(1, &r->bg_fbo);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, r->bg_fbo);
    glFramebufferTexture2D(GL_READ_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, r->bg_tex, 0);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, 0);

    r->ui_verts = malloc(VT_MAX_UI_VERTS * 8 * sizeof(float));
    r->ui_tex = malloc(VT_MAX_UI_VERTS * sizeof(GLuint));
    r->row_tmp = malloc((size_t)r->desc.width * 4);
    if (!r->ui_verts || !r->ui_tex || !r->row_tmp) { snprintf(err, errlen, _("no memory for the overlay")); return VT_ERR_NO_MEMORY; }
    glGenVertexArrays(1, &r->ui_vao);
    glBindVertexArray(r->ui_vao);
    glGenBuffers(1, &r->ui_vbo);
    glBindBuffer(GL_ARRAY_BUFFER, r->ui_vbo);
    glBufferData(GL_ARRAY_BUFFER, VT_MAX_UI_VERTS * 8 * sizeof(float), NULL, GL_STREAM_DRAW);
    for (int i = 0; i < 3; i++) glEnableVertexAttribArray((GLuint)i);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 32, (void *)0);
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, 32, (void *)8);
    glVertexAttribPointer(2, 4, GL_FLOAT, GL_FALSE, 32, (void *)16);
    glBindVertexArray(0);
    return VT_OK;
}

/* ---- life ---- */
vt_result vt_render_create(const vt_render_desc *desc, vt_renderer **out, char *err, size_t errlen)
{
    *out = NULL;
    if (desc->width <= 0 || desc->height <= 0) { snprintf(err, errlen, _("bad frame size")); return VT_ERR_ARG; }
    vt_renderer *r = calloc(1, sizeof *r);
    if (!r) { snprintf(err, errlen, _("no memory for a renderer")); return VT_ERR_NO_MEMORY; }
    r->desc = *desc;
    vt_result res = vt_render_context_create(r, err, errlen);
    snprintf(r->shader_dir, sizeof r->shader_dir, "%s", shader_dir(desc));
    if (res == VT_OK) res = vt_render_text_init(r, err, errlen);
    if (res == VT_OK) res = build_targets(r, err, errlen);
    if (res == VT_OK) res = vt_render_env_build(r, err, errlen);   /* before the mesh programs: their SH */
    if (res == VT_OK && (res = vt_render_sheen_lut_build(r)) != VT_OK) snprintf(err, errlen, _("no memory for the sheen table"));
    if (res == VT_OK) res = build_programs(r, r->shader_dir, err, errlen);
    if (res == VT_OK) res = build_buffers(r, err, errlen);
    if (res != VT_OK) { vt_render_destroy(r); return res; }
    r->pack_invert = GLEW_MESA_pack_invert && !getenv("VITRINE_NO_PACK_INVERT");
    set_constant_uniforms(r);
    *out = r;
    return VT_OK;
}

static void delete_gl_objects(vt_renderer *r)
{
    vt_render_free_all_models(r);
    GLuint bufs[] = { r->bg_vbo, r->ui_vbo, r->shadow_vbo };
    glDeleteBuffers(3, bufs);
    GLuint vaos[] = { r->bg_vao, r->ui_vao, r->shadow_vao };
    glDeleteVertexArrays(3, vaos);
    vt_render_text_destroy(r);
    GLuint tex[] = { r->bg_tex, r->env_tex, r->sheen_lut, r->scene_tex };
    glDeleteTextures(4, tex);
    GLuint rbs[] = { r->fbo_colour, r->fbo_depth, r->ms_colour, r->ms_depth };
    glDeleteRenderbuffers(4, rbs);
    GLuint fbos[] = { r->fbo, r->fbo_ms, r->bg_fbo };
    glDeleteFramebuffers(3, fbos);
    GLuint progs[] = { r->shadow_prog, r->bg_prog, r->ui_prog, r->depth_prog, r->rect_prog };
    for (int i = 0; i < 5; i++) if (progs[i]) glDeleteProgram(progs[i]);
    for (int i = 0; i < VT_MESH_VARIANTS; i++) if (r->mesh_progs[i]) glDeleteProgram(r->mesh_progs[i]);
}

void vt_render_info(vt_renderer *r, char *renderer, size_t rlen, char *version, size_t vlen)
{
    vt_render_make_current(r);
    const char *name = (const char *)glGetString(GL_RENDERER), *ver = (const char *)glGetString(GL_VERSION);
    snprintf(renderer, rlen, "%s", name ? name : "");
    snprintf(version, vlen, "%s", ver ? ver : "");
}

void vt_render_destroy(vt_renderer *r)
{
    if (!r) return;
    vt_render_make_current(r);
    if (r->window || r->egl_ctx) delete_gl_objects(r);
    free(r->slots);   /* without a context the pool holds no GL objects */
    vt_render_text_destroy(r);   /* (already done with the GL objects; else it holds no textures) */
    vt_render_context_destroy(r);
    free(r->ui_verts);
    free(r->row_tmp);
    free(r->ui_tex);
    free(r->cmds);
    free(r);
}

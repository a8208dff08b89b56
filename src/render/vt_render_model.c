/* vt_render_model.c — uploaded models as handles into a pool (slot index plus a generation, so a
 * stale handle is refused instead of followed), their PBR draw, and contact shadows. */
#include "vt_render_internal.h"
#include "assets/vt_assets.h"

#include <cglm/cglm.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A handle is (generation << 16) | (slot index + 1): id 0 is never a live model. */
#define SLOT_BITS 16
#define MAX_SLOTS 0xFFFF

static vt_gpu_model_id make_id(int index, uint16_t gen)
{
    return (vt_gpu_model_id){ ((uint32_t)gen << SLOT_BITS) | (uint32_t)(index + 1) };
}

/* The live slot g names, or NULL when g is none or stale. */
static vt_gpu_slot *lookup(const vt_renderer *r, vt_gpu_model_id g)
{
    int index = (int)(g.id & MAX_SLOTS) - 1;
    if (index < 0 || index >= r->slot_count) return NULL;
    vt_gpu_slot *s = &r->slots[index];
    return s->used && s->gen == (uint16_t)(g.id >> SLOT_BITS) ? s : NULL;
}

/* A free slot (grows the pool); NULL when the pool is full or out of memory. */
static vt_gpu_slot *take_slot(vt_renderer *r, int *index)
{
    for (int i = 0; i < r->slot_count; i++)
        if (!r->slots[i].used) { *index = i; return &r->slots[i]; }
    if (r->slot_count == MAX_SLOTS) return NULL;
    if (r->slot_count == r->slot_cap) {
        int cap = r->slot_cap ? r->slot_cap * 2 : 16;
        if (cap > MAX_SLOTS) cap = MAX_SLOTS;
        vt_gpu_slot *grown = realloc(r->slots, (size_t)cap * sizeof *grown);
        if (!grown) return NULL;
        r->slots = grown;
        r->slot_cap = cap;
    }
    *index = r->slot_count++;
    vt_gpu_slot *s = &r->slots[*index];
    memset(s, 0, sizeof *s);
    s->gen = 1;
    return s;
}

static void release_slot(vt_gpu_slot *s)
{
    glDeleteVertexArrays(s->mesh_count, s->vao);
    glDeleteBuffers(s->mesh_count * 4, s->vbo);
    glDeleteBuffers(s->mesh_count, s->ibo);
    if (s->tex_count) glDeleteTextures(s->tex_count, s->tex);
    free(s->vao); free(s->vbo); free(s->ibo); free(s->tex);
    uint16_t gen = (uint16_t)(s->gen + 1);
    memset(s, 0, sizeof *s);
    s->gen = gen ? gen : 1;   /* generation 0 is skipped: it would make a none-looking id */
}

static vt_result link_variants(vt_renderer *r, const vt_model *m, char *err, size_t errlen);

static void upload_meshes(vt_gpu_slot *g, const vt_model *m)
{
    glGenVertexArrays(m->mesh_count, g->vao);
    glGenBuffers(m->mesh_count * 4, g->vbo);
    glGenBuffers(m->mesh_count, g->ibo);
    for (int i = 0; i < m->mesh_count; i++) {
        const vt_mesh *me = &m->meshes[i];
        glBindVertexArray(g->vao[i]);
        /* Attribute 3, the second uv set: a mesh without one reads its first set there again. */
        const float *arrays[4] = { me->positions, me->normals, me->uvs, me->uvs1 };
        int comps[4] = { 3, 3, 2, 2 };
        for (int a = 0; a < 4; a++) {
            glBindBuffer(GL_ARRAY_BUFFER, g->vbo[i * 4 + (a == 3 && !me->uvs1 ? 2 : a)]);
            if (a < 3 || me->uvs1) {
                glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)me->vertex_count * comps[a] * (GLsizeiptr)sizeof(float), arrays[a],
                             GL_STATIC_DRAW);
                g->geometry_bytes += (size_t)me->vertex_count * (size_t)comps[a] * sizeof(float);
            }
            glEnableVertexAttribArray((GLuint)a);
            glVertexAttribPointer((GLuint)a, comps[a], GL_FLOAT, GL_FALSE, 0, 0);
        }
        glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, g->ibo[i]);
        glBufferData(GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)me->index_count * (GLsizeiptr)sizeof(uint32_t), me->indices, GL_STATIC_DRAW);
        g->geometry_bytes += (size_t)me->index_count * sizeof(uint32_t);
    }
    glBindVertexArray(0);
}

static void upload_textures(vt_gpu_slot *g, const vt_model *m)
{
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
        for (int w = t->width, h = t->height;; w = w > 1 ? w / 2 : 1, h = h > 1 ? h / 2 : 1) {   /* the chain to 1 x 1 */
            g->texture_bytes += (size_t)w * (size_t)h * 4;
            if (w == 1 && h == 1) break;
        }
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_REPEAT);   /* glTF's default sampler */
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_REPEAT);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    }
}

vt_result vt_render_upload(vt_renderer *r, const vt_model *m, vt_gpu_model_id *out, char *err, size_t errlen)
{
    *out = (vt_gpu_model_id){ 0 };
    if (!m || m->mesh_count < 0 || m->texture_count < 0) { snprintf(err, errlen, _("no model to upload")); return VT_ERR_ARG; }
    vt_render_make_current(r);
    /* Past the GPU's maximum GL would leave the texture incomplete: drawn black, silently. */
    GLint max_tex = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_tex);
    for (int i = 0; i < m->texture_count; i++)
        if (max_tex > 0 && (m->textures[i].width > max_tex || m->textures[i].height > max_tex)) {
            snprintf(err, errlen, _("%s: texture %s is %dx%d pixels, more than this GPU's maximum (%d a side)"),
                     m->path ? m->path : "model", m->texture_names && m->texture_names[i] ? m->texture_names[i] : "?",
                     m->textures[i].width, m->textures[i].height, (int)max_tex);
            return VT_ERR_UNSUPPORTED;
        }
    int index;
    vt_gpu_slot *g = take_slot(r, &index);
    if (!g) { snprintf(err, errlen, _("cannot upload more models (%d in the renderer)"), r->slot_count); return VT_ERR_NO_MEMORY; }
    g->vao = calloc((size_t)m->mesh_count + 1, sizeof(GLuint));
    g->vbo = calloc((size_t)m->mesh_count * 4 + 1, sizeof(GLuint));
    g->ibo = calloc((size_t)m->mesh_count + 1, sizeof(GLuint));
    g->tex = calloc((size_t)m->texture_count + 1, sizeof(GLuint));
    if (!g->vao || !g->vbo || !g->ibo || !g->tex) {
        release_slot(g);
        snprintf(err, errlen, _("no memory for a model of %d meshes and %d textures"), m->mesh_count, m->texture_count);
        return VT_ERR_NO_MEMORY;
    }
    g->src = m;
    g->mesh_count = m->mesh_count;
    g->tex_count = m->texture_count;
    g->used = 1;
    upload_meshes(g, m);
    upload_textures(g, m);
    vt_result res = link_variants(r, m, err, errlen);
    if (res != VT_OK) { release_slot(g); return res; }
    *out = make_id(index, g->gen);
    return VT_OK;
}

int vt_render_model_memory(const vt_renderer *r, vt_gpu_model_id id, size_t *geometry, size_t *textures)
{
    const vt_gpu_slot *g = lookup(r, id);
    *geometry = g ? g->geometry_bytes : 0;
    *textures = g ? g->texture_bytes : 0;
    return g != NULL;
}

void vt_render_free_model(vt_renderer *r, vt_gpu_model_id id)
{
    if (!id.id) return;
    vt_gpu_slot *g = lookup(r, id);
    if (!g) { VT_WARN("render", "model handle %#x freed twice or not this renderer's: ignored", id.id); return; }
    vt_render_make_current(r);
    if (r->ncmds) vt_render_flush_3d(r);   /* a queued draw of it goes first */
    release_slot(g);
}

void vt_render_free_all_models(vt_renderer *r)
{
    for (int i = 0; i < r->slot_count; i++)
        if (r->slots[i].used) release_slot(&r->slots[i]);
    free(r->slots);
    r->slots = NULL;
    r->slot_count = r->slot_cap = 0;
    r->ncmds = 0;
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

/* The 3-D draws of a frame are queued and drawn at its end (vt_render_flush_3d), so that one
 * depth-only pass over the opaque models can come first: each visible pixel is then shaded once,
 * where drawing in the caller's order shaded every surface that was nearest when drawn (about
 * 1.8 times the visible pixels for the demo's products). */
static vt_draw_cmd *push_cmd(vt_renderer *r)
{
    if (r->ncmds == r->cmd_cap) {
        int cap = r->cmd_cap ? r->cmd_cap * 2 : 32;
        vt_draw_cmd *grown = realloc(r->cmds, (size_t)cap * sizeof *grown);
        if (!grown) { VT_ERROR("render", "no memory to queue a draw: not drawn"); return NULL; }
        r->cmds = grown;
        r->cmd_cap = cap;
    }
    vt_draw_cmd *c = &r->cmds[r->ncmds++];
    memset(c, 0, sizeof *c);
    return c;
}

void vt_render_shadow(vt_renderer *r, const float cam_from_model[16], const float bmin[3], const float bmax[3],
                      float strength)
{
    if (strength <= 0) return;
    vt_draw_cmd *c = push_cmd(r);
    if (!c) return;
    memcpy(c->mv, cam_from_model, sizeof c->mv);
    /* Wider than the footprint, so the fade-out lies around the product's base. */
    float hx = (bmax[0] - bmin[0]) * 0.5f, hz = (bmax[2] - bmin[2]) * 0.5f, grow = 0.25f * fmaxf(hx, hz) + 0.004f;
    float rect[4] = { (bmin[0] + bmax[0]) * 0.5f, (bmin[2] + bmax[2]) * 0.5f, hx * 1.25f + grow, hz * 1.25f + grow };
    memcpy(c->rect, rect, sizeof rect);
    c->strength = fminf(1.0f, strength);
}

static void draw_shadow(const vt_renderer *r, const vt_draw_cmd *c)
{
    const vt_shadow_uniforms *u = &r->shadow_u;
    glEnable(GL_DEPTH_TEST);
    glDepthFunc(GL_LEQUAL);
    glDepthMask(GL_FALSE);   /* the product drawn next must not be hidden by its own shadow */
    glEnable(GL_BLEND);
    glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
    glUseProgram(r->shadow_prog);
    glUniformMatrix4fv(u->proj, 1, GL_FALSE, r->proj);
    glUniformMatrix4fv(u->mv, 1, GL_FALSE, c->mv);
    glUniform4fv(u->rect, 1, c->rect);
    glUniform1f(u->strength, c->strength);
    glBindVertexArray(r->shadow_vao);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glBindVertexArray(0);
    glDepthMask(GL_TRUE);
}

static void instance_matrices(const vt_mesh_instance *in, const float cam_from_model[16], mat4 mv, mat3 nm);

/* No maps: its uv maps are never read. */
static const vt_material k_plain = { .base_colour = { 0.8f, 0.8f, 0.8f, 1 }, .roughness = 0.6f, .texture = -1, .tex_metal_rough = -1,
                                     .tex_normal = -1, .tex_occlusion = -1, .tex_emissive = -1, .tex_thickness = -1, .tex_transmission = -1,
                                     .tex_clearcoat = -1, .tex_clearcoat_rough = -1, .tex_sheen = -1, .tex_sheen_rough = -1,
                                     .tex_specular = -1, .tex_specular_colour = -1, .normal_scale = 1, .occlusion_strength = 1, .attenuation = { 1, 1, 1, 0 } };

static const vt_material *instance_material(const vt_model *m, const vt_mesh_instance *in)
{
    const vt_mesh *me = &m->meshes[in->mesh];
    return me->material >= 0 && me->material < m->material_count ? &m->materials[me->material] : &k_plain;
}

/* The material's maps that exist (texs[k] >= 0 and in the model): the mesh program's variant. */
static int material_variant(const vt_material *mat, int tex_count, int texs[VT_MESH_TEXTURES])
{
    const int t[VT_MESH_TEXTURES] = { mat->texture, mat->tex_metal_rough, mat->tex_normal, mat->tex_occlusion, mat->tex_emissive };
    int variant = 0;
    for (int k = 0; k < VT_MESH_TEXTURES; k++) {
        texs[k] = t[k] >= 0 && t[k] < tex_count ? t[k] : -1;
        if (texs[k] < 0) continue;
        variant |= 1 << k;
        /* A map with a transform or on the second uv set: the program that maps each map's uvs. */
        if (memcmp(&mat->uv[k], &vt_uv_map_identity, sizeof vt_uv_map_identity)) variant |= VT_MESH_UV_MAPS;
    }
    if (mat->clearcoat > 0) variant |= VT_MESH_CLEARCOAT;
    if (mat->transmission > 0) variant |= VT_MESH_TRANSMISSION;
    if (mat->alpha_mode == VT_ALPHA_MASK) variant |= VT_MESH_ALPHA_MASK;
    if (mat->iridescence > 0) variant |= VT_MESH_IRIDESCENCE;
    if (mat->sheen_colour[0] > 0 || mat->sheen_colour[1] > 0 || mat->sheen_colour[2] > 0) variant |= VT_MESH_SHEEN;
    return variant;
}

/* Each map's uv transform (GLSL mat3x2: three columns of two) and set, for a VT_MESH_UV_MAPS program. */
static void set_uv_maps(const vt_mesh_uniforms *u, const vt_material *mat)
{
    float xf[VT_MESH_TEXTURES][6], set[VT_MESH_TEXTURES];
    for (int k = 0; k < VT_MESH_TEXTURES; k++) {
        const float *x = mat->uv[k].xform;
        const float cols[6] = { x[0], x[3], x[1], x[4], x[2], x[5] };
        memcpy(xf[k], cols, sizeof cols);
        set[k] = (float)mat->uv[k].set;
    }
    glUniformMatrix3x2fv(u->uv_xform, VT_MESH_TEXTURES, GL_FALSE, &xf[0][0]);
    glUniform1fv(u->uv_set, VT_MESH_TEXTURES, set);
}

/* Links the mesh programs m's materials need, so the first frame showing it does not. */
static vt_result link_variants(vt_renderer *r, const vt_model *m, char *err, size_t errlen)
{
    int texs[VT_MESH_TEXTURES];
    for (int i = 0; i < m->instance_count; i++) {
        vt_result res = vt_render_mesh_program(r, material_variant(instance_material(m, &m->instances[i]), m->texture_count, texs),
                                               err, errlen);
        if (res != VT_OK) return res;
    }
    return VT_OK;
}

/* What one model's draw sets on whichever mesh program its instances use. */
typedef struct draw_state { float opacity, wfc[9], key_cam[3]; int program; } draw_state;

/* Switches to the instance's program when it is another one, with this draw's uniforms. */
static const vt_mesh_uniforms *use_variant(const vt_renderer *r, draw_state *ds, int variant)
{
    const vt_mesh_uniforms *u = &r->mesh_us[variant];
    if (ds->program == variant) return u;
    ds->program = variant;
    glUseProgram(r->mesh_progs[variant]);
    glUniformMatrix4fv(u->proj, 1, GL_FALSE, r->proj);
    glUniform1f(u->opacity, ds->opacity);
    glUniformMatrix3fv(u->world_from_cam, 1, GL_FALSE, ds->wfc);
    glUniform3fv(u->key_cam, 1, ds->key_cam);
    glUniform3fv(u->room, 3, &r->room[0][0]);
    return u;
}

/* A layer's map on its own texture unit (VT_MESH_TEXTURES + 3 + slot); 1 when bound, 0 when the
 * material has none (the shader then does not sample it). */
static float bind_layer_map(const vt_gpu_slot *g, int tex, int slot)
{
    if (tex < 0 || tex >= g->tex_count) return 0;
    glActiveTexture(GL_TEXTURE0 + VT_MESH_TEXTURES + 3 + (GLenum)slot);
    glBindTexture(GL_TEXTURE_2D, g->tex[tex]);
    return 1;
}

static void set_clearcoat(const vt_mesh_uniforms *u, const vt_gpu_slot *g, const vt_material *mat)
{
    glUniform2f(u->clearcoat, mat->clearcoat, mat->clearcoat_roughness);
    glUniform2f(u->clearcoat_maps, bind_layer_map(g, mat->tex_clearcoat, 1), bind_layer_map(g, mat->tex_clearcoat_rough, 2));
}

/* KHR_materials_volume for a glass program: the thickness in metres (the instance's scale
 * applied) for the refraction, its map, and the attenuation as an exponent per unit of
 * thickness map (thickness over the attenuation distance: both in model units). */
static void set_volume(const vt_renderer *r, const vt_mesh_uniforms *u, const vt_gpu_slot *g, const vt_material *mat, mat4 mv)
{
    glUniform1f(u->scene_lod, r->scene_lod);
    float scale = sqrtf(mv[0][0] * mv[0][0] + mv[0][1] * mv[0][1] + mv[0][2] * mv[0][2]);
    glUniform3f(u->transmission, mat->transmission, mat->ior, mat->thickness * scale);
    const float *a = mat->attenuation;
    glUniform4f(u->attenuation, a[0], a[1], a[2], a[3] > 0 ? mat->thickness / a[3] : 0);
    glUniform2f(u->thickness_map, bind_layer_map(g, mat->tex_thickness, 0), bind_layer_map(g, mat->tex_transmission, 5));
}

/* One mesh instance: its matrices, its material and textures, then the draw. */
static void draw_instance(const vt_renderer *r, const vt_gpu_slot *g, const vt_mesh_instance *in, const float cam_from_model[16],
                          draw_state *ds)
{
    const vt_model *m = g->src;
    const vt_mesh *me = &m->meshes[in->mesh];
    const vt_material *mat = instance_material(m, in);
    int texs[VT_MESH_TEXTURES], variant = material_variant(mat, g->tex_count, texs);
    if (!r->mesh_progs[variant]) return;   /* not linked at upload (reported there) */
    const vt_mesh_uniforms *u = use_variant(r, ds, variant);
    mat4 mv;
    mat3 nm;
    instance_matrices(in, cam_from_model, mv, nm);
    glUniformMatrix4fv(u->mv, 1, GL_FALSE, (float *)mv);
    glUniformMatrix3fv(u->normal_mat, 1, GL_FALSE, (float *)nm);
    glUniform4fv(u->base_colour, 1, mat->base_colour);
    glUniform1f(u->metallic, mat->metallic);
    glUniform1f(u->roughness, mat->roughness);
    glUniform3fv(u->emissive, 1, mat->emissive);
    glUniform1f(u->normal_scale, mat->normal_scale);
    glUniform1f(u->occlusion_strength, mat->occlusion_strength);
    if (variant & VT_MESH_UV_MAPS) set_uv_maps(u, mat);
    if (variant & VT_MESH_CLEARCOAT) set_clearcoat(u, g, mat);
    if (variant & VT_MESH_SHEEN) {
        glUniform4f(u->sheen, mat->sheen_colour[0], mat->sheen_colour[1], mat->sheen_colour[2], mat->sheen_roughness);
        glUniform2f(u->sheen_maps, bind_layer_map(g, mat->tex_sheen, 3), bind_layer_map(g, mat->tex_sheen_rough, 4));
    }
    if (variant & VT_MESH_ALPHA_MASK) glUniform1f(u->alpha_cutoff, mat->alpha_cutoff);
    if (variant & VT_MESH_IRIDESCENCE) glUniform3f(u->iridescence, mat->iridescence, mat->iridescence_ior, mat->iridescence_nm);
    /* KHR_materials_specular over KHR_materials_ior: the dielectric f0 against glTF's 0.04 (1 for
     * ior 1.5), times the specular colour; the factor weighs the dielectric reflection. */
    float q = (mat->ior - 1) / (mat->ior + 1), f0 = mat->ior == 1.5f ? 1.0f : q * q / 0.04f;
    glUniform4f(u->specular, mat->specular_colour[0] * f0, mat->specular_colour[1] * f0, mat->specular_colour[2] * f0, mat->specular);
    glUniform2f(u->specular_maps, bind_layer_map(g, mat->tex_specular, 6), bind_layer_map(g, mat->tex_specular_colour, 7));
    if (variant & VT_MESH_TRANSMISSION) set_volume(r, u, g, mat, mv);
    for (int k = 0; k < VT_MESH_TEXTURES; k++) {
        if (texs[k] < 0) continue;   /* this program samples no such map */
        glActiveTexture(GL_TEXTURE0 + (GLenum)k);
        glBindTexture(GL_TEXTURE_2D, g->tex[texs[k]]);
    }
    glBindVertexArray(g->vao[in->mesh]);
    glDrawElements(GL_TRIANGLES, me->index_count, GL_UNSIGNED_INT, 0);
}

/* The instance's model-view and normal matrices. */
static void instance_matrices(const vt_mesh_instance *in, const float cam_from_model[16], mat4 mv, mat3 nm)
{
    mat4 inv, a, b;   /* cglm wants 16-byte aligned matrices: copy in */
    memcpy(a, cam_from_model, sizeof a);
    memcpy(b, in->transform, sizeof b);
    glm_mat4_mul(a, b, mv);
    glm_mat4_inv(mv, inv);
    glm_mat4_pick3t(inv, nm);   /* inverse-transpose: normals stay normal under scaling */
}

vt_result vt_render_model(vt_renderer *r, vt_gpu_model_id id, const float cam_from_model[16], float opacity)
{
    if (!lookup(r, id)) {
        if (id.id) VT_ERROR("render", "model handle %#x is stale: not drawn", id.id);
        else VT_ERROR("render", "model handle %#x is none: not drawn", id.id);
        return VT_ERR_ARG;
    }
    vt_draw_cmd *c = push_cmd(r);
    if (!c) return VT_ERR_NO_MEMORY;
    c->model = id;
    memcpy(c->mv, cam_from_model, sizeof c->mv);
    c->opacity = opacity;
    return VT_OK;
}

/* Instances by how they are drawn: opaque (with the depth pre-pass), alpha-masked (after them:
 * the pre-pass cannot cut their holes), glass (over a copy of all that), alpha-blended (last). */
enum { KIND_OPAQUE, KIND_MASK, KIND_GLASS, KIND_BLEND };
enum { PASS_DEPTH, PASS_OPAQUE, PASS_MASK, PASS_GLASS_DEPTH, PASS_GLASS, PASS_BLEND };
static const int k_pass_kind[] = { KIND_OPAQUE, KIND_OPAQUE, KIND_MASK, KIND_GLASS, KIND_GLASS, KIND_BLEND };

static int kind_of(const vt_model *m, const vt_mesh_instance *in)
{
    const vt_material *mat = instance_material(m, in);
    return mat->transmission > 0 ? KIND_GLASS : mat->alpha_mode == VT_ALPHA_MASK ? KIND_MASK
         : mat->alpha_mode == VT_ALPHA_BLEND ? KIND_BLEND : KIND_OPAQUE;
}

/* Glass rough enough to blur what lies behind (its roughness scaled by its ior, as Khronos'
 * viewer does: the shader's rule); a map may roughen it anywhere. */
static int rough_glass(const vt_material *mat)
{
    float k = 2 * mat->ior - 2;
    return mat->transmission > 0 && (mat->tex_metal_rough >= 0 || mat->roughness * (k < 1 ? k : 1) > 0.05f);
}

static int has_rough_glass(const vt_renderer *r)
{
    for (int c = 0; c < r->ncmds; c++) {
        const vt_gpu_slot *g = r->cmds[c].model.id ? lookup(r, r->cmds[c].model) : NULL;
        for (int i = 0; g && i < g->src->instance_count; i++)
            if (rough_glass(instance_material(g->src, &g->src->instances[i]))) return 1;
    }
    return 0;
}

static int has_kind(const vt_renderer *r, const vt_draw_cmd *c, int kind)
{
    const vt_gpu_slot *g = c->model.id ? lookup(r, c->model) : NULL;
    for (int i = 0; g && i < g->src->instance_count; i++)
        if (kind_of(g->src, &g->src->instances[i]) == kind) return 1;
    return 0;
}

/* PASS_DEPTH: the pre-pass; PASS_OPAQUE: the shading, which for an opaque model passes where the
 * pre-pass left this very surface (LEQUAL) and nothing was shaded yet (stencil 0, then 1): of
 * surfaces at the same depth (shared edges) the first drawn stays, as drawing in order with LESS
 * keeps it. A fading model is drawn as before (LESS, blended, no stencil). The other kinds come
 * after (LESS): masked, then glass over what it lets through, with a depth pre-pass of its own
 * (PASS_GLASS_DEPTH) so that only the nearest glass surface is shaded (LEQUAL), then blended. */
static void draw_model(const vt_renderer *r, const vt_draw_cmd *c, int pass)
{
    const vt_gpu_slot *g = lookup(r, c->model);
    if (!g) return;
    glEnable(GL_DEPTH_TEST);
    int keep_first = pass == PASS_OPAQUE && c->opacity >= 1;
    glDepthFunc(keep_first || (pass == PASS_GLASS && c->opacity >= 1) ? GL_LEQUAL : GL_LESS);
    glDepthMask(pass == PASS_BLEND ? GL_FALSE : GL_TRUE);   /* a blended surface hides nothing */
    if (keep_first) {
        glEnable(GL_STENCIL_TEST);
        glStencilFunc(GL_EQUAL, 0, 0xFF);
        glStencilOp(GL_KEEP, GL_KEEP, GL_INCR);
    }
    if (pass == PASS_DEPTH || pass == PASS_GLASS_DEPTH) {   /* mesh.vert with an empty fragment shader: positions only */
        glUseProgram(r->depth_prog);
        glUniformMatrix4fv(r->depth_u.proj, 1, GL_FALSE, r->proj);
        for (int i = 0; i < g->src->instance_count; i++) {
            const vt_mesh_instance *in = &g->src->instances[i];
            if (kind_of(g->src, in) != k_pass_kind[pass]) continue;
            mat4 mv;
            mat3 nm;
            instance_matrices(in, c->mv, mv, nm);
            glUniformMatrix4fv(r->depth_u.mv, 1, GL_FALSE, (float *)mv);
            glBindVertexArray(g->vao[in->mesh]);
            glDrawElements(GL_TRIANGLES, g->src->meshes[in->mesh].index_count, GL_UNSIGNED_INT, 0);
        }
        return;
    }
    if (c->opacity < 1 || pass == PASS_BLEND) { glEnable(GL_BLEND); glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA); }
    else glDisable(GL_BLEND);
    draw_state ds = { .opacity = c->opacity, .program = -1 };
    studio_frame(c->mv, ds.wfc);
    /* The key light in camera space: the studio frame's transpose applied to the studio direction. */
    const float *k = vt_studio_key_dir;
    float kn = sqrtf(k[0] * k[0] + k[1] * k[1] + k[2] * k[2]);
    for (int i = 0; i < 3; i++)
        ds.key_cam[i] = (ds.wfc[i * 3 + 0] * k[0] + ds.wfc[i * 3 + 1] * k[1] + ds.wfc[i * 3 + 2] * k[2]) / kn;
    glActiveTexture(GL_TEXTURE5);
    glBindTexture(GL_TEXTURE_2D, r->env_tex);
    glActiveTexture(GL_TEXTURE6);
    glBindTexture(GL_TEXTURE_2D, r->sheen_lut);
    glActiveTexture(GL_TEXTURE7);
    glBindTexture(GL_TEXTURE_2D, r->scene_tex);
    for (int i = 0; i < g->src->instance_count; i++)
        if (kind_of(g->src, &g->src->instances[i]) == k_pass_kind[pass]) draw_instance(r, g, &g->src->instances[i], c->mv, &ds);
    glActiveTexture(GL_TEXTURE0);
    glDisable(GL_STENCIL_TEST);
    glDepthMask(GL_TRUE);
}

/* What glass lets through: the frame as drawn so far (the video, shadows, opaque products),
 * copied into scene_tex (made the first time), resolved first where the target is multisampled;
 * with its mip chain when rough glass is on screen (it samples blurrier levels). */
static void copy_scene(vt_renderer *r)
{
    int w = r->desc.width, h = r->desc.height;
    if (!r->scene_tex) r->scene_tex = vt_render_table_texture(GL_RGBA8, w, h, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
    if (r->fbo_ms) {
        glBindFramebuffer(GL_READ_FRAMEBUFFER, r->fbo_ms);
        glBindFramebuffer(GL_DRAW_FRAMEBUFFER, r->fbo);
        glBlitFramebuffer(0, 0, w, h, 0, 0, w, h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    }
    glBindFramebuffer(GL_READ_FRAMEBUFFER, r->fbo);
    glBindTexture(GL_TEXTURE_2D, r->scene_tex);
    glCopyTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, 0, 0, w, h);
    r->scene_lod = 0;
    if (has_rough_glass(r)) {
        glGenerateMipmap(GL_TEXTURE_2D);
        if (!r->scene_mipmapped) glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
        r->scene_mipmapped = 1;
        r->scene_lod = log2f((float)(w > h ? w : h));
    }
    glBindFramebuffer(GL_FRAMEBUFFER, r->fbo_ms ? r->fbo_ms : r->fbo);
}

void vt_render_flush_3d(vt_renderer *r)
{
    int opaque = 0;
    for (int i = 0; i < r->ncmds; i++) opaque += r->cmds[i].model.id && r->cmds[i].opacity >= 1;
    if (opaque > 0) {
        glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_FALSE);
        glDisable(GL_BLEND);
        for (int i = 0; i < r->ncmds; i++)
            if (r->cmds[i].model.id && r->cmds[i].opacity >= 1) draw_model(r, &r->cmds[i], PASS_DEPTH);
        glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
    }
    vt_render_pass_mark(r, VT_RENDER_PASS_DEPTH);
    int kinds[KIND_BLEND + 1] = { 0 };
    for (int i = 0; i < r->ncmds; i++) {
        if (r->cmds[i].model.id) draw_model(r, &r->cmds[i], PASS_OPAQUE);
        else draw_shadow(r, &r->cmds[i]);
        for (int k = KIND_MASK; k <= KIND_BLEND; k++) kinds[k] |= has_kind(r, &r->cmds[i], k);
    }
    for (int i = 0; kinds[KIND_MASK] && i < r->ncmds; i++)
        if (has_kind(r, &r->cmds[i], KIND_MASK)) draw_model(r, &r->cmds[i], PASS_MASK);
    if (kinds[KIND_GLASS]) {
        copy_scene(r);
        glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_FALSE);
        for (int i = 0; i < r->ncmds; i++)
            if (r->cmds[i].opacity >= 1 && has_kind(r, &r->cmds[i], KIND_GLASS)) draw_model(r, &r->cmds[i], PASS_GLASS_DEPTH);
        glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
        for (int i = 0; i < r->ncmds; i++)
            if (has_kind(r, &r->cmds[i], KIND_GLASS)) draw_model(r, &r->cmds[i], PASS_GLASS);
    }
    for (int i = 0; kinds[KIND_BLEND] && i < r->ncmds; i++)
        if (has_kind(r, &r->cmds[i], KIND_BLEND)) draw_model(r, &r->cmds[i], PASS_BLEND);
    r->ncmds = 0;
    glBindVertexArray(0);
    vt_render_pass_mark(r, VT_RENDER_PASS_PRODUCTS);
}

vt_result vt_render_model_refresh(vt_renderer *r, vt_gpu_model_id id)
{
    vt_gpu_slot *g = lookup(r, id);
    if (!g) return VT_ERR_ARG;
    const vt_model *m = g->src;
    for (int i = 0; m->anim && i < g->mesh_count; i++) {
        if (!m->anim->meshes[i].rest_pos) continue;
        GLsizeiptr n = (GLsizeiptr)m->meshes[i].vertex_count * 3 * (GLsizeiptr)sizeof(float);
        glBindBuffer(GL_ARRAY_BUFFER, g->vbo[i * 4 + 0]);
        glBufferSubData(GL_ARRAY_BUFFER, 0, n, m->meshes[i].positions);
        glBindBuffer(GL_ARRAY_BUFFER, g->vbo[i * 4 + 1]);
        glBufferSubData(GL_ARRAY_BUFFER, 0, n, m->meshes[i].normals);
    }
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    return VT_OK;
}

/* vt_render_draw.c — one frame: the camera image as background, the 2-D overlay (batched, drawn
 * last), the MSAA resolve, read-back and, in a window, the letterboxed blit to the screen. */
#include "vt_render_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void vt_render_depth_range(vt_renderer *r, float znear, float zfar)
{
    r->znear = znear;
    r->zfar = zfar;
}

vt_result vt_render_prepare_frame(const vt_image *bgr, vt_image *out, char *err, size_t errlen)
{
    if (!bgr || !bgr->data || bgr->format != VT_PIX_BGR8) {
        snprintf(err, errlen, _("a frame to prepare for the GL must be BGR8"));
        return VT_ERR_ARG;
    }
    if (!out->data || out->width != bgr->width || out->height != bgr->height) {
        vt_image_free(out);
        vt_result res = vt_image_alloc(out, VT_PIX_RGBA8_GL, bgr->width, bgr->height);
        if (res != VT_OK) { snprintf(err, errlen, _("no memory for a %dx%d frame"), bgr->width, bgr->height); return res; }
    }
    out->format = VT_PIX_RGBA8_GL;
    /* GL's first row is the bottom one: the image's last row goes first. */
    for (int y = 0; y < bgr->height; y++) {
        const uint8_t *s = vt_image_row(bgr, bgr->height - 1 - y);
        uint8_t *d = vt_image_row(out, y);
        int x = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        /* Four pixels at a time: three words in, four out (byte by byte is several times slower). */
        for (; x + 4 <= bgr->width; x += 4, s += 12, d += 16) {
            uint32_t p[3], q[4];
            memcpy(p, s, 12);
            q[0] = (p[0] >> 16 & 0xFF) | (p[0] & 0xFF00) | (p[0] << 16 & 0xFF0000);
            q[1] = (p[1] >> 8 & 0xFF) | (p[1] << 8 & 0xFF00) | (p[0] >> 8 & 0xFF0000);
            q[2] = (p[2] & 0xFF) | (p[1] >> 16 & 0xFF00) | (p[1] & 0xFF0000);
            q[3] = (p[2] >> 24) | (p[2] >> 8 & 0xFF00) | (p[2] << 8 & 0xFF0000);
            for (int k = 0; k < 4; k++) q[k] |= 0xFF000000u;
            memcpy(d, q, 16);
        }
#endif
        for (; x < bgr->width; x++, s += 3, d += 4) {
            d[0] = s[2];
            d[1] = s[1];
            d[2] = s[0];
            d[3] = 255;
        }
    }
    return VT_OK;
}

/* A prepared frame of the target's size: copied in by a blit (no shading). */
static void copy_background(vt_renderer *r, const vt_image *rgba)
{
    glBindTexture(GL_TEXTURE_2D, r->bg_tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, rgba->stride / 4);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, rgba->width, rgba->height, GL_RGBA, GL_UNSIGNED_BYTE, rgba->data);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    GLint draw = 0;
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &draw);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, r->bg_fbo);
    glBlitFramebuffer(0, 0, rgba->width, rgba->height, 0, 0, rgba->width, rgba->height, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    glBindFramebuffer(GL_FRAMEBUFFER, (GLuint)draw);
}

static void draw_background(vt_renderer *r, const vt_image *bgr)
{
    if (bgr->format == VT_PIX_RGBA8_GL) {
        copy_background(r, bgr);
        return;
    }
    glBindTexture(GL_TEXTURE_2D, r->bg_tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, bgr->stride / 3);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, bgr->width, bgr->height, GL_BGR, GL_UNSIGNED_BYTE, bgr->data);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glUseProgram(r->bg_prog);
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(r->bg_vao);
    glDrawArrays(GL_TRIANGLES, 0, 6);
}

void vt_render_pass_mark(vt_renderer *r, int pass)
{
    if (!r->desc.time_passes) return;
    glFinish();
    uint64_t t = vt_now_ns();
    if (pass >= 0) r->pass_ms[pass] += (double)(t - r->pass_t) / 1e6;
    r->pass_t = t;
}

void vt_render_pass_times(const vt_renderer *r, double ms[VT_RENDER_PASSES])
{
    memcpy(ms, r->pass_ms, sizeof r->pass_ms);
}

void vt_render_begin(vt_renderer *r, const vt_image *bgr, const vt_camera *cam)
{
    vt_render_make_current(r);
    vt_render_pass_mark(r, -1);
    glBindFramebuffer(GL_FRAMEBUFFER, r->fbo_ms ? r->fbo_ms : r->fbo);
    glViewport(0, 0, r->desc.width, r->desc.height);
    glClearColor(0, 0, 0, 1);
    /* The camera frame covers every pixel: clearing the colour too would write the frame twice. */
    /* (a prepared frame of another size than the target cannot be copied in: black instead) */
    int video = bgr && bgr->data && (bgr->format != VT_PIX_RGBA8_GL || (bgr->width == r->desc.width && bgr->height == r->desc.height));
    glClear((video ? 0 : GL_COLOR_BUFFER_BIT) | GL_DEPTH_BUFFER_BIT | GL_STENCIL_BUFFER_BIT);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_BLEND);
    glDisable(GL_CULL_FACE);
    if (video) draw_background(r, bgr);
    vt_render_pass_mark(r, VT_RENDER_PASS_VIDEO);
    vt_render_projection(cam, r->desc.width, r->desc.height, r->znear > 0 ? r->znear : 0.01f, r->zfar > 0 ? r->zfar : 100.0f,
                         r->proj);
    r->ui_count = 0;
    r->ncmds = 0;
    vt_render_text_frame(r);
}

/* ---- the 2-D overlay ---- */
static void ui_vert(vt_renderer *r, float x, float y, float u, float v, GLuint tex, const float c[4])
{
    if (r->ui_count >= VT_MAX_UI_VERTS) {
        if (!r->ui_overflow_warned) VT_WARN("render", "more than %d overlay vertices in a frame: the rest is not drawn", VT_MAX_UI_VERTS);
        r->ui_overflow_warned = 1;
        return;
    }
    r->ui_tex[r->ui_count] = tex;
    float *p = &r->ui_verts[r->ui_count++ * 8];
    p[0] = x; p[1] = y; p[2] = u; p[3] = v;
    memcpy(p + 4, c, 4 * sizeof(float));
}

void vt_render_ui_quad(vt_renderer *r, float x0, float y0, float x1, float y1, float u0, float v0, float u1, float v1,
                       GLuint tex, const float c[4])
{
    if (r->ui_count + 6 > VT_MAX_UI_VERTS) {   /* whole quads only */
        if (!r->ui_overflow_warned) VT_WARN("render", "more than %d overlay vertices in a frame: the rest is not drawn", VT_MAX_UI_VERTS);
        r->ui_overflow_warned = 1;
        return;
    }
    ui_vert(r, x0, y0, u0, v0, tex, c); ui_vert(r, x1, y0, u1, v0, tex, c); ui_vert(r, x1, y1, u1, v1, tex, c);
    ui_vert(r, x0, y0, u0, v0, tex, c); ui_vert(r, x1, y1, u1, v1, tex, c); ui_vert(r, x0, y1, u0, v1, tex, c);
}

void vt_render_rect(vt_renderer *r, float x, float y, float w, float h, const float rgba[4])
{
    vt_render_ui_quad(r, x, y, x + w, y + h, -1, -1, -1, -1, 0, rgba);
}

void vt_render_line(vt_renderer *r, float x0, float y0, float x1, float y1, float width, const float c[4])
{
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    if (len < 1e-3f || r->ui_count + 6 > VT_MAX_UI_VERTS) return;
    float nx = -dy / len * width * 0.5f, ny = dx / len * width * 0.5f;
    ui_vert(r, x0 + nx, y0 + ny, -1, -1, 0, c); ui_vert(r, x1 + nx, y1 + ny, -1, -1, 0, c); ui_vert(r, x1 - nx, y1 - ny, -1, -1, 0, c);
    ui_vert(r, x0 + nx, y0 + ny, -1, -1, 0, c); ui_vert(r, x1 - nx, y1 - ny, -1, -1, 0, c); ui_vert(r, x0 - nx, y0 - ny, -1, -1, 0, c);
}

/* The overlay in runs of plain rectangles (vertex colour only) and of text (one texture per
 * string), each run with its own program and texture, in the order drawn. One program for both
 * would sample a texture for every rectangle pixel too: a software rasterizer runs both sides of
 * the shader's branch. */
static void flush_ui(vt_renderer *r)
{
    if (!r->ui_count) return;
    glDisable(GL_DEPTH_TEST);
    glEnable(GL_BLEND);
    glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(r->ui_vao);
    glBindBuffer(GL_ARRAY_BUFFER, r->ui_vbo);
    glBufferSubData(GL_ARRAY_BUFFER, 0, (GLsizeiptr)r->ui_count * 8 * (GLsizeiptr)sizeof(float), r->ui_verts);
    GLuint bound = 0, bound_tex = 0;
    for (int start = 0; start < r->ui_count;) {   /* triangles of 3 vertices, one texture (or none) each */
        GLuint tex = r->ui_tex[start];
        int end = start + 3;
        while (end < r->ui_count && r->ui_tex[end] == tex) end += 3;
        GLuint prog = tex ? r->ui_prog : r->rect_prog;
        if (prog != bound) glUseProgram(bound = prog);
        if (tex && tex != bound_tex) glBindTexture(GL_TEXTURE_2D, bound_tex = tex);
        glDrawArrays(GL_TRIANGLES, start, (end > r->ui_count ? r->ui_count : end) - start);
        start = end;
    }
    glBindVertexArray(0);
    r->ui_count = 0;
}

/* ---- the end of a frame ---- */
static void read_back(vt_renderer *r, vt_image *rgba)
{
    glBindFramebuffer(GL_READ_FRAMEBUFFER, r->fbo);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glPixelStorei(GL_PACK_ROW_LENGTH, rgba->stride / 4);
    /* GL's first row is the bottom one: Mesa reads top row first itself (MESA_pack_invert), which
     * saves swapping every row afterwards. */
    if (r->pack_invert) glPixelStorei(GL_PACK_INVERT_MESA, GL_TRUE);
    glReadPixels(0, 0, r->desc.width, r->desc.height, GL_RGBA, GL_UNSIGNED_BYTE, rgba->data);
    glPixelStorei(GL_PACK_ROW_LENGTH, 0);
    if (r->pack_invert) {
        glPixelStorei(GL_PACK_INVERT_MESA, GL_FALSE);
        return;
    }
    size_t n = (size_t)r->desc.width * 4;
    for (int y = 0; y < r->desc.height / 2; y++) {
        uint8_t *a = vt_image_row(rgba, y), *b = vt_image_row(rgba, r->desc.height - 1 - y);
        memcpy(r->row_tmp, a, n); memcpy(a, b, n); memcpy(b, r->row_tmp, n);
    }
}

static void show_in_window(vt_renderer *r)
{
    int ww, wh, dx, dy, dw, dh;
    float s;
    glfwGetFramebufferSize(r->window, &ww, &wh);
    /* Letterbox: the video keeps its aspect ratio in any window shape. */
    vt_render_letterbox(r, ww, wh, &s, &dx, &dy, &dw, &dh);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, r->fbo);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, 0);
    glViewport(0, 0, ww, wh);
    glClearColor(0, 0, 0, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    glBlitFramebuffer(0, 0, r->desc.width, r->desc.height, dx, dy, dx + dw, dy + dh, GL_COLOR_BUFFER_BIT, GL_LINEAR);
    glfwSwapBuffers(r->window);
}

vt_result vt_render_end(vt_renderer *r, vt_image *rgba)
{
    vt_result res = VT_OK;
    vt_render_flush_3d(r);
    flush_ui(r);
    vt_render_pass_mark(r, VT_RENDER_PASS_OVERLAY);
    if (r->fbo_ms) {   /* resolve the samples into the frame that is read back and shown */
        glBindFramebuffer(GL_READ_FRAMEBUFFER, r->fbo_ms);
        glBindFramebuffer(GL_DRAW_FRAMEBUFFER, r->fbo);
        glBlitFramebuffer(0, 0, r->desc.width, r->desc.height, 0, 0, r->desc.width, r->desc.height, GL_COLOR_BUFFER_BIT,
                          GL_NEAREST);
    }
    if (rgba && rgba->data) {
        if (rgba->width != r->desc.width || rgba->height != r->desc.height || rgba->stride < r->desc.width * 4 ||
            rgba->stride % 4) {
            VT_ERROR("render", "read-back image is %dx%d (stride %d), the frame %dx%d RGBA: not read back", rgba->width,
                     rgba->height, rgba->stride, r->desc.width, r->desc.height);
            res = VT_ERR_ARG;
        } else {
            read_back(r, rgba);
        }
    }
    if (r->window) show_in_window(r);
    else glFinish();
    vt_render_pass_mark(r, VT_RENDER_PASS_READ);
    return res;
}

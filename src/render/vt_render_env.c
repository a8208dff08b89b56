/* vt_render_env.c — the studio environment the models are lit by: an equirectangular radiance
 * map with blurrier mips for rougher surfaces, and its diffuse irradiance as nine spherical-
 * harmonic coefficients.
 *
 * A neutral photo studio, in the frame the shaders use (+y up, +z towards the viewer): grey walls
 * lighter above, a darker floor, and four softboxes — a large key above-left in front, a broad
 * one overhead, a fill on the right and a rim behind. Grey, so it never tints a product. */
#include "vt_render_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ENV_W 256
#define ENV_H 128

const float vt_studio_key_dir[3] = { -0.55f, 0.55f, 0.62f };

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
    return bg + softbox(d, vt_studio_key_dir, 24, 5.0f) + softbox(d, top, 32, 2.2f) + softbox(d, fill, 28, 1.3f) +
           softbox(d, rim, 16, 2.6f);
}

/* Mip 0 drawn from the studio (three equal channels per texel). */
static void draw_studio(float *cur, int w, int h)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            /* Inverse of the shader's lookup: u = atan(d.x, -d.z) / 2pi + 0.5, v = acos(d.y) / pi. */
            float phi = ((x + 0.5f) / w - 0.5f) * 2 * (float)M_PI, th = (y + 0.5f) / h * (float)M_PI;
            float d[3] = { sinf(th) * sinf(phi), cosf(th), -sinf(th) * cosf(phi) };
            float v = studio(d);
            for (int c = 0; c < 3; c++) cur[(y * w + x) * 3 + c] = v;
        }
}

/* Diffuse light from it as 9 spherical-harmonic coefficients, already convolved with the cosine
 * lobe (Ramamoorthi and Hanrahan 2001): the shader evaluates a polynomial of the normal instead
 * of a second texture look-up. */
static void irradiance_sh(const float *cur, int w, int h, float out[9])
{
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
    for (int k = 0; k < 9; k++) out[k] = (float)(sh[k] * band[k] / M_PI);
}

/* One 8-bit channel, radiance / VT_ENV_SCALE: the studio is grey, and a software renderer samples
 * this several times faster than a float texture. */
static void upload_level(const float *cur, uint8_t *bytes, int level, int w, int h)
{
    for (int i = 0; i < w * h; i++) {
        float q = cur[i * 3] / VT_ENV_SCALE * 255.0f + 0.5f;
        bytes[i] = (uint8_t)(q > 255 ? 255 : q);
    }
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, level, GL_R8, w, h, 0, GL_RED, GL_UNSIGNED_BYTE, bytes);
}

/* cur (w x h) halved into tmp, then two passes of a 3x3 blur wrapping around in longitude; the
 * result is left in both cur and tmp (nw x nh). */
static void next_level(float *cur, float *tmp, int w, int h)
{
    int nw = w / 2, nh = h / 2;
    for (int y = 0; y < nh; y++)
        for (int x = 0; x < nw; x++)
            for (int c = 0; c < 3; c++)
                tmp[(y * nw + x) * 3 + c] = 0.25f * (cur[((2 * y) * w + 2 * x) * 3 + c] + cur[((2 * y) * w + 2 * x + 1) * 3 + c] +
                                                     cur[((2 * y + 1) * w + 2 * x) * 3 + c] + cur[((2 * y + 1) * w + 2 * x + 1) * 3 + c]);
    w = nw;
    h = nh;
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

/* Each mip halves and blurs the one before, standing in for the glossier-to-rougher prefiltering
 * of image-based lighting (the shader picks the mip by roughness). */
vt_result vt_render_env_build(vt_renderer *r, char *err, size_t errlen)
{
    int w = ENV_W, h = ENV_H;
    float *cur = malloc(sizeof(float) * 3 * w * h), *tmp = malloc(sizeof(float) * 3 * w * h);
    uint8_t *bytes = malloc((size_t)w * h);
    if (!cur || !tmp || !bytes) {
        free(cur); free(tmp); free(bytes);
        snprintf(err, errlen, _("no memory for the studio environment"));
        return VT_ERR_NO_MEMORY;
    }
    draw_studio(cur, w, h);
    irradiance_sh(cur, w, h, r->env_sh);
    vt_render_set_room_light(r, NULL);
    glGenTextures(1, &r->env_tex);
    glBindTexture(GL_TEXTURE_2D, r->env_tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    for (int level = 0; level < VT_ENV_LEVELS; level++) {
        upload_level(cur, bytes, level, w, h);
        if (level == VT_ENV_LEVELS - 1) break;
        next_level(cur, tmp, w, h);
        w /= 2;
        h /= 2;
    }
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_BASE_LEVEL, 0);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, VT_ENV_LEVELS - 1);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_REPEAT);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    free(cur);
    free(tmp);
    free(bytes);
    return VT_OK;
}

/* The studio lights a white surface to about 0.8 of full scale, linear (sRGB 231): it stands
 * for a room whose white surfaces the camera sees at that. Within the clamps a room's light
 * scales the studio's by the frame's white over that, tints it by the white's colour (each
 * channel against its luminance: a frame all of one wall's colour tints, not paints, the product)
 * and tilts it by the frame's gradient, relative to its mean and cosine-convolved (2/3 for a
 * first-order harmonic). */
#define ROOM_WHITE 0.8f
#define ROOM_GAIN_MIN 0.15f
#define ROOM_GAIN_MAX 2.0f
#define ROOM_TINT_MIN 0.5f
#define ROOM_TINT_MAX 2.0f

void vt_render_set_room_light(vt_renderer *r, const vt_room_light *l)
{
    static const float studio[3][3] = { { 1, 1, 1 }, { 0, 0, 0 }, { 0, 0, 0 } };
    const float *v = l ? l->white : NULL;
    float lum = v ? 0.2126f * v[0] + 0.7152f * v[1] + 0.0722f * v[2] : 0;
    if (lum <= 0) { memcpy(r->room, studio, sizeof r->room); return; }   /* none estimated: the studio */
    float gain = lum / ROOM_WHITE;
    gain = gain < ROOM_GAIN_MIN ? ROOM_GAIN_MIN : gain > ROOM_GAIN_MAX ? ROOM_GAIN_MAX : gain;
    for (int c = 0; c < 3; c++) {
        float tint = v[c] / lum;
        tint = tint < ROOM_TINT_MIN ? ROOM_TINT_MIN : tint > ROOM_TINT_MAX ? ROOM_TINT_MAX : tint;
        float ambient = gain * tint, level = l->level[c];
        r->room[0][c] = ambient;
        for (int a = 0; a < 2; a++) r->room[1 + a][c] = level > 0 ? ambient * (2.0f / 3.0f) * l->grad[a][c] / level : 0;
    }
}

/* The sheen layer's directional albedo E(NdotV, roughness): the Charlie distribution with
 * Neubelt's visibility (KHR_materials_sheen) integrated over the hemisphere of light directions,
 * numerically, once. The shader scales the layer under the sheen by 1 - E and lights the sheen
 * itself by it. Rows: roughness 0..1; columns: NdotV 0..1 (cell centres). */
#define SHEEN_LUT 32

static float charlie(float nh, float alpha)
{
    float inv = 1 / alpha, s2 = fmaxf(1 - nh * nh, 1e-6f);
    return (2 + inv) * powf(s2, 0.5f * inv) / (2 * (float)M_PI);
}

static float sheen_albedo(float nv, float rough)
{
    enum { NT = 64, NP = 32 };
    float alpha = fmaxf(rough * rough, 0.01f), v[3] = { sqrtf(1 - nv * nv), 0, nv }, sum = 0;
    for (int i = 0; i < NT; i++) {
        float nl = (i + 0.5f) / NT, sl = sqrtf(1 - nl * nl);   /* uniform in cos: dw = dcos dphi */
        for (int j = 0; j < NP; j++) {
            float ph = (float)M_PI * (j + 0.5f) / NP;   /* one half; the other is its mirror */
            float l[3] = { sl * cosf(ph), sl * sinf(ph), nl }, h[3] = { l[0] + v[0], l[1] + v[1], l[2] + v[2] };
            float hn = sqrtf(h[0] * h[0] + h[1] * h[1] + h[2] * h[2]);
            float vis = 1 / (4 * (nl + nv - nl * nv));
            sum += charlie(h[2] / hn, alpha) * vis * nl;
        }
    }
    return sum * (1.0f / NT) * (2 * (float)M_PI / NP);
}

GLuint vt_render_table_texture(GLint internal, int w, int h, GLenum format, GLenum type, const void *data)
{
    GLuint t;
    glGenTextures(1, &t);
    glBindTexture(GL_TEXTURE_2D, t);
    glTexImage2D(GL_TEXTURE_2D, 0, internal, w, h, 0, format, type, data);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    return t;
}

vt_result vt_render_sheen_lut_build(vt_renderer *r)
{
    float *lut = malloc(sizeof(float) * SHEEN_LUT * SHEEN_LUT);
    if (!lut) return VT_ERR_NO_MEMORY;
    for (int y = 0; y < SHEEN_LUT; y++)
        for (int x = 0; x < SHEEN_LUT; x++) {
            float e = sheen_albedo((x + 0.5f) / SHEEN_LUT, (y + 0.5f) / SHEEN_LUT);
            lut[y * SHEEN_LUT + x] = e < 0 ? 0 : e > 1 ? 1 : e;
        }
    r->sheen_lut = vt_render_table_texture(GL_R32F, SHEEN_LUT, SHEEN_LUT, GL_RED, GL_FLOAT, lut);
    free(lut);
    return VT_OK;
}

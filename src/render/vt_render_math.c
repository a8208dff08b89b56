/* vt_render_math.c — the geometry between a pose and the GL frame: the projection from camera
 * intrinsics, a product's placement on its marker, and the projection of a point. No GL. */
#include "render/vt_render.h"

#include <cglm/cglm.h>
#include <math.h>
#include <string.h>

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

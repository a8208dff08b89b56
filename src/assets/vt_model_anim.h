/* vt_model_anim.h — internal to assets/: a model's animation taken from assimp's scene. */
#ifndef VT_MODEL_ANIM_H
#define VT_MODEL_ANIM_H
#include "assets/vt_assets.h"

struct aiScene;
/* m->anim from the scene when anything in it moves (NULL otherwise), m's meshes and instances
 * already read; the model is left in its rest pose. VT_ERR_NO_MEMORY / VT_ERR_FORMAT (too many
 * keys) with err naming the file; m->anim is then freed with the model. */
vt_result vt_anim_build(const struct aiScene *sc, vt_model *m, char *err, size_t errlen);
/* The pose's scratch arrays for an animation read whole (vt_anim_build; the isolated loader). */
vt_result vt_anim_scratch(vt_anim *a, int mesh_count);
/* m->anim as bytes (*bytes malloc'd; none when m does not move) and back: unpack reads them
 * onto a model whose meshes and instances are in place, checking every count, index and float;
 * VT_ERR_FORMAT when they do not hold together (m->anim is then freed with the model). */
/* out = a b, column-major 4 x 4 (out may be a or b). vt_model_pose.c. */
void vt_mat4_mul(const float a[16], const float b[16], float out[16]);
vt_result vt_anim_pack(const vt_model *m, uint8_t **bytes, size_t *n);
vt_result vt_anim_unpack(vt_model *m, const uint8_t *bytes, size_t n);
#endif

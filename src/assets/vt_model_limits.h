/* vt_model_limits.h — internal to assets/: every limit a model file must keep, in one place
 * (listed with the figures measured in docs/reliability.md, "Limits: models"). A file past one is
 * refused with one line naming it, before the library that would choke on it sees it. */
#ifndef VT_MODEL_LIMITS_H
#define VT_MODEL_LIMITS_H

/* Any one file a model reads: the model, a glTF buffer (.bin), an OBJ's .mtl, a texture. */
#define VT_MODEL_MAX_FILE_BYTES (256.0 * 1024 * 1024)
/* The node graph: assimp walks it recursively, about 1 KB of stack a level. */
#define VT_MODEL_MAX_NODES 10000
#define VT_MODEL_MAX_DEPTH 128
/* One mesh (a glTF mesh, the part of an OBJ between o/g/usemtl lines). */
#define VT_MODEL_MAX_MESH_VERTICES 2000000
#define VT_MODEL_MAX_MESH_FACES 4000000
#define VT_MODEL_MAX_MESH_INDICES (3.0 * VT_MODEL_MAX_MESH_FACES)
#define VT_MODEL_MAX_MESHES 10000
/* Corners of one polygon (an OBJ face; assimp triangulates it). */
#define VT_MODEL_MAX_POLYGON_INDICES 256
/* Textures: read from the PNG/JPEG header before decoding. Past the soft cap a side is
 * downscaled (with a warning) so that it also fits every GPU's GL_MAX_TEXTURE_SIZE; past the
 * hard limit the file is refused (decoding it alone would take hundreds of MB). */
#define VT_MODEL_TEXTURE_SOFT_CAP 4096
#define VT_MODEL_TEXTURE_HARD_LIMIT 8192
/* What a whole model may allocate, estimated from the declared sizes: the files read, and per
 * vertex and triangle what assimp and vt_model hold (measured, docs/reliability.md). */
#define VT_MODEL_MAX_BYTES (1024.0 * 1024 * 1024)
#define VT_MODEL_BYTES_PER_VERTEX 160.0
#define VT_MODEL_BYTES_PER_TRIANGLE 64.0
/* Animation: keyframe times and values (floats) a model may hold, each (200 MB). */
#define VT_MODEL_MAX_ANIM_VALUES 50000000

#endif

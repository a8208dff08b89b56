/* vt_model_io.h — internal to assets/: how model files are read. Only regular files: each is
 * opened non-blocking and checked on the opened descriptor (fstat), so a FIFO, device, folder or
 * socket named as a model, .mtl, .bin or texture is refused at once instead of blocking, and
 * none is larger than VT_MODEL_MAX_FILE_BYTES. assimp reads through vt_model_io too. */
#ifndef VT_MODEL_IO_H
#define VT_MODEL_IO_H

#include "core/vt_core.h"
#include "vt_assets.h"

#include <assimp/cfileio.h>

/* Opens path; VT_OK with *fd (the caller closes it) and *size. Otherwise err holds what is wrong
 * with the file, without its name ("is a FIFO (named pipe), not a regular file"):
 * VT_ERR_NOT_FOUND, VT_ERR_IO, VT_ERR_ARG (refused: not a regular file, or too big), VT_ERR_FORMAT
 * (empty). */
vt_result vt_model_open(const char *path, int *fd, size_t *size, char *err, size_t errlen);
/* The whole file, NUL-terminated (*data is the caller's to free), through vt_model_open. */
vt_result vt_model_read(const char *path, char **data, size_t *len, char *err, size_t errlen);

/* assimp's file system for one import: every file it opens goes through vt_model_open. The
 * first file refused (other than a missing one) is kept as "NAME: reason" for the message. */
typedef struct vt_model_io {
    struct aiFileIO io;
    char refused[400];
    const char *mem_path;   /* optional: the file of this name is read from mem (mem_len bytes), */
    const char *mem;        /* not from disk (a model rewritten for a material variant) */
    size_t mem_len;
} vt_model_io;
void vt_model_io_init(vt_model_io *io);

/* vt_model_load with the model file's bytes given (n of them; mem NULL: read from path); files
 * beside it (buffers, textures) are still read relative to path. vt_assets.c. */
vt_result vt_model_load_bytes(const char *path, const char *mem, size_t n, vt_model **out, char *err, size_t errlen);

#endif

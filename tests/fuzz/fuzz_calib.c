/* fuzz_calib.c — libFuzzer target: the calibration-file reader (OpenCV FileStorage YAML/XML/JSON
 * through vt_camera_load) on arbitrary bytes. */
#include "vision/vt_vision.h"

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The reader takes a path, as --calib does; the first byte picks the extension. */
    static const char *const ext[] = { "yml", "xml", "json" };
    char path[64];
    snprintf(path, sizeof path, "/dev/shm/vt_fuzz_calib_%d.%s", (int)getpid(), ext[size ? data[0] % 3 : 0]);
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    if (size > 1) fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    vt_camera cam;
    char err[512];
    if (vt_camera_load(path, &cam, err, sizeof err) == VT_OK) (void)vt_camera_for_size(&cam, 640, 480);
    unlink(path);
    return 0;
}

/* console_live.c — GET /api/v1/live.jpg: what the screen shows, as a JPEG (libjpeg), encoded on
 * the console's thread once per frame the display offered (at most five a second: the display
 * offers one only while a viewer asks, vt_console_wants_frame). */
#include "console_media.h"

#include <jpeglib.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIVE_QUALITY 80

typedef struct jpeg_fail {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
} jpeg_fail;

static void on_error(j_common_ptr cinfo)
{
    jpeg_fail *f = (jpeg_fail *)cinfo->err;
    longjmp(f->jump, 1);
}

static void on_message(j_common_ptr cinfo) { (void)cinfo; }   /* libjpeg's warnings stay quiet */

unsigned char *console_jpeg_encode(const unsigned char *rgba, int w, int h, size_t *len)
{
    struct jpeg_compress_struct ci;
    jpeg_fail fail;
    unsigned char *volatile out = NULL;
    unsigned long n = 0;
    unsigned char *row = malloc((size_t)w * 3);
    if (!row) return NULL;
    ci.err = jpeg_std_error(&fail.mgr);
    fail.mgr.error_exit = on_error;
    fail.mgr.output_message = on_message;
    if (setjmp(fail.jump)) {
        jpeg_destroy_compress(&ci);
        free(out);
        free(row);
        return NULL;
    }
    jpeg_create_compress(&ci);
    unsigned char *mem = NULL;
    jpeg_mem_dest(&ci, &mem, &n);
    ci.image_width = (JDIMENSION)w;
    ci.image_height = (JDIMENSION)h;
    ci.input_components = 3;
    ci.in_color_space = JCS_RGB;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, LIVE_QUALITY, TRUE);
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < ci.image_height) {
        const unsigned char *src = rgba + (size_t)ci.next_scanline * w * 4;
        for (int x = 0; x < w; x++) memcpy(row + x * 3, src + x * 4, 3);
        JSAMPROW rp = row;
        jpeg_write_scanlines(&ci, &rp, 1);
    }
    jpeg_finish_compress(&ci);
    out = mem;
    jpeg_destroy_compress(&ci);
    free(row);
    *len = n;
    return out;
}

/* The cached JPEG of the latest frame copied into rs (1), or 0 when it is not the latest. */
static int send_cached(console_media *m, console_resp *rs)
{
    int ok = m->jpeg && m->jseq == m->fseq;
    if (ok) console_resp_copy(rs, 200, "image/jpeg", m->jpeg, m->jlen);
    return ok;
}

void console_api_live(vt_console *c, console_req *rq, console_resp *rs)
{
    (void)rq;
    console_media *m = c->media;
    if (!c->d.display) {
        console_resp_error(rs, 503, _("no live picture: this console is not served by a display (vitrine run --console)"));
        return;
    }
    atomic_store(&m->live_asked_ns, vt_now_ns());   /* the display offers frames from now on */
    pthread_mutex_lock(&m->mu);
    if (send_cached(m, rs)) {
        pthread_mutex_unlock(&m->mu);
        return;
    }
    int w = m->fw, h = m->fh;
    uint64_t seq = m->fseq;
    unsigned char *copy = seq ? malloc((size_t)w * h * 4) : NULL;
    if (copy) memcpy(copy, m->frame, (size_t)w * h * 4);
    pthread_mutex_unlock(&m->mu);
    if (!seq) {
        console_resp_error(rs, 503, _("no picture from the display yet: try again in a moment"));
        console_resp_header(rs, "Retry-After", "1");
        return;
    }
    size_t len = 0;
    unsigned char *jpg = copy ? console_jpeg_encode(copy, w, h, &len) : NULL;   /* outside the lock */
    free(copy);
    if (!jpg) {
        console_resp_error(rs, 503, _("out of memory"));
        return;
    }
    console_resp_copy(rs, 200, "image/jpeg", jpg, len);
    pthread_mutex_lock(&m->mu);
    if (seq > m->jseq) {   /* kept for the next viewer of the same frame */
        free(m->jpeg);
        m->jpeg = jpg;
        m->jlen = len;
        m->jseq = seq;
        jpg = NULL;
    }
    pthread_mutex_unlock(&m->mu);
    free(jpg);
}

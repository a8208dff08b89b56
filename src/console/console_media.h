/* console_media.h — inside the console's media part (console_media.c, console_live.c,
 * console_self.c, console_models.c, console_models_list.c): the display's figures and its latest
 * frame as the console keeps them, and the helpers the models part shares. Private to src/console. */
#ifndef VT_CONSOLE_MEDIA_H
#define VT_CONSOLE_MEDIA_H

#include "console.h"

#include "catalog/vt_catalog.h"

#include <stdatomic.h>

/* Room for a path under the catalog's or the state folder (each up to CONSOLE_PATH) and a name. */
#define MEDIA_PATH (CONSOLE_PATH + 256)
#define MEDIA_STAFF_MAX 16      /* staff messages kept from the display */
#define MEDIA_LIVE_MAX_W 960    /* the live picture at most this wide */
#define MEDIA_LIVE_ASK_NS 3000000000ull    /* a viewer counts as watching for 3 s after asking */
#define MEDIA_LIVE_EVERY_NS 200000000ull   /* at most five frames a second offered */

typedef struct console_media {
    pthread_mutex_t mu;         /* the figures and the frame below */
    /* the display's figures (vt_console_set_status) */
    int have_status;
    double fps;
    char camera[32], source[256], catalog_error[1024];
    int width, height, products_seen;
    char capture[512];          /* "" for a file or the demo */
    long dropped;
    int reconnects;
    double latency_ms;
    vt_staff_msg staff[MEDIA_STAFF_MAX];
    int nstaff;
    /* on the shop network: kiosk "" when not */
    char net_kiosk[64], net_store[64], net_error[256];
    int net_connected, net_catalog_version, net_reconnects;
    long long net_pending, net_shipped;
    /* the latest frame offered, RGBA8 top row first, scaled down; seq counts offers */
    unsigned char *frame;
    int fw, fh;
    size_t fcap;
    uint64_t fseq;
    unsigned char *scratch;     /* the display thread's own, scaled into without the lock */
    size_t scap;
    /* its JPEG, encoded on a console thread for one frame (jseq) */
    unsigned char *jpeg;
    size_t jlen;
    uint64_t jseq;
    _Atomic uint64_t live_asked_ns, offered_ns;
    /* the catalog as last checked for status (by its mtime) */
    long long cat_mtime_ns;
    int cat_products;
    char cat_problem[1024];
    /* models: one index writer at a time, one thumbnail rendered at a time */
    pthread_mutex_t models_mu, thumb_mu;
} console_media;

/* console_self.c: console_run_self with what the child wrote on stderr (the last out_len - 1
 * bytes of it) into out (may be NULL). 0 when it exited 0; -N when it exited N (N > 0); -1 when
 * it could not start, was killed or ended on a signal; err says why. */
int console_run_self_out(vt_console *c, const char *const *args, double timeout_s, char *out, size_t out_len, char *err,
                         size_t errlen);

/* console_live.c: the live picture's JPEG of an RGBA8 image (quality 80); malloc'd, NULL on failure. */
unsigned char *console_jpeg_encode(const unsigned char *rgba, int w, int h, size_t *len);

/* console_models_list.c */
/* Renders MODEL's thumbnail into png (`vitrine view MODEL --headless --out PNG --size 320x240`);
 * the view's warnings (one line each, without the file name) into warn (may be NULL). 0, or -1 with err. */
int console_model_thumbnail(vt_console *c, const char *model, const char *png, cJSON *warn, char *err, size_t errlen);
/* <catalog dir>/console-models into out. */
void console_models_dir(const vt_console *c, char *out, size_t len);
/* The uploads' index (state_dir/models.json) read: {"models":[...]}, never NULL but out of memory. */
cJSON *console_models_index(vt_console *c);

#endif

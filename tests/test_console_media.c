/* test_console_media.c — the console's media part through its handlers (issue 19), on a console
 * without a socket (desc.no_listen): real models uploaded from ../shared/real/models (a GLB, a
 * self-contained .gltf made from BoxTextured's files, an OBJ) are stored under generated names with
 * a thumbnail that Vitrine rendered and that shows the model; a .gltf with external files, a PNG
 * named .glb and malformed models from the suites are refused with the reason and leave nothing; a
 * traversal name never becomes a path; the catalog's models are listed with their products and get
 * a thumbnail; markers.pdf for two products has two pages; live.jpg is the offered frame, scaled
 * and the right way up; status carries the display's figures. */
#include "assets/vt_assets.h"
#include "console.h"
#include "test_util.h"

#include <cairo/cairo.h>
#include <dirent.h>
#include <jpeglib.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char g_tmp[512], g_cat[600], g_models[700];
static vt_console *g_c;

static void resp_free(console_resp *rs) { console_resp_free(rs); }

/* One handler called as the route would, with the request's parts. */
typedef void (*handler)(vt_console *, console_req *, console_resp *);
static void call(handler fn, const char *method, const char *path, const char *query, const char *param, console_resp *rs)
{
    static const char *const none[] = { NULL };
    console_req rq = { .method = method, .path = path, .query = query ? query : "", .headers = none, .body = "",
                       .client = "127.0.0.1", .param = param };
    console_resp_init(rs);
    fn(g_c, &rq, rs);
}

/* Uploads data under the client's name: the handler's response in rs (the body parsed into *j). */
static int upload(const void *data, size_t n, const char *name, console_resp *rs, cJSON **j)
{
    char tmp[700], query[600];
    snprintf(tmp, sizeof tmp, "%s/state/upload-XXXXXX", g_tmp);
    int fd = mkstemp(tmp);
    if (fd < 0 || write(fd, data, n) != (ssize_t)n) return -1;
    close(fd);
    char enc[500] = "";
    for (size_t i = 0, o = 0; name[i] && o + 4 < sizeof enc; i++)
        o += (size_t)snprintf(enc + o, sizeof enc - o, strchr("/. _-", name[i]) || (name[i] >= 'a' && name[i] <= 'z') ? "%c" : "%%%02X",
                              (unsigned char)name[i]);
    snprintf(query, sizeof query, "name=%s", enc);
    static const char *const none[] = { NULL };
    console_req rq = { .method = "POST", .path = "/api/v1/models", .query = query, .headers = none, .body = "",
                       .upload_path = tmp, .upload_len = n, .client = "127.0.0.1" };
    console_resp_init(rs);
    console_api_model_upload(g_c, &rq, rs);
    unlink(tmp);
    *j = cJSON_ParseWithLength((const char *)rs->body, rs->len);
    return rs->status;
}

static int upload_file(const char *path, const char *name, console_resp *rs, cJSON **j)
{
    size_t n = 0;
    char *d = NULL, err[256];
    if (vt_read_file(path, &d, &n, err, sizeof err) != VT_OK) return -1;
    int st = upload(d, n, name, rs, j);
    free(d);
    return st;
}

static const char *str_of(const cJSON *j, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* Files in console-models (dot names too). */
static int count_stored(void)
{
    DIR *d = opendir(g_models);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
    if (d) closedir(d);
    return n;
}

/* A thumbnail served for name: a PNG of 320x240 where at least a twentieth of the pixels are
 * neither the grey backdrop nor near it (the model's colours). */
static void check_thumbnail(const char *name, int want_colour)
{
    console_resp rs;
    call(console_api_model_thumb, "GET", "/api/v1/models/x/thumbnail", NULL, name, &rs);
    CHECKF(rs.status == 200 && !strcmp(rs.ctype, "image/png"), "thumbnail of %s: %d %.*s", name, rs.status, (int)rs.len, rs.body);
    char png[700];
    snprintf(png, sizeof png, "%s/thumb.png", g_tmp);
    FILE *f = fopen(png, "wb");
    if (f) { fwrite(rs.body, 1, rs.len, f); fclose(f); }
    resp_free(&rs);
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    CHECKF(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS, "the thumbnail of %s decodes", name);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) { cairo_surface_destroy(s); return; }
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s), st = cairo_image_surface_get_stride(s);
    CHECKF(w == 320 && h == 240, "thumbnail %dx%d", w, h);
    const unsigned char *px = cairo_image_surface_get_data(s);
    long coloured = 0, differ = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const unsigned char *p = px + (size_t)y * st + (size_t)x * 4;   /* B G R A */
            int spread = abs(p[0] - p[1]) + abs(p[1] - p[2]) + abs(p[0] - p[2]);
            int backdrop = 236 - 40 * y / h;
            coloured += spread > 40;
            differ += abs(p[1] - backdrop) > 24 || spread > 24;
        }
    CHECKF(differ > (long)w * h / 20, "the thumbnail of %s shows something: %ld of %d pixels off the backdrop", name, differ, w * h);
    if (want_colour) CHECKF(coloured > (long)w * h / 50, "the thumbnail of %s shows its colours: %ld pixels", name, coloured);
    cairo_surface_destroy(s);
}

/* A good upload: 201, a generated name with the extension by content, the file stored, the
 * original kept, a thumbnail. Returns the entry (the caller frees it). */
static cJSON *good_upload(const char *path, const char *client_name, const char *ext, int colour)
{
    console_resp rs;
    cJSON *j = NULL;
    int st = upload_file(path, client_name, &rs, &j);
    CHECKF(st == 201, "%s: 201, got %d %.*s", path, st, (int)rs.len, rs.body);
    resp_free(&rs);
    const char *name = str_of(j, "name");
    size_t hex = strspn(name, "0123456789abcdef");
    CHECKF(hex == 32 && name[32] == '.' && !strcmp(name + 33, ext), "generated name %s (.%s)", name, ext);
    char stored[1400];
    snprintf(stored, sizeof stored, "%s/%s", g_models, name);
    CHECKF(access(stored, F_OK) == 0, "%s stored", stored);
    char want_path[80];
    snprintf(want_path, sizeof want_path, "console-models/%s", name);
    CHECK(!strcmp(str_of(j, "path"), want_path));
    const cJSON *tri = cJSON_GetObjectItemCaseSensitive(j, "triangles");
    CHECKF(cJSON_IsNumber(tri) && tri->valuedouble >= 12, "triangles of %s", path);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "size_mm")) == 3);
    CHECK(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "warnings")));
    if (hex == 32) check_thumbnail(name, colour);
    return j;
}

/* BoxTextured.gltf with its .bin and PNG as data: URIs: one self-contained file. */
static char *embedded_gltf(const char *dir)
{
    char p[1200], err[256];
    snprintf(p, sizeof p, "%s/BoxTextured.gltf", dir);
    char *text = t_read_file(p);
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    free(text);
    const char *lists[2] = { "buffers", "images" }, *mime[2] = { "application/octet-stream", "image/png" };
    for (int k = 0; j && k < 2; k++) {
        cJSON *it = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, lists[k]), 0);
        snprintf(p, sizeof p, "%s/%s", dir, str_of(it, "uri"));
        char *d = NULL;
        size_t n = 0;
        if (vt_read_file(p, &d, &n, err, sizeof err) != VT_OK) { cJSON_Delete(j); return NULL; }
        size_t blen = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
        char *b64 = malloc(blen), *uri = malloc(blen + 64);
        sodium_bin2base64(b64, blen, (unsigned char *)d, n, sodium_base64_VARIANT_ORIGINAL);
        snprintf(uri, blen + 64, "data:%s;base64,%s", mime[k], b64);
        cJSON_ReplaceItemInObjectCaseSensitive(it, "uri", cJSON_CreateString(uri));
        free(d); free(b64); free(uri);
    }
    char *out = j ? cJSON_Print(j) : NULL;
    cJSON_Delete(j);
    return out;
}

/* Refused with status want (or, want 0: 415 or 422) and a reason; nothing stored. */
static void refused(const char *path, const void *data, size_t n, int want, const char *says)
{
    int before = count_stored();
    console_resp rs;
    cJSON *j = NULL;
    int st = data ? upload(data, n, "x.glb", &rs, &j) : upload_file(path, "x.glb", &rs, &j);
    const char *why = str_of(j, "error");
    int ok = want ? st == want : st == 415 || st == 422;
    CHECKF(ok && strlen(why) > 10, "%s: refused (%d) with a reason, got %d %s", path, want, st, why);
    if (says) CHECKF(strstr(why, says) != NULL, "%s: the reason says '%s': %s", path, says, why);
    CHECKF(count_stored() == before, "%s: nothing left in console-models", path);
    cJSON_Delete(j);
    resp_free(&rs);
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every 8th model of the malformed suites (sorted, as test_malformed lists them), but the one
 * that is in fact well-formed. */
static void malformed(const char *root)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "find '%s' -type f \\( -name '*.glb' -o -name '*.gltf' -o -name '*.obj' \\) | sort", root);
    FILE *f = popen(cmd, "r");
    char *files[400], line[1200];
    int n = 0;
    while (f && n < 400 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (!strstr(line, "zero-sized-bin-chunk-issue-440.glb")) files[n++] = strdup(line);
    }
    if (f) pclose(f);
    qsort(files, (size_t)n, sizeof *files, by_name);
    int tried = 0;
    for (int i = 0; i < n; i++) {
        if (i % 8 == 3) { refused(files[i], NULL, 0, 0, NULL); tried++; }
        free(files[i]);
    }
    CHECKF(tried >= 15, "malformed models tried: %d", tried);
}

static cJSON *get_json(handler fn, const char *path, int want)
{
    console_resp rs;
    call(fn, "GET", path, NULL, NULL, &rs);
    CHECKF(rs.status == want, "%s: %d, got %d", path, want, rs.status);
    cJSON *j = cJSON_ParseWithLength((const char *)rs.body, rs.len);
    resp_free(&rs);
    return j;
}


/* The list: uploads and the catalog's models, with the products using each; a catalog model's thumbnail. */
static void models_list(const char *upload_name)
{
    cJSON *j = get_json(console_api_models, "/api/v1/models", 200), *e;
    int uploads = 0, catalog = 0, found = 0;
    const char *cat_name = NULL;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(j, "models")) {
        const char *src = str_of(e, "source");
        uploads += !strcmp(src, "upload");
        found += !strcmp(str_of(e, "name"), upload_name);
        if (!strcmp(src, "catalog")) {
            catalog++;
            cat_name = str_of(e, "name");
            CHECKF(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(e, "products")) >= 1, "catalog model %s has its products",
                   cat_name);
        }
        CHECK(!strncmp(str_of(e, "thumbnail"), "/api/v1/models/", 15));
    }
    CHECKF(uploads >= 3 && found == 1 && catalog == 1, "listed: %d uploads, %d catalog models", uploads, catalog);
    if (cat_name) check_thumbnail(cat_name, 0);
    cJSON_Delete(j);
    console_resp rs;
    call(console_api_model_thumb, "GET", "/api/v1/models/x/thumbnail", NULL, "../../etc/passwd", &rs);
    CHECK(rs.status == 404);
    resp_free(&rs);
    call(console_api_model_thumb, "GET", "/api/v1/models/x/thumbnail", NULL, "0123456789abcdef0123456789abcdef.glb", &rs);
    CHECK(rs.status == 404);   /* the right pattern, but not in the index */
    resp_free(&rs);
}

static int pdf_pages(const unsigned char *d, size_t n)
{
    int pages = 0;
    for (size_t i = 0; i + 11 < n; i++)
        if (!memcmp(d + i, "/Type /Page", 11) && d[i + 11] != 's') pages++;
    return pages;
}

static void markers(void)
{
    console_resp rs;
    call(console_api_markers, "GET", "/api/v1/markers.pdf", "products=p0,p2", NULL, &rs);
    CHECKF(rs.status == 200 && !strcmp(rs.ctype, "application/pdf"), "markers.pdf: %d %.*s", rs.status, (int)rs.len, rs.body);
    CHECK(rs.len > 5 && !memcmp(rs.body, "%PDF-", 5));
    CHECKF(pdf_pages(rs.body, rs.len) == 2, "two products, one 120 mm marker a page: %d pages", pdf_pages(rs.body, rs.len));
    CHECK(rs.headers && strstr(rs.headers, "Content-Disposition: attachment; filename=\"markers.pdf\""));
    resp_free(&rs);
    call(console_api_markers, "GET", "/api/v1/markers.pdf", NULL, NULL, &rs);
    CHECKF(rs.status == 200 && pdf_pages(rs.body, rs.len) == 3, "every product: %d pages", pdf_pages(rs.body, rs.len));
    resp_free(&rs);
    call(console_api_markers, "GET", "/api/v1/markers.pdf", "products=p0,pO", NULL, &rs);
    cJSON *j = cJSON_ParseWithLength((const char *)rs.body, rs.len);
    CHECKF(rs.status == 404 && strstr(str_of(j, "error"), "p0"), "an unknown id names the near ones: %d %s", rs.status, str_of(j, "error"));
    cJSON_Delete(j);
    resp_free(&rs);
    char cmd[700];   /* the temporary folders are gone */
    snprintf(cmd, sizeof cmd, "ls -d %s/state/markers-* 2>/dev/null | wc -l", g_tmp);
    FILE *f = popen(cmd, "r");
    int left = -1;
    if (f && fscanf(f, "%d", &left) != 1) left = -1;
    if (f) pclose(f);
    CHECKF(left == 0, "markers' temporary folders removed: %d left", left);
}

/* Decodes a JPEG: its size, and the RGB of pixel (x, y) into px. */
static int jpeg_pixel(const unsigned char *d, size_t n, int *w, int *h, int x, int y, unsigned char px[3])
{
    struct jpeg_decompress_struct ci;
    struct jpeg_error_mgr em;
    ci.err = jpeg_std_error(&em);
    jpeg_create_decompress(&ci);
    jpeg_mem_src(&ci, d, (unsigned long)n);
    if (jpeg_read_header(&ci, TRUE) != JPEG_HEADER_OK) { jpeg_destroy_decompress(&ci); return -1; }
    ci.out_color_space = JCS_RGB;
    jpeg_start_decompress(&ci);
    *w = (int)ci.output_width;
    *h = (int)ci.output_height;
    unsigned char *row = malloc((size_t)*w * 3);
    while (ci.output_scanline < ci.output_height) {
        int at = (int)ci.output_scanline;
        jpeg_read_scanlines(&ci, &row, 1);
        if (at == y) memcpy(px, row + x * 3, 3);
    }
    jpeg_finish_decompress(&ci);
    jpeg_destroy_decompress(&ci);
    free(row);
    return 0;
}

/* A 1280x720 frame: the top half red, the bottom half blue (in memory order: bottom_up flips it). */
static void offer(int gl)
{
    vt_image im;
    vt_image_alloc(&im, gl ? VT_PIX_RGBA8_GL : VT_PIX_RGBA8, 1280, 720);
    for (int y = 0; y < 720; y++) {
        int top = gl ? y >= 360 : y < 360;
        for (int x = 0; x < 1280; x++) {
            unsigned char *p = vt_image_row(&im, y) + x * 4;
            p[0] = top ? 220 : 20; p[1] = 30; p[2] = top ? 20 : 220; p[3] = 255;
        }
    }
    vt_console_offer_frame(g_c, &im);
    vt_image_free(&im);
}

static void live(void)
{
    console_resp rs;
    CHECK(!vt_console_wants_frame(g_c));   /* nobody asked */
    call(console_api_live, "GET", "/api/v1/live.jpg", NULL, NULL, &rs);
    CHECKF(rs.status == 503, "no frame yet: 503, got %d", rs.status);
    resp_free(&rs);
    CHECK(vt_console_wants_frame(g_c));   /* asked now */
    for (int gl = 0; gl < 2; gl++) {
        offer(gl);
        CHECK(!vt_console_wants_frame(g_c));   /* just offered */
        call(console_api_live, "GET", "/api/v1/live.jpg", NULL, NULL, &rs);
        CHECKF(rs.status == 200 && !strcmp(rs.ctype, "image/jpeg"), "live.jpg: %d", rs.status);
        int w = 0, h = 0;
        unsigned char top[3] = { 0 }, bottom[3] = { 0 };
        CHECK(jpeg_pixel(rs.body, rs.len, &w, &h, 320, 40, top) == 0);
        jpeg_pixel(rs.body, rs.len, &w, &h, 320, 320, bottom);
        CHECKF(w == 640 && h == 360, "scaled to %dx%d", w, h);
        CHECKF(top[0] > 180 && top[2] < 70 && bottom[2] > 180 && bottom[0] < 70, "the right way up (%s): top %d,%d,%d bottom %d,%d,%d",
               gl ? "GL" : "RGBA", top[0], top[1], top[2], bottom[0], bottom[1], bottom[2]);
        resp_free(&rs);
        usleep(250000);
        CHECK(vt_console_wants_frame(g_c));   /* watched, and the last frame is old enough */
    }
}

static void status(void)
{
    vt_staff_msg m = { .seq = 1, .t_ns = vt_now_ns(), .level = VT_LOG_WARN, .repeats = 1, .subsystem = "run" };
    snprintf(m.text, sizeof m.text, "markers of 5X5_100 seen; the catalog expects 4X4_50");
    vt_console_status s = { .fps = 29.46, .camera = "file", .source = "seq.mp4", .width = 1280, .height = 720, .products_seen = 2,
                            .staff = &m, .nstaff = 1 };
    vt_console_set_status(g_c, &s);
    cJSON *j = get_json(console_api_status, "/api/v1/status", 200);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "display")));
    CHECK(cJSON_GetObjectItemCaseSensitive(j, "fps")->valuedouble == 29.5);
    CHECK(!strcmp(str_of(j, "camera"), "file") && !strcmp(str_of(j, "source"), "seq.mp4"));
    CHECK(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "frame"), 0)->valueint == 1280);
    CHECK(cJSON_GetObjectItemCaseSensitive(j, "products_seen")->valueint == 2);
    CHECK(cJSON_GetObjectItemCaseSensitive(j, "disk_free_bytes")->valuedouble > 0);
    const cJSON *cat = cJSON_GetObjectItemCaseSensitive(j, "catalog");
    CHECK(cJSON_GetObjectItemCaseSensitive(cat, "products")->valueint == 3 && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(cat, "error")));
    const cJSON *w = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "warnings"), 0);
    CHECKF(w && strstr(str_of(w, "text"), "5X5_100") && !strcmp(str_of(w, "level"), "warning"), "the staff message is a warning");
    cJSON_Delete(j);
    /* a catalog that no longer validates is said */
    FILE *f = fopen(g_cat, "a");
    if (f) { fputs("{", f); fclose(f); }
    j = get_json(console_api_status, "/api/v1/status", 200);
    cat = cJSON_GetObjectItemCaseSensitive(j, "catalog");
    CHECKF(strlen(str_of(cat, "error")) > 5, "the catalog's error: %s", str_of(cat, "error"));
    cJSON_Delete(j);
}

static void write_catalog(const char *model)
{
    snprintf(g_cat, sizeof g_cat, "%s/catalog.json", g_tmp);
    FILE *f = fopen(g_cat, "w");
    fprintf(f, "{\"version\": 1, \"store\": {\"name\": \"T\", \"locale\": \"en_GB\", \"currency\": \"GBP\"},\n"
               " \"markers\": {\"dictionary\": \"DICT_4X4_50\", \"length_mm\": 120},\n \"products\": [\n");
    for (int i = 0; i < 3; i++)
        fprintf(f, "  {\"id\": \"p%d\", \"marker\": %d, \"name\": \"P%d\", \"price\": 1, \"model\": \"%s\"}%s\n", i, i, i, model,
                i < 2 ? "," : "");
    fprintf(f, "]}\n");
    fclose(f);
}

int main(int argc, char **argv)
{
    const char *shared = t_shared(argc, argv, "real/models/gltf");
    if (!shared) return 77;
    char src[1200], dir[1200];
    snprintf(g_tmp, sizeof g_tmp, "/tmp/vt_console_media_XXXXXX");
    if (!mkdtemp(g_tmp)) return 1;
    vt_model_isolated_set_exe(VT_TEST_VITRINE);   /* models checked in a child, as vitrine console does */
    snprintf(src, sizeof src, "%s/models/bottle.glb", VT_TEST_SOURCE_DIR);
    write_catalog(src);
    snprintf(g_models, sizeof g_models, "%s/console-models", g_tmp);
    char state[700];
    snprintf(state, sizeof state, "%s/state", g_tmp);
    vt_console_desc d = { .catalog = g_cat, .state_dir = state, .exe = VT_TEST_VITRINE, .display = 1, .no_listen = 1 };
    char err[1024];
    CHECKF(vt_console_create(&d, &g_c, err, sizeof err) == VT_OK, "%s", err);
    if (!g_c) return t_finish("test_console_media");
    snprintf(dir, sizeof dir, "%s/real/models", shared);
    snprintf(src, sizeof src, "%s/gltf/BoxTextured/glTF-Binary/BoxTextured.glb", dir);
    cJSON *glb = good_upload(src, "Chair.glb", "glb", 1);
    CHECK(!strcmp(str_of(glb, "original"), "Chair.glb"));
    snprintf(src, sizeof src, "%s/gltf/BoxTextured/glTF", dir);
    char *gltf = embedded_gltf(src), emb[700];
    CHECK(gltf != NULL);
    snprintf(emb, sizeof emb, "%s/embedded.gltf", g_tmp);
    FILE *f = fopen(emb, "w");
    if (f && gltf) fputs(gltf, f);
    if (f) fclose(f);
    free(gltf);
    cJSON_Delete(good_upload(emb, "Box embedded.gltf", "gltf", 1));
    snprintf(src, sizeof src, "%s/obj/spot/spot_triangulated.obj", dir);
    cJSON_Delete(good_upload(src, "spot.obj", "obj", 0));
    /* a traversal name is only a name */
    snprintf(src, sizeof src, "%s/gltf/Box/Box.glb", dir);
    cJSON *trav = good_upload(src, "../../etc/passwd.glb", "glb", 0);
    CHECKF(!strcmp(str_of(trav, "original"), "passwd.glb"), "original %s", str_of(trav, "original"));
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "find %s -name 'passwd*' | grep -q . && exit 1; exit 0", g_tmp);
    CHECK(system(cmd) == 0);
    cJSON_Delete(trav);
    /* refused: external files, a PNG as .glb, not a model at all, malformed models */
    snprintf(src, sizeof src, "%s/gltf/BoxTextured/glTF/BoxTextured.gltf", dir);
    refused(src, NULL, 0, 422, "only one file");
    snprintf(src, sizeof src, "%s/gltf/BoxTextured/glTF/CesiumLogoFlat.png", dir);
    refused(src, NULL, 0, 415, "PNG");
    refused("plain text", "hello, world\n", 13, 415, NULL);
    refused("a JSON array", "[1, 2]", 6, 415, NULL);
    snprintf(src, sizeof src, "%s/malformed", dir);
    malformed(src);
    models_list(str_of(glb, "name"));
    cJSON_Delete(glb);
    markers();
    live();
    status();
    vt_console_destroy(g_c);
    /* without a display: no live picture */
    d.display = 0;
    if (vt_console_create(&d, &g_c, err, sizeof err) == VT_OK) {
        console_resp rs;
        call(console_api_live, "GET", "/api/v1/live.jpg", NULL, NULL, &rs);
        CHECK(rs.status == 503);
        resp_free(&rs);
        cJSON *j = get_json(console_api_status, "/api/v1/status", 200);
        CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "display")) && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "fps")));
        cJSON_Delete(j);
        vt_console_destroy(g_c);
    }
    if (!t_failures) {
        snprintf(cmd, sizeof cmd, "rm -rf %s", g_tmp);
        if (system(cmd)) {}
    }
    return t_finish("test_console_media");
}

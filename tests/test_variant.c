/* test_variant.c — glTF material variants (KHR_materials_variants, issue 19) on Khronos's
 * MaterialsVariantsShoe.glb (shared material; skipped without it): its variant names; the shoe
 * rendered headless in its default and in two variants, the mean colour of its pixels compared
 * (each variant differs from the other, the default from at least one); the same through the
 * isolated loader (`vitrine __load-model`, as `vitrine run` loads); an unknown variant loads the
 * default materials and says which variants the file has; a .gltf copy (JSON beside its .bin)
 * takes a variant too; the catalog's "variant" key and its checks; the console's
 * GET /api/v1/models/variants (its handler, as the route calls it once logged in) lists the
 * variants and refuses paths outside the catalog's folder. */
#include "assets/vt_assets.h"
#include "catalog/vt_catalog.h"
#include "console/console.h"
#include "render/vt_render.h"
#include "test_util.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define W 480
#define H 320

static char tmp[256], shoe[1024];

/* The mean RGB of the pixels the model covers (those that differ from the flat grey background)
 * and how many there are. */
static int mean_colour(vt_renderer *r, const vt_model *m, double rgb[3])
{
    char err[512];
    vt_gpu_model_id g;
    CHECKF(vt_render_upload(r, m, &g, err, sizeof err) == VT_OK, "upload: %s", err);
    vt_image bg, out;
    vt_image_alloc(&bg, VT_PIX_BGR8, W, H);
    vt_image_alloc(&out, VT_PIX_RGBA8, W, H);
    memset(bg.data, 128, (size_t)bg.stride * H);
    vt_camera cam;
    vt_camera_parse("600,600,239.5,159.5", &cam);
    /* Model space (+Y up, +Z front) to the camera's (+Y down, +Z ahead): half a turn about x,
     * then a quarter turn about y to see the shoe from its side, 0.7 m away. */
    float c = (float)cos(0.6), s = (float)sin(0.6);
    float mv[16] = { c, 0, s, 0, 0, -1, 0, 0, s, 0, -c, 0, 0, 0.02f, 0.7f, 1 };
    vt_render_begin(r, &bg, &cam);
    vt_render_model(r, g, mv, 1.0f);
    vt_render_end(r, &out);
    long n = 0;
    double sum[3] = { 0, 0, 0 };
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const uint8_t *p = vt_image_row(&out, y) + x * 4;
            if (abs(p[0] - 128) + abs(p[1] - 128) + abs(p[2] - 128) < 6) continue;
            n++;
            for (int k = 0; k < 3; k++) sum[k] += p[k];
        }
    for (int k = 0; k < 3; k++) rgb[k] = n ? sum[k] / (double)n : 0;
    vt_render_free_model(r, g);
    vt_image_free(&bg);
    vt_image_free(&out);
    return (int)n;
}

static double dist(const double a[3], const double b[3])
{
    return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

static void test_names(void)
{
    char **names = NULL, err[512];
    int n = 0;
    CHECKF(vt_model_variants(shoe, &names, &n, err, sizeof err) == VT_OK, "%s", err);
    CHECKF(n == 3 && !strcmp(names[0], "midnight") && !strcmp(names[1], "beach") && !strcmp(names[2], "street"), "%d variants", n);
    char list[128];
    vt_model_variants_join(names, n, list, sizeof list);
    CHECKF(!strcmp(list, "midnight, beach, street"), "%s", list);
    vt_model_variants_join(names, n, list, 12);   /* cut at a name, never inside one */
    CHECKF(!strcmp(list, "midnight"), "%s", list);
    vt_model_variants_free(names, n);
    /* Models without variants, and ones that are not glTF: none, no error. */
    CHECK(vt_model_variants(VT_TEST_SOURCE_DIR "/models/mug.glb", &names, &n, err, sizeof err) == VT_OK && n == 0);
    vt_model_variants_free(names, n);
    CHECK(vt_model_variants("/nonexistent/x.glb", &names, &n, err, sizeof err) == VT_ERR_NOT_FOUND && strstr(err, "/nonexistent/x.glb"));
}

static void test_render(void)
{
    char err[1024];
    vt_renderer *r = NULL;
    vt_result res = vt_render_create(&(vt_render_desc){ .width = W, .height = H, .headless = 1 }, &r, err, sizeof err);
    CHECKF(res == VT_OK, "headless renderer: %s", err);
    if (res != VT_OK) return;
    const char *variants[4] = { NULL, "midnight", "beach", "street" };
    double rgb[4][3];
    for (int i = 0; i < 4; i++) {
        vt_model *m = NULL;
        CHECKF(vt_model_load_variant(shoe, variants[i], &m, err, sizeof err) == VT_OK && m, "%s: %s", variants[i], err);
        if (!m) continue;
        CHECK(!m->variant_unknown);
        int n = mean_colour(r, m, rgb[i]);
        CHECKF(n > 5000, "%s: %d pixels of shoe", variants[i] ? variants[i] : "default", n);
        printf("%-8s %6d px, mean RGB %.0f %.0f %.0f\n", variants[i] ? variants[i] : "default", n, rgb[i][0], rgb[i][1], rgb[i][2]);
        vt_model_destroy(m);
    }
    /* beach is pink, street black, midnight (the file's default) blue. */
    CHECKF(dist(rgb[2], rgb[3]) > 30, "beach and street look alike (%.1f)", dist(rgb[2], rgb[3]));
    CHECKF(dist(rgb[0], rgb[2]) > 30 || dist(rgb[0], rgb[3]) > 30, "the default looks like both variants");
    CHECKF(dist(rgb[0], rgb[1]) < 3, "midnight is the file's default materials (%.1f)", dist(rgb[0], rgb[1]));
    CHECKF(rgb[2][0] > rgb[2][2] && rgb[1][2] > rgb[1][0], "beach is pinker than blue, midnight bluer than red");

    /* Through the loader child, as the display loads. */
    vt_model_isolated_set_exe(VT_TEST_VITRINE);
    vt_model_loader *ld = NULL;
    CHECK(vt_model_loader_create(&(vt_load_limits){ .wall_s = 120, .keep_priority = 1 }, &ld, err, sizeof err) == VT_OK);
    vt_model *m = NULL;
    double iso[3];
    CHECKF(vt_model_loader_load_variant(ld, shoe, "street", &m, err, sizeof err) == VT_OK && m, "%s", err);
    if (m) {
        mean_colour(r, m, iso);
        CHECKF(dist(iso, rgb[3]) < 3, "street through the child: %.0f %.0f %.0f", iso[0], iso[1], iso[2]);
        vt_model_destroy(m);
    }
    /* An unknown variant: the default materials, and the file's variants for the message. */
    CHECKF(vt_model_loader_load_variant(ld, shoe, "Beige", &m, err, sizeof err) == VT_OK && m, "%s", err);
    if (m) {
        CHECKF(m->variant_unknown && !strcmp(m->variant_unknown, "midnight, beach, street"), "%s", m->variant_unknown);
        mean_colour(r, m, iso);
        CHECK(dist(iso, rgb[0]) < 3);
        vt_model_destroy(m);
    }
    CHECKF(vt_model_loader_load(ld, shoe, &m, err, sizeof err) == VT_OK && m && !m->variant_unknown, "%s", err);
    vt_model_destroy(m);
    vt_model_loader_destroy(ld);
    vt_model_isolated_set_exe(NULL);
    /* A model without variants given one: loads, said. */
    CHECK(vt_model_load_variant(VT_TEST_SOURCE_DIR "/models/mug.glb", "beach", &m, err, sizeof err) == VT_OK && m &&
          m->variant_unknown && !m->variant_unknown[0]);
    vt_model_destroy(m);
    vt_render_destroy(r);
}

/* The shoe split into a .gltf (the GLB's JSON with its buffer pointing at a .bin beside it). */
static void test_gltf(void)
{
    size_t n = 0;
    FILE *f = fopen(shoe, "rb");
    unsigned char *d = malloc(64 << 20);
    if (f) n = fread(d, 1, 64 << 20, f);
    if (f) fclose(f);
    uint32_t jl = (uint32_t)d[12] | (uint32_t)d[13] << 8 | (uint32_t)d[14] << 16 | (uint32_t)d[15] << 24;
    uint32_t bl = (uint32_t)d[20 + jl] | (uint32_t)d[21 + jl] << 8 | (uint32_t)d[22 + jl] << 16 | (uint32_t)d[23 + jl] << 24;
    cJSON *doc = cJSON_ParseWithLength((const char *)d + 20, jl);
    cJSON *b0 = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "buffers"), 0);
    cJSON_AddStringToObject(b0, "uri", "shoe.bin");
    char path[300], bin[300];
    snprintf(path, sizeof path, "%s/shoe.gltf", tmp);
    snprintf(bin, sizeof bin, "%s/shoe.bin", tmp);
    char *text = cJSON_Print(doc);
    f = fopen(path, "w"); fputs(text, f); fclose(f);
    f = fopen(bin, "wb"); fwrite(d + 28 + jl, 1, bl, f); fclose(f);
    free(text);
    cJSON_Delete(doc);
    free(d);
    CHECK(n > 0);
    char err[1024];
    vt_model *a = NULL, *b = NULL;
    CHECKF(vt_model_load_variant(path, "beach", &a, err, sizeof err) == VT_OK && a && !a->variant_unknown, "%s", err);
    CHECKF(vt_model_load(path, &b, err, sizeof err) == VT_OK && b, "%s", err);
    /* The variant changes which material a mesh uses, not its geometry. */
    CHECK(a && b && a->mesh_count == b->mesh_count && vt_model_triangle_count(a) == vt_model_triangle_count(b));
    int changed = 0;
    for (int i = 0; a && b && i < a->mesh_count && i < b->mesh_count; i++) {
        const vt_material *ma = &a->materials[a->meshes[i].material], *mb = &b->materials[b->meshes[i].material];
        const vt_image *ta = ma->texture >= 0 ? &a->textures[ma->texture] : NULL, *tb = mb->texture >= 0 ? &b->textures[mb->texture] : NULL;
        changed += memcmp(ma->base_colour, mb->base_colour, sizeof ma->base_colour) != 0 || !ta != !tb ||
                   (ta && tb && (ta->width != tb->width || memcmp(ta->data, tb->data, (size_t)ta->width * 4) != 0));
    }
    CHECKF(changed > 0, "beach changes no mesh's material in the .gltf");
    vt_model_destroy(a);
    vt_model_destroy(b);
}

static vt_catalog *parse(const char *products, vt_catalog_report *rep)
{
    char text[2048];
    snprintf(text, sizeof text,
             "{\"version\": 1, \"store\": {\"name\": \"S\", \"locale\": \"fr_FR\", \"currency\": \"EUR\"},\n"
             " \"markers\": {\"dictionary\": \"5X5_100\", \"length_mm\": 50},\n \"products\": [%s]}\n", products);
    char path[300];
    snprintf(path, sizeof path, "%s/catalog.json", tmp);
    vt_catalog *c = NULL;
    memset(rep, 0, sizeof *rep);
    vt_catalog_parse_text(text, strlen(text), path, rep, 0, &c);
    return c;
}

static void test_catalog(void)
{
    vt_catalog_report rep;
    vt_catalog *c = parse("{\"id\": \"a\", \"marker\": 1, \"name\": \"A\", \"price\": 1, \"model\": \"s.glb\", \"variant\": \"beach\"},"
                          "{\"id\": \"b\", \"marker\": 2, \"name\": \"B\", \"price\": 1, \"model\": \"s.glb\"}", &rep);
    CHECK(c && c->count == 2 && c->products[0].variant && !strcmp(c->products[0].variant, "beach") && !c->products[1].variant);
    for (int i = 0; i < rep.count; i++) CHECKF(!rep.items[i].unknown_key, "%s", rep.items[i].msg);
    vt_catalog_destroy(c);
    vt_catalog_report_free(&rep);
    char big[300], prod[600];
    memset(big, 'x', 129);
    big[129] = 0;
    const char *bad[] = { "\"\"", "3", "null", big };
    for (int i = 0; i < 4; i++) {
        snprintf(prod, sizeof prod, "{\"id\": \"a\", \"marker\": 1, \"name\": \"A\", \"price\": 1, \"variant\": %s%s%s}", i == 3 ? "\"" : "",
                 bad[i], i == 3 ? "\"" : "");
        c = parse(prod, &rep);
        CHECKF(!c && rep.errors == 1 && strstr(rep.items[0].msg, "products[0].variant") && rep.items[0].line == 3,
               "variant %.10s: %s", bad[i], rep.count ? rep.items[0].msg : "no error");
        vt_catalog_destroy(c);
        vt_catalog_report_free(&rep);
    }
}

static int variants_of(vt_console *c, const char *query, char *body, size_t len)
{
    console_req rq;
    memset(&rq, 0, sizeof rq);
    rq.method = "GET";
    rq.path = "/api/v1/models/variants";
    rq.query = query;
    rq.body = "";
    console_resp rs;
    console_resp_init(&rs);
    console_api_model_variants(c, &rq, &rs);
    snprintf(body, len, "%.*s", (int)rs.len, rs.body ? (const char *)rs.body : "");
    int st = rs.status;
    console_resp_free(&rs);
    return st;
}

static void test_console(void)
{
    char dir[300], cat[400], link[400], cmd[4096], body[2048], err[512];
    snprintf(dir, sizeof dir, "%s/store", tmp);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/models' && cp '%s' '%s/models/shoe.glb' && cp '%s' '%s/outside.glb' && cp '%s/models/mug.glb' '%s/models/'",
             dir, shoe, dir, shoe, tmp, VT_TEST_SOURCE_DIR, dir);
    CHECK(system(cmd) == 0);
    snprintf(cat, sizeof cat, "%s/catalog.json", dir);
    FILE *f = fopen(cat, "w");
    fputs("{\"version\": 1, \"store\": {\"name\": \"S\", \"locale\": \"fr_FR\", \"currency\": \"EUR\"}, \"products\": []}\n", f);
    fclose(f);
    snprintf(link, sizeof link, "%s/models/away.glb", dir);
    CHECK(symlink("../../outside.glb", link) == 0);
    vt_console *c = NULL;
    CHECKF(vt_console_create(&(vt_console_desc){ .catalog = cat, .no_listen = 1 }, &c, err, sizeof err) == VT_OK, "%s", err);
    if (!c) return;
    CHECKF(variants_of(c, "path=models%2Fshoe.glb", body, sizeof body) == 200 && !strcmp(body, "{\"variants\":[\"midnight\",\"beach\",\"street\"]}"),
           "%s", body);
    CHECKF(variants_of(c, "path=models/mug.glb", body, sizeof body) == 200 && !strcmp(body, "{\"variants\":[]}"), "%s", body);
    static const struct { const char *q; int status; } refused[] = {
        { "path=../outside.glb", 400 }, { "path=models/../../outside.glb", 400 }, { "path=%2Fetc%2Fpasswd.glb", 400 },
        { "path=models/away.glb", 400 },   /* a link leading out of the folder */
        { "path=models/none.glb", 404 }, { "path=catalog.json", 415 }, { "", 400 }, { "path=", 400 },
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        int st = variants_of(c, refused[i].q, body, sizeof body);
        CHECKF(st == refused[i].status && strstr(body, "\"error\"") && !strstr(body, tmp), "?%s: %d %s", refused[i].q, st, body);
    }
    /* Through the route: a login first. */
    vt_console_request rq = { .method = "GET", .url = "/api/v1/models/variants?path=models/shoe.glb", .body = "", .client = "127.0.0.1" };
    vt_console_response r;
    vt_console_serve(c, &rq, &r);
    CHECKF(r.status == 401, "without a session: %d", r.status);
    vt_console_response_free(&r);
    vt_console_destroy(c);
}

int main(int argc, char **argv)
{
    const char *sh = t_shared(argc, argv, "real/models/products/MaterialsVariantsShoe.glb");
    if (!sh) return 77;
    snprintf(shoe, sizeof shoe, "%s/real/models/products/MaterialsVariantsShoe.glb", sh);
    snprintf(tmp, sizeof tmp, "/tmp/vt_variant_XXXXXX");
    if (!mkdtemp(tmp)) return 1;
    test_names();
    test_render();
    test_gltf();
    test_catalog();
    test_console();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
    return t_finish("test_variant");
}

/* console_variants.c — GET /api/v1/models/variants?path=MODEL: the material variants
 * (KHR_materials_variants) of a model the catalog may name, for the product dialog's "Variant"
 * list. The path is a product's "model": relative to the catalog's folder, and it must stay
 * there (no "..", no absolute path, no symbolic link leading out), an existing .glb or .gltf. */
#include "console.h"

#include "assets/vt_assets.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* The model's real path into out (1), or 0 with the error in rs. */
static int resolve(vt_console *c, const char *rel, char out[PATH_MAX], console_resp *rs)
{
    char dir[PATH_MAX], full[PATH_MAX + CONSOLE_PATH];
    const char *ext = strrchr(rel, '.');
    int up = !strcmp(rel, "..") || !strncmp(rel, "../", 3) || strstr(rel, "/../") ||
             (strlen(rel) >= 3 && !strcmp(rel + strlen(rel) - 3, "/.."));
    if (!rel[0] || rel[0] == '/' || up || strchr(rel, '\\')) {
        console_resp_error(rs, 400, _("path must be a model's path inside the catalog's folder, as a product's \"model\" gives it"));
        return 0;
    }
    if (!ext || (strcasecmp(ext, ".glb") && strcasecmp(ext, ".gltf"))) {
        console_resp_error(rs, 415, _("%s is not a glTF model (.glb or .gltf): only glTF files have material variants"), rel);
        return 0;
    }
    snprintf(full, sizeof full, "%s/%s", c->catalog_dir[0] ? c->catalog_dir : ".", rel);
    struct stat st;
    if (!realpath(c->catalog_dir[0] ? c->catalog_dir : ".", dir) || !realpath(full, out) || stat(out, &st) != 0 || !S_ISREG(st.st_mode)) {
        console_resp_error(rs, 404, _("no model file %s in the catalog's folder"), rel);
        return 0;
    }
    size_t dl = strlen(dir);
    /* A symbolic link may still lead out of the folder: the real path decides. */
    if (strncmp(out, dir, dl) || (out[dl] != '/' && strcmp(dir, "/"))) {
        console_resp_error(rs, 400, _("path must be a model's path inside the catalog's folder, as a product's \"model\" gives it"));
        return 0;
    }
    return 1;
}

void console_api_model_variants(vt_console *c, console_req *rq, console_resp *rs)
{
    char rel[CONSOLE_PATH], real[PATH_MAX], err[1200];
    if (!console_query(rq, "path", rel, sizeof rel) || !rel[0]) {
        console_resp_error(rs, 400, _("give the model's path: ?path=models/shoe.glb"));
        return;
    }
    if (strlen(rel) >= sizeof rel - 1) {
        console_resp_error(rs, 400, _("the path is too long"));
        return;
    }
    if (!resolve(c, rel, real, rs)) return;
    char **names = NULL;
    int n = 0;
    if (vt_model_variants(real, &names, &n, err, sizeof err) != VT_OK) {
        /* The message names the file by the path given, not where it lies on the machine. */
        const char *why = strstr(err, ": ") ? strstr(err, ": ") + 2 : err;
        console_resp_error(rs, 422, "%s: %s", rel, why);
        return;
    }
    cJSON *j = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(j, "variants");
    for (int i = 0; arr && i < n; i++) cJSON_AddItemToArray(arr, cJSON_CreateString(names[i]));
    vt_model_variants_free(names, n);
    console_resp_json(rs, 200, j);
}

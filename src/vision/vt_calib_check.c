/* vt_calib_check.c — a calibration file checked before and after OpenCV reads it: its text's
 * nesting (OpenCV's FileStorage parsers recurse once per level, and a file nested 100,000 deep
 * overflows the stack), then every value (finite, and a camera that can exist). */
#include "vt_calib_check.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CALIB_BYTES (1 << 20)   /* a calibration is a few hundred bytes; 1 MiB is no calibration */
#define MAX_BRACKETS 256            /* '[' and '{' in all: a bound on flow nesting that quotes cannot fool */
#define MAX_TAGS 1024               /* '<' in all (XML) */
#define MAX_INDENT_DEPTH 32         /* YAML block nesting: indentation levels and "- " on a line */
#define MIN_IMAGE_SIDE 16

/* The deepest YAML block nesting of the text: a stack of indentation columns, each "- " that
 * opens a line's content one more level. Returns as soon as it passes MAX_INDENT_DEPTH.
 * *dedent: a line indented less than the first (not valid YAML, and "  - - 1" then "- - 2" loops
 * OpenCV's YAML parser forever: found by fuzzing). Directives, "---" and "..." do not count. */
static int indent_depth(const char *t, int *dedent)
{
    int stack[MAX_INDENT_DEPTH + 2], n = 0, deepest = 0, first = -1;
    *dedent = 0;
    while (*t) {
        const char *line = t;
        int col = 0;
        while (line[col] == ' ' || line[col] == '\t') col++;
        if (line[col] != '\n' && line[col] != '\r' && line[col] != '#' && line[col] != '\0') {
            int marker = line[0] == '%' || !strncmp(line, "---", 3) || !strncmp(line, "...", 3);
            if (!marker && first < 0) first = col;
            if (!marker && col < first) *dedent = 1;
            for (;;) {
                while (n > 0 && stack[n - 1] >= col) n--;
                stack[n++] = col;
                if (n > deepest) deepest = n;
                if (n > MAX_INDENT_DEPTH) return n;
                if (line[col] != '-' || (line[col + 1] != ' ' && line[col + 1] != '\t')) break;
                col++;
                while (line[col] == ' ' || line[col] == '\t') col++;
            }
        }
        const char *nl = strchr(line + col, '\n');
        t = nl ? nl + 1 : line + col + strlen(line + col);
    }
    return deepest;
}

/* XML text (its first character '<') must not end inside a tag or a quoted attribute value:
 * OpenCV's XML parser reads past the end of "<a b=" (a NULL read, found by fuzzing). */
static int xml_ends_in_tag(const char *t, size_t len)
{
    size_t i = 0;
    if (len >= 3 && (unsigned char)t[0] == 0xEF && (unsigned char)t[1] == 0xBB && (unsigned char)t[2] == 0xBF) i = 3;
    while (i < len && strchr(" \t\r\n", t[i])) i++;
    if (i >= len || t[i] != '<') return 0;
    char in = 0;   /* 0 outside a tag, '<' inside one, or the quote being read */
    for (; i < len; i++) {
        char c = t[i];
        if (!in) in = c == '<' ? '<' : 0;
        else if (in == '<') in = c == '>' ? 0 : c == '"' || c == '\'' ? c : '<';
        else if (c == in) in = '<';
    }
    return in != 0;
}

/* A "%YAML" first line must hold only the version ("%YAML:1.0"): with a key after it
 * ("%YAML:1.0 a: x") OpenCV's YAML parser can loop forever further on (found by fuzzing). */
static int yaml_header_bad(const char *t)
{
    if (strncmp(t, "%YAML", 5)) return 0;
    t += 5;
    if (*t != ':' && *t != ' ') return 1;
    t++;
    size_t d = strspn(t, "0123456789");
    if (d == 0 || t[d] != '.' || strspn(t + d + 1, "0123456789") == 0) return 1;
    t += d + 1 + strspn(t + d + 1, "0123456789");
    t += strspn(t, " \t\r");
    return *t != '\n' && *t != '\0';
}

vt_result vt_calib_text_check(const char *path, char *err, size_t errlen)
{
    FILE *f = vt_open_regular(path, err, errlen);
    if (!f) return errno == ENOENT ? VT_ERR_NOT_FOUND : errno == EINVAL ? VT_ERR_ARG : VT_ERR_IO;
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    rewind(f);
    size_t cap = size >= 0 && size <= MAX_CALIB_BYTES ? (size_t)size + 1 : MAX_CALIB_BYTES + 1;
    char *text = malloc(cap + 1);
    size_t len = text ? fread(text, 1, cap, f) : 0;
    fclose(f);
    if (!text) { snprintf(err, errlen, _("out of memory")); return VT_ERR_NO_MEMORY; }
    text[len] = '\0';
    if (len > MAX_CALIB_BYTES) {
        free(text);
        snprintf(err, errlen, _("over %d bytes: too large for a calibration file"), MAX_CALIB_BYTES);
        return VT_ERR_FORMAT;
    }
    if (memchr(text, '\0', len)) {
        free(text);
        snprintf(err, errlen, _("contains NUL bytes: not a calibration file (YAML, XML or JSON text)"));
        return VT_ERR_FORMAT;
    }
    int brackets = 0, tags = 0;
    for (size_t i = 0; i < len; i++) {
        brackets += text[i] == '[' || text[i] == '{';
        tags += text[i] == '<';
    }
    int dedent, depth = indent_depth(text, &dedent), open_tag = xml_ends_in_tag(text, len), header = yaml_header_bad(text);
    const char *start = text + strspn(text, " \t\r\n");
    int yaml = *start != '<' && *start != '{' && *start != '[';
    free(text);
    if (yaml && dedent && !header) {   /* a bad %YAML line is the first thing to say */
        snprintf(err, errlen, _("not valid YAML: a line is indented less than the first one"));
        return VT_ERR_FORMAT;
    }
    if (header) {
        snprintf(err, errlen, _("the %%YAML line must hold only the version (%%YAML:1.0)"));
        return VT_ERR_FORMAT;
    }
    if (open_tag) {
        snprintf(err, errlen, _("not a whole XML file: it ends inside a tag"));
        return VT_ERR_FORMAT;
    }
    const char *what = brackets > MAX_BRACKETS ? "'[' and '{'" : tags > MAX_TAGS ? _("XML tags") : _("indentation levels");
    int n = brackets > MAX_BRACKETS ? brackets : tags > MAX_TAGS ? tags : depth;
    int most = brackets > MAX_BRACKETS ? MAX_BRACKETS : tags > MAX_TAGS ? MAX_TAGS : MAX_INDENT_DEPTH;
    if (n > most) {
        if (n > MAX_INDENT_DEPTH && brackets <= MAX_BRACKETS && tags <= MAX_TAGS)   /* counted up to a limit */
            snprintf(err, errlen, _("nested too deep for a calibration file (%s: %d or more, at most %d)"), what, n, most);
        else snprintf(err, errlen, _("nested too deep for a calibration file (%s: %d, at most %d)"), what, n, most);
        return VT_ERR_FORMAT;
    }
    return VT_OK;
}

static vt_result bad(char *err, size_t errlen, const char *what, double v, const char *why)
{
    if (isnan(v)) snprintf(err, errlen, _("%s = NaN %s"), what, why);
    else snprintf(err, errlen, "%s = %.6g %s", what, v, why);
    return VT_ERR_FORMAT;
}

/* The image size, the matrix's shape, and the distortion: finite and of a lens that exists. */
static vt_result check_shape(const vtcv_calib *k, char *err, size_t errlen)
{
    static const char *const name[9] = { "fx", "skew", "cx", "camera_matrix[1][0]", "fy", "cy",
                                         "camera_matrix[2][0]", "camera_matrix[2][1]", "camera_matrix[2][2]" };
    for (int i = 0; i < 9; i++)
        if (!isfinite(k->K[i])) return bad(err, errlen, name[i], k->K[i], _("in camera_matrix is not a finite number"));
    if (k->K[6] != 0 || k->K[7] != 0 || k->K[8] != 1)
        return bad(err, errlen, k->K[6] != 0 ? name[6] : k->K[7] != 0 ? name[7] : name[8],
                   k->K[6] != 0 ? k->K[6] : k->K[7] != 0 ? k->K[7] : k->K[8], _("(camera_matrix's last row must be 0 0 1)"));
    if (k->K[3] != 0) return bad(err, errlen, name[3], k->K[3], _("(camera_matrix's second row must be 0 fy cy)"));
    for (int i = 0; i < k->ndist && i < 14; i++)
        if (!isfinite(k->dist[i]) || fabs(k->dist[i]) > 1e4) {
            char what[48];
            snprintf(what, sizeof what, "distortion_coefficients[%d]", i);
            return bad(err, errlen, what, k->dist[i], _("is not a plausible distortion coefficient (finite, at most 1e4)"));
        }
    if ((k->width != 0 || k->height != 0) &&
        (k->width < MIN_IMAGE_SIDE || k->height < MIN_IMAGE_SIDE || k->width > 65536 || k->height > 65536)) {
        snprintf(err, errlen, _("image size %dx%d is not a camera's (each side %d to 65536 pixels, or both left out)"),
                 k->width, k->height, MIN_IMAGE_SIDE);
        return VT_ERR_FORMAT;
    }
    return VT_OK;
}

vt_result vt_calib_values_check(const vtcv_calib *k, char *err, size_t errlen)
{
    vt_result r = check_shape(k, err, errlen);
    if (r != VT_OK) return r;
    double fx = k->K[0], fy = k->K[4], cx = k->K[2], cy = k->K[5];
    /* With the size: a field of view between about 3 and 170 degrees; without it, pixels. */
    double w = k->width ? k->width : 0, h = k->height ? k->height : 0;
    double lo = w ? w / 20 : 1, hi = w ? w * 20 : 1e6;
    char why[160];
    snprintf(why, sizeof why, w ? _("is not a plausible focal length for the image width (%.6g to %.6g pixels)")
                                : _("is not a plausible focal length (%.6g to %.6g pixels)"), lo, hi);
    if (!(fx >= lo && fx <= hi)) return bad(err, errlen, "fx", fx, why);
    if (!(fy >= fx / 2 && fy <= fx * 2)) return bad(err, errlen, "fy", fy, _("is not a plausible focal length (within half to twice fx)"));
    if (fabs(k->K[1]) > fx) return bad(err, errlen, "skew", k->K[1], _("is larger than fx"));
    if (!(cx >= 0 && cx <= (w ? w : 1e6))) return bad(err, errlen, "cx", cx, w ? _("lies outside the image") : _("is not a pixel position"));
    if (!(cy >= 0 && cy <= (h ? h : 1e6))) return bad(err, errlen, "cy", cy, h ? _("lies outside the image") : _("is not a pixel position"));
    return VT_OK;
}

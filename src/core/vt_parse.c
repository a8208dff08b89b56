/* vt_parse.c — numbers, sizes and dates from option values, strictly: the whole text is the
 * value ("100x100junk", "2026-12-01garbage", " 5", "0x10" and "1e999" are refused), in range. */
#include "vt_core.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The longest run at s of what a decimal number may hold: the rest is not the number's. */
static size_t number_span(const char *s, int real)
{
    return strspn(s, real ? "0123456789+-.eE" : "0123456789-");
}

/* A whole number or decimal starting at s and ending at s + n exactly. */
static int int_at(const char *s, size_t n, long lo, long hi, long *out)
{
    if (n == 0 || number_span(s, 0) < n || !(s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))) return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end != s + n || errno || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

static int double_at(const char *s, size_t n, double lo, double hi, double *out)
{
    if (n == 0 || number_span(s, 1) < n || !(s[0] == '-' || s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))) return -1;
    char *end;
    double v = strtod(s, &end);
    if (end != s + n || !isfinite(v) || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

int vt_parse_int(const char *s, int lo, int hi, int *out)
{
    long v;
    if (!s || int_at(s, strlen(s), lo, hi, &v)) return -1;
    *out = (int)v;
    return 0;
}

int vt_parse_double(const char *s, double lo, double hi, double *out)
{
    return s ? double_at(s, strlen(s), lo, hi, out) : -1;
}

int vt_parse_size(const char *s, int wlo, int whi, int hlo, int hhi, int *w, int *h)
{
    const char *x = s ? strchr(s, 'x') : NULL;
    long a, b;
    if (!x || int_at(s, (size_t)(x - s), wlo, whi, &a) || int_at(x + 1, strlen(x + 1), hlo, hhi, &b)) return -1;
    *w = (int)a;
    *h = (int)b;
    return 0;
}

int vt_parse_doubles(const char *s, char sep, double *out, int n)
{
    for (int i = 0; s && i < n; i++) {
        const char *e = i < n - 1 ? strchr(s, sep) : s + strlen(s);
        if (!e || double_at(s, (size_t)(e - s), -HUGE_VAL, HUGE_VAL, &out[i])) return -1;
        s = e + 1;
    }
    return s ? 0 : -1;
}

/* Two digits at s in lo..hi. */
static int two(const char *s, int lo, int hi)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return -1;
    int v = (s[0] - '0') * 10 + (s[1] - '0');
    return v >= lo && v <= hi ? v : -1;
}

int vt_parse_date(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n != 10 && n != 19) return -1;
    for (int i = 0; i < 4; i++)
        if (s[i] < '0' || s[i] > '9') return -1;
    int y = atoi(s), m = s[4] == '-' ? two(s + 5, 1, 12) : -1, d = m > 0 && s[7] == '-' ? two(s + 8, 1, 31) : -1;
    static const int days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (d < 0 || d > days[m - 1] || (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))) return -1;
    if (n == 10) return 0;
    return s[10] == 'T' && two(s + 11, 0, 23) >= 0 && s[13] == ':' && two(s + 14, 0, 59) >= 0 && s[16] == ':' &&
                   two(s + 17, 0, 60) >= 0 ? 0 : -1;
}

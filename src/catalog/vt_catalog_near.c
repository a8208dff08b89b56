/* vt_catalog_near.c — "did you mean": the known word nearest a typo (an unknown key, a product id
 * given on the command line). */
#include "catalog/vt_catalog.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Edit distance with transpositions (optimal string alignment: "modle" is one step from "model"),
 * over bytes, case-insensitive; words longer than 47 bytes count as far. */
int vt_edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na > 47 || nb > 47) return 64;
    int d[48][48];
    for (size_t i = 0; i <= na; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= nb; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            int best = d[i - 1][j - 1] + (ca != cb);
            if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) && tolower((unsigned char)a[i - 2]) == cb &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[na][nb];
}

/* Close enough to be the word meant: a third of its letters wrong at most (at least one), or the
 * start of it (a truncated id such as "gatea" for "gateau"). */
static int is_near(const char *typo, const char *word, int *dist)
{
    size_t n = strlen(typo);
    *dist = vt_edit_distance(typo, word);
    int budget = (int)(strlen(word) > n ? strlen(word) : n) / 3;
    if (budget < 1) budget = 1;
    if (*dist <= budget) return 1;
    if (n >= 3 && !strncasecmp(word, typo, n)) { *dist = budget; return 1; }
    return 0;
}

const char *vt_nearest_word(const char *typo, const char *const *words)
{
    const char *best = NULL;
    int best_d = 1 << 30, d;
    for (int i = 0; words && words[i]; i++)
        if (strcmp(typo, words[i]) && is_near(typo, words[i], &d) && d < best_d) { best = words[i]; best_d = d; }
    return best;
}

/* Appends ", id" (the first without the comma) while it fits; 0 when full. */
static int append_id(char *buf, size_t len, size_t *o, int first, const char *id)
{
    int w = snprintf(buf + *o, len - *o, "%s%s", first ? "" : ", ", id);
    if (w < 0 || (size_t)w >= len - *o) { buf[*o] = 0; return 0; }
    *o += (size_t)w;
    return 1;
}

int vt_catalog_near_ids(const vt_catalog *c, const char *id, char *buf, size_t len)
{
    size_t o = 0;
    int shown = 0, d;
    buf[0] = 0;
    /* Nearest first, up to eight: one pass keeping the best eight (by distance, then order). */
    int best[8], best_d[8], nb = 0;
    for (int i = 0; c && i < c->count; i++) {
        if (!c->products[i].id || !is_near(id, c->products[i].id, &d)) continue;
        if (nb == 8 && d >= best_d[7]) continue;
        int k = nb < 8 ? nb++ : 7;
        for (; k > 0 && best_d[k - 1] > d; k--) { best[k] = best[k - 1]; best_d[k] = best_d[k - 1]; }
        best[k] = i;
        best_d[k] = d;
    }
    for (; shown < nb; shown++)
        if (!append_id(buf, len, &o, !shown, c->products[best[shown]].id)) return 1;
    if (shown) return 1;
    for (int i = 0; c && i < c->count && i < 8; i++)
        if (c->products[i].id && !append_id(buf, len, &o, !i, c->products[i].id)) break;
    if (c && c->count > 8) snprintf(buf + o, len - o, ", ...");
    return 0;
}

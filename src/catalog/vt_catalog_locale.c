/* vt_catalog_locale.c — the store's locale and currency, checked against CLDR and ISO 4217, and
 * prices written as they decide (the i18n stage, ICU): no locale is written by hand here. */
#include "catalog/vt_catalog.h"
#include "catalog_scan.h"
#include "i18n/vt_i18n.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

char *vt_format_price(double value, const char *locale, const char *currency, char *buf, size_t len)
{
    if (!len) return buf;
    locale = locale ? locale : "en_US";
    currency = currency ? currency : "EUR";
    /* Beyond the limit no number rather than a wrong one (a basket of 1e20 once showed
     * 92 233 720 368 547 758,08 €). A price that does not fit buf is not cut short either. */
    vt_result r = VT_ERR_ARG;
    if (isfinite(value) && fabs(value) < VT_PRICE_FORMAT_MAX) r = vt_i18n_format_price(value, locale, currency, buf, len);
    if (r != VT_OK && vt_i18n_format_no_price(locale, currency, buf, len) != VT_OK)
        snprintf(buf, len, "%s", len > 3 ? "\u2014" : "");   /* never half a character */
    return buf;
}

/* An error at the store key key ("locale"): its value, and why it is not one. */
static int error_at(const vt_catalog *c, vt_catalog_report *rep, const char *key, const char *why)
{
    char jp[32];
    snprintf(jp, sizeof jp, "store.%s", key);
    int line, col, loc = !strcmp(key, "locale");
    vt_catalog_position(c, jp, &line, &col);
    if (loc) vt_catalog_report_add(rep, 1, line, col, _("store.locale \"%.40s\" is not a CLDR locale: %s"), c->locale, why);
    else vt_catalog_report_add(rep, 1, line, col, _("store.currency \"%.40s\" is not a current ISO 4217 currency: %s"),
                               c->currency, why);
    return 1;
}

int cat_check_locale(const vt_catalog *c, vt_catalog_report *rep)
{
    char why[200];
    int errors = 0;
    if (vt_i18n_locale_check(c->locale, why, sizeof why) != VT_OK) errors += error_at(c, rep, "locale", why);
    if (vt_i18n_currency_check(c->currency, why, sizeof why) != VT_OK) {
        /* "EURO", "eur", "Chf": the code its first three letters make, in capitals, when there is one. */
        char near[4] = "", w[8];
        for (int i = 0; i < 3 && c->currency[i]; i++) near[i] = (char)toupper((unsigned char)c->currency[i]);
        size_t n = strlen(why);
        if (strcmp(near, c->currency) && vt_i18n_currency_check(near, w, sizeof w) == VT_OK)
            snprintf(why + n, sizeof why - n, _("; did you mean \"%s\"?"), near);
        errors += error_at(c, rep, "currency", why);
    }
    return errors;
}

/* Whether value has more decimals than digits allows (as a double holds it: 89.99 has two). */
static int more_decimals(double value, int digits)
{
    double scaled = value * pow(10, digits);
    return fabs(scaled - nearbyint(scaled)) > 1e-9 * fmax(1, fabs(scaled));
}

/* "products[i].price": a warning when the currency's digits change what the tag shows. */
static void check_shown(const vt_catalog *c, vt_catalog_report *rep, const vt_product *p, const char *pp,
                        const char *key, double value, int digits)
{
    char why[8];
    /* The exact test is ICU's; the quick one keeps a catalog of 10,000 whole prices quick. */
    if (!more_decimals(value, digits) || vt_i18n_locale_check(c->locale, why, sizeof why) != VT_OK ||
        vt_i18n_price_rounds(value, c->locale, c->currency) != 1)
        return;
    char jp[96], shown[VT_I18N_PRICE_LEN], unit[64];
    snprintf(jp, sizeof jp, "%s.%s", pp, key);
    vt_format_price(value, c->locale, c->currency, shown, sizeof shown);
    if (digits == 0) snprintf(unit, sizeof unit, _("%s has no minor unit"), c->currency);
    else snprintf(unit, sizeof unit, vt_trn("%s has %d decimal digit", "%s has %d decimal digits", (unsigned long)digits), c->currency, digits);
    int line, col, before = rep ? rep->count : 0;
    vt_catalog_position(c, jp, &line, &col);
    vt_catalog_report_add(rep, 0, line, col, _("%.60s: %s %.15g %s shows as %s: %s"), p->id ? p->id : "?", key, value,
                          c->currency, shown, unit);
    if (rep && rep->count > before) rep->items[rep->count - 1].at_load = 1;   /* the display logs it too */
}

void cat_check_price_shown(const vt_catalog *c, vt_catalog_report *rep, const vt_product *p, const char *pp)
{
    int digits = vt_i18n_currency_digits(c->currency);
    if (digits < 0) return;   /* an error of its own */
    if (p->price >= 0) check_shown(c, rep, p, pp, "price", p->price, digits);
    if (p->promo_price >= 0) check_shown(c, rep, p, pp, "promo_price", p->promo_price, digits);
    if (p->promotion_price >= 0) check_shown(c, rep, p, pp, "promotion.price", p->promotion_price, digits);
}

/* price_table.c — prices as Vitrine writes them, for tests/test_prices.py: reads lines
 * "LOCALE CURRENCY VALUE" on stdin and writes, for each, vt_format_price's text (UTF-8) and
 * whether the catalog's check finds that the currency's digits change the value:
 *   LOCALE CURRENCY VALUE<TAB>TEXT<TAB>ROUNDS
 * VALUE is read with strtod ("nan", "inf", "1e20" too). With --icu-version it writes the version
 * of the ICU it runs on (the test's python3-icu must be the same). */
#include "catalog/vt_catalog.h"
#include "i18n/vt_i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uversion.h>

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--icu-version")) {
        UVersionInfo v;
        char s[U_MAX_VERSION_STRING_LENGTH];
        u_getVersion(v);
        u_versionToString(v, s);
        puts(s);
        return 0;
    }
    char loc[64], cur[16], num[64];
    while (scanf("%63s %15s %63s", loc, cur, num) == 3) {
        double v = strtod(num, NULL);
        char buf[VT_I18N_PRICE_LEN];
        vt_format_price(v, loc, cur, buf, sizeof buf);
        printf("%s %s %s\t%s\t%d\n", loc, cur, num, buf, vt_i18n_price_rounds(v, loc, cur));
    }
    return 0;
}

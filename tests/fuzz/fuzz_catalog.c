/* fuzz_catalog.c — libFuzzer target: the catalog parser and checker on arbitrary bytes.
 * Built by tests/fuzz/run.sh with clang (-fsanitize=fuzzer,address,undefined). */
#include "catalog/vt_catalog.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);   /* the parser reads a NUL-terminated copy, as vt_read_file gives */
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    vt_catalog_report rep = { 0 };
    vt_catalog *c = NULL;
    vt_catalog_parse_text(text, size, "/fuzz/catalog.json", &rep, 1, &c);
    /* Use what came out, as validate and run do. */
    for (int i = 0; c && i < c->count; i++) {
        char price[64];
        vt_format_price(vt_product_price_now(&c->products[i]), c->locale, c->currency, price, sizeof price);
        (void)vt_catalog_find_marker(c, c->products[i].marker);
    }
    for (int i = 0; i < rep.count; i++) {
        char line[1400];
        vt_catalog_problem_format("/fuzz/catalog.json", &rep.items[i], line, sizeof line);
    }
    vt_catalog_report_free(&rep);
    vt_catalog_destroy(c);
    free(text);
    return 0;
}

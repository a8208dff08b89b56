/* console_products.c — STUB from the groundwork: replaced by its part's implementation. */
#include "console.h"

#include <stdio.h>
vt_result console_products_open(vt_console *c, char *err, size_t errlen) { (void)c; (void)err; (void)errlen; return VT_OK; }
void console_products_close(vt_console *c) { (void)c; }
void console_catalog_version(vt_console *c, int *number, char *etag, size_t len) { (void)c; *number = 0; snprintf(etag, len, "%s", ""); }
void console_api_products(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }
void console_api_product_get(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }
void console_api_product_add(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }
void console_api_product_patch(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }
void console_api_product_delete(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }
void console_api_store(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }
void console_api_versions(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }
void console_api_version_get(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }
void console_api_version_restore(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }

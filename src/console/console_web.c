/* console_web.c — STUB from the groundwork: replaced by its part's implementation. */
#include "console.h"

int console_web_file(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; (void)rs; return 0; }
void console_api_strings(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }

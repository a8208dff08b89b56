/* console_stats.c — STUB from the groundwork: replaced by its part's implementation. */
#include "console.h"


void console_api_stats(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }
void console_api_stats_csv(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }

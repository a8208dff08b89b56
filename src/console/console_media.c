/* console_media.c — STUB from the groundwork: replaced by its part's implementation. */
#include "console.h"

#include <stdio.h>
vt_result console_media_open(vt_console *c, char *err, size_t errlen) { (void)c; (void)err; (void)errlen; return VT_OK; }
void console_media_close(vt_console *c) { (void)c; }
void vt_console_set_status(vt_console *c, const vt_console_status *s) { (void)c; (void)s; }
int vt_console_wants_frame(vt_console *c) { (void)c; return 0; }
void vt_console_offer_frame(vt_console *c, const vt_image *frame) { (void)c; (void)frame; }
int console_run_self(vt_console *c, const char *const *args, double timeout_s, char *err, size_t errlen) { (void)c; (void)args; (void)timeout_s; snprintf(err, errlen, "not built yet"); return -1; }
void console_api_markers(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }
void console_api_live(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }
void console_api_status(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }

/* console_auth.c — STUB from the groundwork: replaced by its part's implementation. */
#include "console.h"

#include <string.h>
vt_result console_auth_open(vt_console *c, char *err, size_t errlen) { (void)c; (void)err; (void)errlen; return VT_OK; }
void console_auth_close(vt_console *c) { (void)c; }
struct console_session *console_auth_session(vt_console *c, const console_req *rq) { (void)c; (void)rq; return NULL; }
int console_auth_csrf_ok(vt_console *c, const console_req *rq) { (void)c; (void)rq; return 0; }
vt_result vt_console_set_password(const char *state_dir, const char *password, char *err, size_t errlen) { (void)state_dir; (void)password; (void)err; (void)errlen; return VT_ERR_UNSUPPORTED; }
void console_api_health(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_copy(rs, 200, "application/json", "{\"status\":\"ok\"}", 15); }
void console_api_login(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }
void console_api_logout(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }
void console_api_session(vt_console *c, console_req *rq, console_resp *rs) { (void)c; (void)rq; console_resp_error(rs, 501, "not built yet"); }

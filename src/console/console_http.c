/* console_http.c — STUB from the groundwork: replaced by its part's implementation. */
#include "console.h"

#include <stdio.h>
vt_result console_http_start(vt_console *c, char *err, size_t errlen) { (void)c; snprintf(err, errlen, "console: the network server is not built yet"); return VT_ERR_UNSUPPORTED; }
void console_http_stop(vt_console *c) { (void)c; }

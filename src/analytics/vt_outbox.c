/* vt_outbox.c — the analytics database as the kiosk's outbox (issue 20). (helper B) */
#include "analytics/vt_analytics.h"

#include <stdio.h>

vt_result vt_outbox_open(const char *path, const char *network, vt_outbox **out, char *err, size_t errlen)
{ (void)path; (void)network; *out = NULL; snprintf(err, errlen, "not yet"); return VT_ERR_UNSUPPORTED; }
void vt_outbox_close(vt_outbox *o) { (void)o; }
const char *vt_outbox_origin(const vt_outbox *o) { (void)o; return ""; }
int vt_outbox_next(vt_outbox *o, vt_outbox_event *out, int max, char *err, size_t errlen) { (void)o; (void)out; (void)max; (void)err; (void)errlen; return -1; }
int vt_outbox_sessions(vt_outbox *o, vt_outbox_session *out, int max, char *err, size_t errlen) { (void)o; (void)out; (void)max; (void)err; (void)errlen; return -1; }
vt_result vt_outbox_mark(vt_outbox *o, int64_t seq, const vt_outbox_session *s, int n, char *err, size_t errlen)
{ (void)o; (void)seq; (void)s; (void)n; (void)err; (void)errlen; return VT_ERR_UNSUPPORTED; }
int64_t vt_outbox_pending(vt_outbox *o) { (void)o; return -1; }
vt_result vt_outbox_reset(vt_outbox *o, char *err, size_t errlen) { (void)o; (void)err; (void)errlen; return VT_ERR_UNSUPPORTED; }

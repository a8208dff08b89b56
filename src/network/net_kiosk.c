/* net_kiosk.c — the kiosk's network thread: connect, register, heartbeat. (helper B) */
#include "network_internal.h"

#include <stdlib.h>

struct vt_network { int unused; };

vt_result vt_network_create(const vt_network_desc *d, vt_network **out, char *err, size_t errlen)
{ (void)d; *out = NULL; snprintf(err, errlen, "not yet"); return VT_ERR_UNSUPPORTED; }
void vt_network_destroy(vt_network *n) { free(n); }
void vt_network_set_status(vt_network *n, const vt_network_kiosk_status *s) { (void)n; (void)s; }
void vt_network_get_stats(vt_network *n, vt_network_stats *out) { (void)n; *out = (vt_network_stats){ 0 }; }

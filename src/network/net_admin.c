/* net_admin.c — the shop's side: migrations, kiosk roles, partitions and retention. (helper A) */
#include "network_internal.h"

vt_result vt_network_migrate(const char *url, int *applied, char *err, size_t errlen)
{ (void)url; (void)applied; snprintf(err, errlen, "not yet"); return VT_ERR_UNSUPPORTED; }
vt_result vt_network_add_kiosk(const char *url, const char *kiosk, const char *store, const char *password, char *err, size_t errlen)
{ (void)url; (void)kiosk; (void)store; (void)password; snprintf(err, errlen, "not yet"); return VT_ERR_UNSUPPORTED; }
vt_result vt_network_maintain(const char *url, int months_ahead, int keep_months, int *dropped, char *err, size_t errlen)
{ (void)url; (void)months_ahead; (void)keep_months; (void)dropped; snprintf(err, errlen, "not yet"); return VT_ERR_UNSUPPORTED; }

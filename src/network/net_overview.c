/* net_overview.c — the network's figures: kiosks, stores, visits across them. (helper A) */
#include "network_internal.h"

vt_result vt_network_overview_json(const char *url, const char *from, const char *to, char **json, char *err, size_t errlen)
{ (void)url; (void)from; (void)to; *json = NULL; snprintf(err, errlen, "not yet"); return VT_ERR_UNSUPPORTED; }
vt_result vt_network_stats_print(const char *url, const char *from, const char *to, int format, FILE *out, char *err, size_t errlen)
{ (void)url; (void)from; (void)to; (void)format; (void)out; snprintf(err, errlen, "not yet"); return VT_ERR_UNSUPPORTED; }

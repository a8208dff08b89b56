/* net_publish.c — a catalog and its models published as a store's next version. (helper A) */
#include "network_internal.h"

vt_result vt_network_publish(const char *url, const char *store, const char *catalog, const char *by, const char *summary,
                             int *version, char *err, size_t errlen)
{ (void)url; (void)store; (void)catalog; (void)by; (void)summary; (void)version; snprintf(err, errlen, "not yet"); return VT_ERR_UNSUPPORTED; }

/* net_catalog.c — the store's publications followed, downloaded, checked and kept. (helper B) */
#include "network_internal.h"

int vt_network_take_catalog(vt_network *n, char *path, size_t len, int *version)
{ (void)n; (void)path; (void)len; (void)version; return 0; }
void vt_network_catalog_result(vt_network *n, int version, int ok, const char *err) { (void)n; (void)version; (void)ok; (void)err; }
int vt_network_last_good(const char *state_dir, const char *store, char *path, size_t len, int *version)
{ (void)state_dir; (void)store; (void)path; (void)len; (void)version; return 0; }

/* include_probe.c — compiled against one stage's library with another stage's header: the build
 * must refuse a header from downstream (tests/CMakeLists.txt, "layering" tests). */
#include VT_PROBE_HEADER

int vt_layering_probe(void) { return 0; }

/* vt_gst.c — stub: being written (issue 23). */
#include "capture_live.h"

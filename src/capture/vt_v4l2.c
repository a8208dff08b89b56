/* vt_v4l2.c — stub: being written (issue 23). */
#include "capture_live.h"

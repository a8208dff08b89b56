/* net_ship.c — the outbox's events shipped in batches, exactly once in effect. (helper B) */
#include "network_internal.h"

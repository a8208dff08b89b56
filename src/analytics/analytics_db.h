/* analytics_db.h — what the analytics' files share about the database (not public). */
#ifndef VT_ANALYTICS_DB_H
#define VT_ANALYTICS_DB_H

#include "analytics/vt_analytics.h"

#include <sqlite3.h>

/* Creates or upgrades db's schema to VT_ANALYTICS_SCHEMA_VERSION, each step in its own
 * transaction; a database written by a newer Vitrine is refused (err names path). */
vt_result vt_analytics_migrate(sqlite3 *db, const char *path, char *err, size_t errlen);

#endif

/* vt_unsaved.h (private to src/analytics) — the ends of sessions that could not be written to
 * the database (it was locked, or the disk full, when a run closed): kept in a small text file
 * beside it, PATH-unsaved, one line per session ("session ID stopped TS dropped N"), applied by
 * the next run that opens the database and counted by `vitrine stats` until then. */
#ifndef VT_UNSAVED_H
#define VT_UNSAVED_H

#include <stdint.h>
#include <stdio.h>

typedef struct vt_unsaved {
    int64_t session;
    char stopped[32];   /* ISO 8601 UTC */
    long dropped;       /* the session's dropped events in all */
} vt_unsaved;

/* The file's name for the database at db_path. */
void vt_unsaved_path(const char *db_path, char *out, size_t outlen);
/* Appends one session's end; 0 when it could not be written. */
int vt_unsaved_add(const char *db_path, const vt_unsaved *u);
/* Reads up to max lines (malformed ones skipped); how many. */
int vt_unsaved_read(const char *db_path, vt_unsaved *out, int max);

#endif

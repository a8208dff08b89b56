/* doctor.h (private to src/app) — `vitrine doctor`'s checks: each one fills a doctor_check with a
 * level, one line for staff and optional detail lines (cmd_doctor.c prints them, or JSON). */
#ifndef VT_DOCTOR_H
#define VT_DOCTOR_H

#include "catalog/vt_catalog.h"

#include <stdint.h>

typedef enum doctor_level { DOCTOR_OK = 0, DOCTOR_WARNING, DOCTOR_BLOCKER } doctor_level;

#define DOCTOR_MAX_DETAILS 12
#define DOCTOR_TEXT 1024

typedef struct doctor_check {
    const char *id;            /* stable, for --json: "cameras", "renderer", ... (static) */
    const char *title;         /* for staff, translated (static) */
    doctor_level level;
    char text[DOCTOR_TEXT];    /* the one line */
    char details[DOCTOR_MAX_DETAILS][DOCTOR_TEXT];   /* e.g. each camera, the first catalog problems */
    int ndetails;
} doctor_check;

/* What the checks share: the catalog file and, when it could be read (errors or not: the partial
 * products), the catalog itself. */
typedef struct doctor_ctx {
    const char *catalog_path;
    vt_catalog *cat;           /* NULL when the file could not be read as a catalog */
    vt_catalog_report rep;
} doctor_ctx;

/* Sets the level (never lowering it) and the line. */
void doctor_set(doctor_check *c, doctor_level level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Adds a detail line (past DOCTOR_MAX_DETAILS: dropped). */
void doctor_detail(doctor_check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* doctor_checks.c: the display's inputs. */
void doctor_check_catalog(doctor_ctx *d, doctor_check *c);
void doctor_check_cameras(const doctor_ctx *d, doctor_check *c);
void doctor_check_renderer(doctor_check *c);
void doctor_check_fonts(const doctor_ctx *d, doctor_check *c);
void doctor_check_models(const doctor_ctx *d, doctor_check *c);

/* doctor_system.c: the machine. */
void doctor_check_disk(const doctor_ctx *d, doctor_check *c);
void doctor_check_time_zone(const doctor_ctx *d, doctor_check *c);
void doctor_check_network(doctor_check *c);
void doctor_check_translations(const doctor_ctx *d, doctor_check *c);

/* Free space where analytics go: below DOCTOR_DISK_BLOCKER a run cannot keep a day's visits,
 * below DOCTOR_DISK_WARNING it soon will not (bytes). */
#define DOCTOR_DISK_BLOCKER (100ull * 1000 * 1000)
#define DOCTOR_DISK_WARNING (1000ull * 1000 * 1000)
doctor_level doctor_disk_level(uint64_t free_bytes);

#endif

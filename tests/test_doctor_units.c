/* test_doctor_units.c — `vitrine doctor`'s decisions a whole-program test cannot reach here: the
 * free-disk thresholds (a nearly full disk is hard to make), and the time-zone check against the
 * machine's zone (TZ) and the store's. */
#include "app/doctor.h"
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

static void test_disk_levels(void)
{
    CHECK(doctor_disk_level(0) == DOCTOR_BLOCKER);
    CHECK(doctor_disk_level(DOCTOR_DISK_BLOCKER - 1) == DOCTOR_BLOCKER);
    CHECK(doctor_disk_level(DOCTOR_DISK_BLOCKER) == DOCTOR_WARNING);
    CHECK(doctor_disk_level(DOCTOR_DISK_WARNING - 1) == DOCTOR_WARNING);
    CHECK(doctor_disk_level(DOCTOR_DISK_WARNING) == DOCTOR_OK);
    CHECK(doctor_disk_level(UINT64_MAX) == DOCTOR_OK);
    /* The real check on this machine's temporary folder: a level and the folder named. */
    doctor_check c = { 0 };
    doctor_ctx d = { .catalog_path = "/tmp/vt-doctor-units/catalog.json" };
    setenv("VITRINE_STATE_DIR", "/tmp/vt-doctor-units-state", 1);
    doctor_check_disk(&d, &c);
    CHECKF(strstr(c.text, "/tmp") != NULL, "%s", c.text);
}

/* The time-zone check's level with the machine on tz and the store on store (NULL: none). */
static doctor_level zone_level(const char *tz, const char *store, char *text, size_t len)
{
    vt_catalog cat = { .time_zone = (char *)store };
    doctor_ctx d = { .catalog_path = "x.json", .cat = &cat };
    doctor_check c = { 0 };
    setenv("TZ", tz, 1);
    doctor_check_time_zone(&d, &c);
    snprintf(text, len, "%s", c.text);
    return c.level;
}

static void test_time_zone(void)
{
    char t[DOCTOR_TEXT];
    CHECKF(zone_level("Etc/UTC", "Europe/Paris", t, sizeof t) == DOCTOR_WARNING && strstr(t, "Europe/Paris"), "%s", t);
    CHECKF(zone_level("Europe/Paris", "Europe/Paris", t, sizeof t) == DOCTOR_OK, "%s", t);
    CHECKF(zone_level(":Asia/Tokyo", "Europe/Paris", t, sizeof t) == DOCTOR_OK && strstr(t, "Asia/Tokyo"), "%s", t);
    CHECKF(zone_level("UTC", NULL, t, sizeof t) == DOCTOR_WARNING && strstr(t, "store.timezone"), "%s", t);
    CHECKF(zone_level("Europe/Berlin", NULL, t, sizeof t) == DOCTOR_OK, "%s", t);
    CHECKF(zone_level("UTC", "UTC", t, sizeof t) == DOCTOR_OK, "%s", t);
    CHECKF(zone_level("UTC", "Europe/Pariss", t, sizeof t) == DOCTOR_BLOCKER && strstr(t, "Europe/Paris"), "%s", t);
}

int main(void)
{
    test_disk_levels();
    test_time_zone();
    return t_finish("test_doctor_units");
}

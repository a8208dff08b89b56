/* test_tracking.c — presence with found/lost hysteresis: dropouts do not split a visit. */
#include "tracking/vt_tracking.h"
#include "test_util.h"

int main(int argc, char **argv)
{
    (void)argc; (void)argv;
    vt_presence p;
    vt_presence_init(&p, &(vt_presence_desc){ .lost_after = 5 });
    vt_presence_event ev[2 * VT_PRESENCE_MAX];
    int found = 0, lost = 0, a[] = { 7 }, ab[] = { 7, 9 };
    /* Marker 7 is seen in frames 0-3, 5, 8 and 9 (dropouts of one and two frames); marker 9 in 3 and 5. */
    for (int f = 0; f < 10; f++) {
        int n = (f == 4 || f == 6 || f == 7) ? 0 : (f == 3 || f == 5) ? 2 : 1;
        int ne = vt_presence_update(&p, f, f / 30.0, n == 2 ? ab : a, n, ev);
        for (int i = 0; i < ne; i++) {
            CHECK(ev[i].kind == VT_PRESENCE_FOUND);
            CHECK((ev[i].id == 7 && f == 0) || (ev[i].id == 9 && f == 3));
            found++;
        }
    }
    CHECK(found == 2);   /* the dropouts did not split either visit */
    /* Nothing more is seen: each is lost 5 frames after its last sighting, with its whole visit. */
    for (int f = 10; f < 20; f++) {
        int ne = vt_presence_update(&p, f, f / 30.0, NULL, 0, ev);
        for (int i = 0; i < ne; i++) {
            CHECK(ev[i].kind == VT_PRESENCE_LOST);
            if (ev[i].id == 9) CHECK(ev[i].first_frame == 3 && ev[i].last_frame == 5 && f == 10);
            if (ev[i].id == 7) CHECK(ev[i].first_frame == 0 && ev[i].last_frame == 9 && f == 14 && ev[i].last_t == 9 / 30.0);
            lost++;
        }
    }
    CHECK(lost == 2);
    /* Flush closes open visits. */
    vt_presence_update(&p, 20, 0, a, 1, ev);
    CHECK(vt_presence_flush(&p, ev) == 1 && ev[0].id == 7 && ev[0].first_frame == 20);
    CHECK(vt_presence_flush(&p, ev) == 0);
    return t_finish("test_tracking");
}

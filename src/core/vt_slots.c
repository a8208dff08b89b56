/* vt_slots.c — a bounded queue of slot indices between a producer and a consumer thread (the
 * frame loop's capture thread and GL thread, the output's writer): the payloads are the caller's,
 * preallocated, so nothing is allocated per item. */
#include "core/vt_core.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct vt_slots {
    pthread_mutex_t lock;
    pthread_cond_t changed;   /* a slot was freed or published, or the queue closed */
    int n, newest_wins, closed;
    int *fifo, head, count;   /* published slots, oldest at head */
    int *free_list, nfree;
    long dropped;
};

vt_result vt_slots_create(int nslots, int newest_wins, vt_slots **out, char *err, size_t errlen)
{
    *out = NULL;
    if (nslots < (newest_wins ? 3 : 1)) {
        snprintf(err, errlen, _("a queue of %d slots is too small"), nslots);
        return VT_ERR_ARG;
    }
    vt_slots *q = calloc(1, sizeof *q);
    int *fifo = calloc((size_t)nslots, sizeof *fifo), *fl = calloc((size_t)nslots, sizeof *fl);
    if (!q || !fifo || !fl) {
        free(q); free(fifo); free(fl);
        snprintf(err, errlen, _("out of memory"));
        return VT_ERR_NO_MEMORY;
    }
    pthread_mutex_init(&q->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&q->changed, &ca);
    pthread_condattr_destroy(&ca);
    q->n = nslots;
    q->newest_wins = newest_wins;
    q->fifo = fifo;
    q->free_list = fl;
    for (int i = nslots - 1; i >= 0; i--) fl[q->nfree++] = i;
    *out = q;
    return VT_OK;
}

int vt_slots_acquire(vt_slots *q)
{
    pthread_mutex_lock(&q->lock);
    int slot = -1;
    while (!q->closed) {
        if (q->nfree > 0) { slot = q->free_list[--q->nfree]; break; }
        if (q->newest_wins && q->count > 0) {   /* the oldest queued frame is stale: reuse it */
            slot = q->fifo[q->head];
            q->head = (q->head + 1) % q->n;
            q->count--;
            q->dropped++;
            break;
        }
        pthread_cond_wait(&q->changed, &q->lock);
    }
    pthread_mutex_unlock(&q->lock);
    return slot;
}

void vt_slots_publish(vt_slots *q, int slot)
{
    pthread_mutex_lock(&q->lock);
    while (q->newest_wins && q->count > 0) {   /* a newer frame: the one still waiting is stale */
        q->free_list[q->nfree++] = q->fifo[q->head];
        q->head = (q->head + 1) % q->n;
        q->count--;
        q->dropped++;
    }
    q->fifo[(q->head + q->count++) % q->n] = slot;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
}

/* Waits on the queue's condition until deadline (absolute, monotonic); 0 on timeout. */
static int wait_until(vt_slots *q, const struct timespec *deadline)
{
    if (!deadline) { pthread_cond_wait(&q->changed, &q->lock); return 1; }
    return pthread_cond_timedwait(&q->changed, &q->lock, deadline) != ETIMEDOUT;
}

int vt_slots_take(vt_slots *q, int timeout_ms)
{
    struct timespec dl, *deadline = NULL;
    if (timeout_ms >= 0) {
        clock_gettime(CLOCK_MONOTONIC, &dl);
        long long ns = dl.tv_nsec + (long long)timeout_ms * 1000000LL;
        dl.tv_sec += (time_t)(ns / 1000000000LL);
        dl.tv_nsec = (long)(ns % 1000000000LL);
        deadline = &dl;
    }
    pthread_mutex_lock(&q->lock);
    int slot = -1;
    for (;;) {
        if (q->count > 0) {
            slot = q->fifo[q->head];
            q->head = (q->head + 1) % q->n;
            q->count--;
            break;
        }
        if (q->closed) { slot = -2; break; }
        if (timeout_ms == 0 || !wait_until(q, deadline)) break;
    }
    pthread_mutex_unlock(&q->lock);
    return slot;
}

void vt_slots_release(vt_slots *q, int slot)
{
    pthread_mutex_lock(&q->lock);
    if (slot >= 0 && slot < q->n && q->nfree < q->n) q->free_list[q->nfree++] = slot;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
}

int vt_slots_pending(vt_slots *q)
{
    pthread_mutex_lock(&q->lock);
    int n = q->count;
    pthread_mutex_unlock(&q->lock);
    return n;
}

long vt_slots_dropped(vt_slots *q)
{
    pthread_mutex_lock(&q->lock);
    long n = q->dropped;
    pthread_mutex_unlock(&q->lock);
    return n;
}

void vt_slots_close(vt_slots *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = 1;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
}

void vt_slots_destroy(vt_slots *q)
{
    if (!q) return;
    pthread_cond_destroy(&q->changed);
    pthread_mutex_destroy(&q->lock);
    free(q->fifo);
    free(q->free_list);
    free(q);
}

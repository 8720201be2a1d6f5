/*
 * relay_loadgen's shared-socket mode (`sockets K [THREADS]`): K unconnected sockets instead of one
 * connected socket per stream, served by THREADS threads (each owns whole socket pairs, so a call,
 * both its streams and both its send-time rings, belongs to one thread and nothing per packet is
 * shared between threads).
 *
 * Per 5 ms tick a thread first reads its sockets (recvmmsg, 64 datagrams a call; the sockets are
 * not watched, so the relay's packets never wake the generator, and each datagram's latency ends
 * at its kernel arrival timestamp, SO_TIMESTAMPNS), then sends the slots that came due: each
 * stream's packet is queued on its socket and a socket's queue leaves in sendmmsg calls of up to
 * 64, each datagram with its relay leg's address. A received datagram's source port is the relay
 * leg's, which names the receiving stream (a flat table filled by `ep`). Thread 0 leads: it
 * announces the window and measures the process's CPU over it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "relay_loadgen.h"

#define RECV_BATCH 64
#define RECV_BUF 2048

/* Per thread: receive buffers and their sources and arrival timestamps. */
static _Thread_local uint8_t recv_bufs[RECV_BATCH][RECV_BUF];
static _Thread_local struct iovec recv_iov[RECV_BATCH];
static _Thread_local struct mmsghdr recv_msgs[RECV_BATCH];
static _Thread_local struct sockaddr_in recv_from[RECV_BATCH];
static _Thread_local union {
    struct cmsghdr align;
    uint8_t buf[CMSG_SPACE(sizeof(struct timespec))];
} recv_ctrl[RECV_BATCH];

/* CLOCK_MONOTONIC - CLOCK_REALTIME, ns, sampled before the threads start */
static int64_t mono_minus_real;

/* The datagrams queued on one shared socket in this tick (SRTP output in out[]). */
typedef struct {
    int n;
    struct mmsghdr msgs[LG_SEND_BATCH];
    struct iovec iov[LG_SEND_BATCH];
    uint8_t out[LG_SEND_BATCH][LG_MAX_PACKET + 32];
} lg_batch_t;

typedef struct {
    lg_state_t *st;
    const lg_run_opts_t *o;
    void (*on_window)(const char *phase);
    int index, nthreads;
    uint64_t t0;
    int *first; /* first stream of each of this thread's calls */
    int calls;
    lg_batch_t *batch; /* one per shared socket (only this thread's are used) */
    lg_totals_t t;
} lg_worker_t;

static int owns(const lg_worker_t *w, int socket) { return (socket / 2) % w->nthreads == w->index; }

/* Sends what is queued on shared socket fd; a datagram the kernel refuses counts as a send error
 * (sendmmsg reports an error only for the first datagram of a call: skip it and go on). */
static void flush(lg_totals_t *t, int fd, lg_batch_t *b) {
    int off = 0;
    while (off < b->n) {
        int r = sendmmsg(fd, b->msgs + off, (unsigned)(b->n - off), MSG_DONTWAIT);
        if (r > 0) {
            off += r;
        } else {
            t->send_errors++;
            off++;
        }
    }
    b->n = 0;
}

static void queue_one(lg_totals_t *t, lg_batch_t *b, lg_stream_t *s, uint64_t now, uint64_t base, int measuring) {
    int i = b->n;
    const uint8_t *out;
    int len = lg_next_packet(t, s, now, base, measuring, b->out[i], &out);
    if (len < 0) return;
    b->iov[i] = (struct iovec){(void *)out, (size_t)len};
    b->msgs[i].msg_hdr = (struct msghdr){.msg_name = &s->dst, .msg_namelen = sizeof(s->dst), .msg_iov = &b->iov[i], .msg_iovlen = 1};
    if (++b->n == LG_SEND_BATCH) flush(t, s->fd, b);
}

/* The stream a datagram from src_port is for. The leg's port when only one stream sends there (a
 * relay: a port per leg); else (the generator sending to itself) the stream whose peer's SSRC it
 * carries and whose leg is src_port. NULL: nobody's. */
static lg_stream_t *stream_of(lg_state_t *st, uint16_t src_port, const uint8_t *pkt, int len) {
    uint32_t e = st->by_port[src_port];
    if (e != LG_PORT_SHARED) return e == 0 ? NULL : st->streams[e - 1];
    if (len < LG_RTP_HEADER) return NULL;
    uint32_t off = ((uint32_t)pkt[8] << 24 | (uint32_t)pkt[9] << 16 | (uint32_t)pkt[10] << 8 | pkt[11]) - LG_SSRC_BASE;
    uint32_t sender = off / LG_SSRC_STEP;
    if (off % LG_SSRC_STEP != 0 || sender >= (uint32_t)st->count || (sender ^ 1u) >= (uint32_t)st->count) return NULL;
    lg_stream_t *r = st->streams[sender ^ 1u];
    return ntohs(r->dst.sin_port) == src_port ? r : NULL;
}

/* µs after base at which datagram i arrived (its SO_TIMESTAMPNS), or fallback without one. */
static uint64_t arrival_us(int i, uint64_t base, uint64_t fallback) {
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&recv_msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&recv_msgs[i].msg_hdr, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
        struct timespec ts;
        memcpy(&ts, CMSG_DATA(c), sizeof(ts));
        int64_t mono = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec + mono_minus_real;
        return mono > (int64_t)base ? (uint64_t)(mono - (int64_t)base) / 1000 : 0;
    }
    return fallback;
}

static void receive_socket(lg_state_t *st, lg_totals_t *t, int k, uint64_t base) {
    int fd = st->shared_fds[k];
    for (;;) {
        for (int i = 0; i < RECV_BATCH; i++) recv_msgs[i].msg_hdr.msg_controllen = sizeof(recv_ctrl[i]);
        int n = recvmmsg(fd, recv_msgs, RECV_BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0) return;
        uint64_t now_us = (lg_now_ns() - base) / 1000;
        for (int i = 0; i < n; i++) {
            int len = (int)recv_msgs[i].msg_len;
            lg_stream_t *r = stream_of(st, ntohs(recv_from[i].sin_port), recv_bufs[i], len);
            /* a datagram on a socket other than its stream's is misrouted: not received */
            if (!r || r->shared != k) t->unmatched++;
            else lg_on_packet(st, t, r, recv_bufs[i], len, arrival_us(i, base, now_us), base);
        }
        if (n < RECV_BATCH) return;
    }
}

static void receive_mine(lg_worker_t *w) {
    for (int k = 0; k < w->st->nshared; k++)
        if (owns(w, k)) receive_socket(w->st, &w->t, k, w->t0);
}

static void sleep_until(uint64_t at_ns) {
    struct timespec ts = {(time_t)(at_ns / 1000000000ULL), (long)(at_ns % 1000000000ULL)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {}
}

static void *work(void *arg) {
    lg_worker_t *w = arg;
    lg_state_t *st = w->st;
    lg_totals_t *t = &w->t;
    const int lead = w->index == 0;
    for (int i = 0; i < RECV_BATCH; i++) {
        recv_iov[i] = (struct iovec){recv_bufs[i], RECV_BUF};
        recv_msgs[i].msg_hdr = (struct msghdr){.msg_name = &recv_from[i], .msg_namelen = sizeof(recv_from[i]),
                                               .msg_iov = &recv_iov[i], .msg_iovlen = 1, .msg_control = recv_ctrl[i].buf};
    }
    const uint64_t t0 = w->t0;
    const uint64_t measure_start = t0 + (uint64_t)w->o->warmup_ms * 1000000ULL;
    const uint64_t measure_end = measure_start + (uint64_t)w->o->measure_ms * 1000000ULL;
    uint64_t done = 0, window_start = 0, drain_end = 0, next = t0;
    double cpu0 = 0;
    for (;;) {
        sleep_until(next);
        receive_mine(w); /* what arrived since the last tick */
        uint64_t now = lg_now_ns();
        if (drain_end) {
            if (now >= drain_end) break;
            next = now + LG_SLOT_NS < drain_end ? now + LG_SLOT_NS : drain_end;
            continue;
        }
        while (done <= (now - t0) / LG_SLOT_NS) {
            /* A packet belongs to the window by its scheduled slot, not by when it left. */
            uint64_t slot_time = t0 + done * LG_SLOT_NS;
            if (slot_time >= measure_end) {
                t->window_ms = (double)(now - window_start + LG_SLOT_NS) / 1e6;
                if (lead) {
                    t->cpu_s = lg_cpu_seconds() - cpu0;
                    t->cpu_wall_s = (double)(now - window_start) / 1e9;
                    w->on_window("end");
                }
                drain_end = now + (uint64_t)w->o->drain_ms * 1000000ULL;
                break;
            }
            int measuring = slot_time >= measure_start;
            if (measuring && !window_start) {
                window_start = now;
                if (lead) {
                    cpu0 = lg_cpu_seconds();
                    w->on_window("start");
                }
            }
            if (measuring) lg_hist_record(&t->slot_lag, (now - slot_time) / 1000);
            for (int j = (int)(done % LG_SLOTS); j < w->calls; j += LG_SLOTS) {
                lg_stream_t *a = st->streams[w->first[j]], *b = st->streams[w->first[j] + 1];
                queue_one(t, &w->batch[a->shared], a, now, t0, measuring);
                queue_one(t, &w->batch[b->shared], b, now, t0, measuring);
            }
            for (int k = 0; k < st->nshared; k++)
                if (w->batch[k].n > 0) flush(t, st->shared_fds[k], &w->batch[k]);
            done++;
            now = lg_now_ns();
        }
        if (!drain_end) next = t0 + done * LG_SLOT_NS;
        else next = now + LG_SLOT_NS < drain_end ? now + LG_SLOT_NS : drain_end;
    }
    /* Whatever already sits in its sockets reached it within the drain time: read and count it
     * (the relay delivered it; only this thread had not read it yet). */
    uint64_t before = t->received;
    receive_mine(w);
    t->read_after_drain = t->received - before;
    return NULL;
}

static void hist_add(lg_hist_t *into, const lg_hist_t *h) {
    for (int i = 0; i <= LG_BINS; i++) into->bins[i] += h->bins[i];
    into->count += h->count;
    if (h->max_us > into->max_us) into->max_us = h->max_us;
}

/* Thread w's counters into the run's (the leader's window and CPU figures stand for the run). */
static void merge(lg_totals_t *into, const lg_totals_t *t) {
    into->sent += t->sent;
    into->received += t->received;
    into->unmatched += t->unmatched;
    into->verified += t->verified;
    into->verify_failures += t->verify_failures;
    into->send_errors += t->send_errors;
    into->read_after_drain += t->read_after_drain;
    if (!into->verify_failure_kind) into->verify_failure_kind = t->verify_failure_kind;
    hist_add(&into->latency, &t->latency);
    hist_add(&into->slot_lag, &t->slot_lag);
    if (t->window_ms > into->window_ms) into->window_ms = t->window_ms;
}

int lg_run_shared(lg_state_t *st, const lg_run_opts_t *o, void (*on_window)(const char *phase)) {
    lg_totals_t *t = &st->totals;
    int n = st->nthreads > 0 ? st->nthreads : 1;
    struct timespec m, r;
    clock_gettime(CLOCK_MONOTONIC, &m);
    clock_gettime(CLOCK_REALTIME, &r);
    mono_minus_real = ((int64_t)m.tv_sec - (int64_t)r.tv_sec) * 1000000000LL + (m.tv_nsec - r.tv_nsec);
    lg_worker_t *w = calloc((size_t)n, sizeof(*w));
    pthread_t *tid = calloc((size_t)n, sizeof(*tid));
    int ok = w && tid;
    for (int i = 0; ok && i < n; i++) {
        w[i] = (lg_worker_t){.st = st, .o = o, .on_window = on_window, .index = i, .nthreads = n};
        w[i].first = malloc(sizeof(int) * (size_t)(st->count / 2 + 1));
        w[i].batch = calloc((size_t)st->nshared, sizeof(lg_batch_t));
        ok = w[i].first && w[i].batch;
    }
    int calls = 0;
    for (int i = 0; ok && i + 1 < st->count; i += 2) {
        lg_stream_t *a = st->streams[i];
        if (!a->configured || !st->streams[i + 1]->configured) continue;
        lg_worker_t *owner = &w[(a->shared / 2) % n];
        owner->first[owner->calls++] = i;
        calls++;
    }
    int started = 0;
    if (ok) {
        const uint64_t t0 = lg_now_ns();
        for (int i = 0; i < n; i++) w[i].t0 = t0;
        for (started = 1; started < n && pthread_create(&tid[started], NULL, work, &w[started]) == 0; started++) {}
        work(&w[0]);
        for (int i = 1; i < started; i++) pthread_join(tid[i], NULL);
        t->cpu_s = w[0].t.cpu_s;
        t->cpu_wall_s = w[0].t.cpu_wall_s;
        for (int i = 0; i < n; i++) merge(t, &w[i].t);
    }
    for (int i = 0; w && i < n; i++) {
        free(w[i].first);
        free(w[i].batch);
    }
    free(w);
    free(tid);
    if (!ok) return -1;
    if (started < n) {
        errno = EAGAIN; /* a thread did not start: its calls did not send */
        return -1;
    }
    return calls;
}

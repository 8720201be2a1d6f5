/*
 * The packet engine of relay_loadgen: one thread, one epoll set holding every stream's socket and
 * a timerfd. The 20 ms packet interval is cut into 4 slots of 5 ms; call c sends both of its
 * streams in slot c % 4, so a tick sends a quarter of all packets. A late tick sends every slot
 * that has come due (the rate holds) and records its lateness. Nothing is allocated per packet:
 * each stream rewrites its own packet buffer, receive buffers are static.
 *
 * This file runs the per-stream mode (`sockets 0`): one send(2) per packet on the stream's
 * connected socket; every socket is in the epoll set and read (recvmmsg) as soon as it is ready,
 * usually one packet per wake-up; the latency ends when the packet is read. The shared-socket
 * mode is loadgen_shared.c; both stamp, match and verify packets with the functions here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sock_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "relay_loadgen.h"

#define SLOTS LG_SLOTS
#define SLOT_NS LG_SLOT_NS
#define RECV_BATCH 64
#define RECV_BUF 2048
#define MAX_EVENTS 512
#define TIMER_TAG UINT64_MAX

static uint8_t recv_bufs[RECV_BATCH][RECV_BUF];
static struct iovec recv_iov[RECV_BATCH];
static struct mmsghdr recv_msgs[RECV_BATCH];
int lg_rtp_packet = LG_RTP_HEADER + 160;
static uint8_t send_buf[LG_MAX_PACKET + 32];
/* per thread: the shared-socket mode verifies on several threads */
static _Thread_local uint8_t plain_buf[RECV_BUF];

uint64_t lg_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void lg_hist_record(lg_hist_t *h, uint64_t us) {
    uint64_t bin = us / LG_BIN_US;
    h->bins[bin > LG_BINS ? LG_BINS : bin]++;
    h->count++;
    if (us > h->max_us) h->max_us = us;
}

double lg_hist_quantile(const lg_hist_t *h, double q) {
    if (h->count == 0) return -1;
    uint64_t target = (uint64_t)(q * (double)h->count + 0.999999), seen = 0;
    if (target == 0) target = 1;
    for (int i = 0; i <= LG_BINS; i++) {
        seen += h->bins[i];
        /* the bin's upper edge, never above the largest value recorded */
        if (seen >= target) return (double)(i == LG_BINS || (uint64_t)(i + 1) * LG_BIN_US > h->max_us ? h->max_us : (uint64_t)(i + 1) * LG_BIN_US) / 1000.0;
    }
    return (double)h->max_us / 1000.0;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) << 32 | get32(p + 4); }

/* Stamps the stream's next packet (sequence number, timestamp, send time) and protects it into
 * out when the leg is SRTP. Returns its length and sets *pkt, or -1 (a send error). */
int lg_next_packet(lg_totals_t *t, lg_stream_t *s, uint64_t now, uint64_t base, int measuring, uint8_t *out,
                       const uint8_t **pkt) {
    uint16_t seq = ++s->seq;
    s->rtp_ts += 160;
    uint8_t *p = s->pkt;
    put16(p + 2, seq);
    put32(p + 4, s->rtp_ts);
    put32(p + LG_TIME_OFFSET, (uint32_t)(now >> 32));
    put32(p + LG_TIME_OFFSET + 4, (uint32_t)now);
    s->sent_us[seq % LG_RING] = measuring ? (uint32_t)((now - base) / 1000) + 1 : 0;
    if (measuring) t->sent++;
    *pkt = p;
    int len = lg_rtp_packet;
    if (!s->send_suite) return len;
    if (ossl_protect(&s->send_ctx, p, lg_rtp_packet, out, &len) != OSSL_OK) {
        t->send_errors++;
        return -1;
    }
    *pkt = out;
    return len;
}

static void send_one(lg_totals_t *t, lg_stream_t *s, uint64_t now, uint64_t base, int measuring) {
    const uint8_t *out;
    int len = lg_next_packet(t, s, now, base, measuring, send_buf, &out);
    if (len >= 0 && send(s->fd, out, (size_t)len, MSG_DONTWAIT) != len) t->send_errors++;
}

static const char *status_name(enum ossl_status st) {
    switch (st) {
    case OSSL_TOO_SHORT: return "too_short";
    case OSSL_MALFORMED: return "malformed";
    case OSSL_AUTH_FAILED: return "auth_failed";
    case OSSL_REPLAYED: return "replayed";
    case OSSL_TOO_OLD: return "too_old";
    default: return "internal";
    }
}

static void verify_fail(lg_totals_t *t, const char *kind) {
    t->verify_failures++;
    if (!t->verify_failure_kind) t->verify_failure_kind = kind;
}

/* Unprotects (receiving leg SRTP) or reads the packet and checks it is the peer's, byte for byte:
 * length, sending stream id, the send time the peer recorded for this sequence number, filler. */
static void verify(lg_totals_t *t, lg_stream_t *r, const lg_stream_t *peer, const uint8_t *pkt, int len,
                   uint32_t sent_us, uint64_t base) {
    const uint8_t *plain = pkt;
    int plen = len;
    if (r->recv_suite) {
        enum ossl_status st = ossl_unprotect(&r->recv_ctx, pkt, len, plain_buf, &plen);
        if (st != OSSL_OK) return verify_fail(t, status_name(st));
        plain = plain_buf;
    }
    if (plen != lg_rtp_packet) return verify_fail(t, "length");
    uint64_t sent_at = get64(plain + LG_TIME_OFFSET);
    int ok = get32(plain + LG_STREAM_OFFSET) == peer->id && sent_at != 0 &&
             (sent_us == 0 || (sent_at >= base && (uint32_t)((sent_at - base) / 1000) + 1 == sent_us));
    for (int i = LG_STREAM_OFFSET + 4; ok && i < lg_rtp_packet; i++) ok = plain[i] == 0xff;
    if (!ok) return verify_fail(t, "payload mismatch");
    t->verified++;
}

/* One datagram received by stream r: matched to the peer's send ring by sequence number. */
void lg_on_packet(lg_state_t *st, lg_totals_t *t, lg_stream_t *r, const uint8_t *pkt, int len, uint64_t now_us, uint64_t base) {
    lg_stream_t *peer = (r->id ^ 1u) < (uint32_t)st->count ? st->streams[r->id ^ 1u] : NULL;
    if (!peer || len < LG_RTP_HEADER) {
        t->unmatched++;
        return;
    }
    uint16_t seq = (uint16_t)(pkt[2] << 8 | pkt[3]);
    uint32_t sent_us = peer->sent_us[seq % LG_RING];
    if (sent_us == 0) {
        t->unmatched++;
    } else {
        peer->sent_us[seq % LG_RING] = 0;
        t->received++;
        r->received++;
        uint64_t at = sent_us - 1;
        lg_hist_record(&t->latency, now_us > at ? now_us - at : 0);
    }
    if (seq % LG_VERIFY_EVERY == 0) verify(t, r, peer, pkt, len, sent_us, base);
}

static void receive(lg_state_t *st, lg_stream_t *r, uint64_t base) {
    for (;;) {
        int n = recvmmsg(r->fd, recv_msgs, RECV_BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0) return; /* EAGAIN, or an ICMP error reported on the socket */
        uint64_t now_us = (lg_now_ns() - base) / 1000;
        for (int i = 0; i < n; i++) lg_on_packet(st, &st->totals, r, recv_bufs[i], (int)recv_msgs[i].msg_len, now_us, base);
        if (n < RECV_BATCH) return;
    }
}

static int socket_count(const lg_state_t *st) { return st->nshared > 0 ? st->nshared : st->count; }
static int socket_fd(const lg_state_t *st, int i) { return st->nshared > 0 ? st->shared_fds[i] : st->streams[i]->fd; }

void lg_drain_sockets(lg_state_t *st) {
    for (int i = 0; i < socket_count(st); i++) {
        if (socket_fd(st, i) < 0) continue;
        while (recvmmsg(socket_fd(st, i), recv_msgs, RECV_BATCH, MSG_DONTWAIT, NULL) > 0) {}
    }
}

/* Datagrams the kernel has dropped at our sockets so far (receive buffer full): SO_MEMINFO. */
static uint64_t socket_drops(const lg_state_t *st) {
    uint64_t drops = 0;
    for (int i = 0; i < socket_count(st); i++) {
        uint32_t mem[SK_MEMINFO_VARS];
        socklen_t len = sizeof(mem);
        if (socket_fd(st, i) >= 0 && getsockopt(socket_fd(st, i), SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 &&
            len > SK_MEMINFO_DROPS * sizeof(uint32_t))
            drops += mem[SK_MEMINFO_DROPS];
    }
    return drops;
}

static void arm(int timerfd, uint64_t at_ns) {
    struct itimerspec its = {{0, 0}, {(time_t)(at_ns / 1000000000ULL), (long)(at_ns % 1000000000ULL)}};
    timerfd_settime(timerfd, TFD_TIMER_ABSTIME, &its, NULL);
}

double lg_cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The per-stream loop: epoll over every stream's socket and the timer. */
static int run_per_stream(lg_state_t *st, const lg_run_opts_t *o, void (*on_window)(const char *phase), const int *first,
                          int calls) {
    lg_totals_t *t = &st->totals;
    const uint64_t t0 = lg_now_ns();
    const uint64_t measure_start = t0 + (uint64_t)o->warmup_ms * 1000000ULL;
    const uint64_t measure_end = measure_start + (uint64_t)o->measure_ms * 1000000ULL;
    uint64_t done = 0, window_start = 0, drain_end = 0;
    double cpu0 = 0;
    int started = 0;
    struct epoll_event ev[MAX_EVENTS];
    struct epoll_event tev = {.events = EPOLLIN, .data.u64 = TIMER_TAG};
    if (epoll_ctl(st->epfd, EPOLL_CTL_ADD, st->timerfd, &tev) != 0) return -1;
    arm(st->timerfd, t0);
    for (;;) {
        int n = epoll_wait(st->epfd, ev, MAX_EVENTS, -1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        for (int k = 0; k < n; k++) {
            if (ev[k].data.u64 != TIMER_TAG) {
                receive(st, st->streams[ev[k].data.u64], t0);
                continue;
            }
            uint64_t expirations;
            if (read(st->timerfd, &expirations, sizeof(expirations)) < 0) { /* spurious */ }
            uint64_t now = lg_now_ns();
            if (drain_end) {
                if (now >= drain_end) goto finished;
                continue;
            }
            while (done <= (now - t0) / SLOT_NS) {
                /* A packet belongs to the window by its scheduled slot, not by when it left. */
                uint64_t slot_time = t0 + done * SLOT_NS;
                if (slot_time >= measure_end) {
                    t->window_ms = (double)(now - window_start + SLOT_NS) / 1e6;
                    t->cpu_s = lg_cpu_seconds() - cpu0;
                    t->cpu_wall_s = (double)(now - window_start) / 1e9;
                    on_window("end");
                    drain_end = now + (uint64_t)o->drain_ms * 1000000ULL;
                    break;
                }
                int measuring = slot_time >= measure_start;
                if (measuring && !started) {
                    started = 1;
                    window_start = now;
                    cpu0 = lg_cpu_seconds();
                    on_window("start");
                }
                if (measuring) lg_hist_record(&t->slot_lag, (now - slot_time) / 1000);
                for (int j = (int)(done % SLOTS); j < calls; j += SLOTS) {
                    send_one(t, st->streams[first[j]], now, t0, measuring);
                    send_one(t, st->streams[first[j] + 1], now, t0, measuring);
                }
                done++;
                now = lg_now_ns();
            }
            arm(st->timerfd, drain_end ? drain_end : t0 + done * SLOT_NS);
        }
    }
finished:
    /* Whatever already sits in our sockets reached us within the drain time: read and count it
     * (the relay delivered it; only this process had not read it yet). */
    {
        uint64_t before = t->received;
        for (int i = 0; i < st->count; i++) receive(st, st->streams[i], t0);
        t->read_after_drain = t->received - before;
    }
    epoll_ctl(st->epfd, EPOLL_CTL_DEL, st->timerfd, NULL);
    return calls;
}

int lg_run(lg_state_t *st, const lg_run_opts_t *o, void (*on_window)(const char *phase)) {
    lg_totals_t *t = &st->totals;
    memset(t, 0, sizeof(*t));
    for (int i = 0; i < RECV_BATCH; i++) {
        recv_iov[i] = (struct iovec){recv_bufs[i], RECV_BUF};
        recv_msgs[i].msg_hdr = (struct msghdr){.msg_iov = &recv_iov[i], .msg_iovlen = 1};
    }
    lg_drain_sockets(st);
    const uint64_t drops0 = socket_drops(st);
    /* Calls with both ends configured send; call j of those sends in slot j % SLOTS. */
    int calls = 0;
    int *first = malloc(sizeof(int) * (size_t)(st->count / 2 + 1));
    if (!first) return -1;
    for (int i = 0; i + 1 < st->count; i += 2) {
        memset(st->streams[i]->sent_us, 0, sizeof(st->streams[i]->sent_us));
        memset(st->streams[i + 1]->sent_us, 0, sizeof(st->streams[i + 1]->sent_us));
        st->streams[i]->received = st->streams[i + 1]->received = 0;
        if (st->streams[i]->configured && st->streams[i + 1]->configured) first[calls++] = i;
    }
    int rc = st->nshared > 0 ? lg_run_shared(st, o, on_window) : run_per_stream(st, o, on_window, first, calls);
    if (rc >= 0) {
        t->rcv_drops = socket_drops(st) - drops0;
        for (int j = 0; j < calls; j++)
            t->silent_streams += (st->streams[first[j]]->received == 0) + (st->streams[first[j] + 1]->received == 0);
    }
    free(first);
    return rc;
}

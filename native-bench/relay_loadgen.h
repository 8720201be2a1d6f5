/*
 * relay_loadgen: the relay benchmark's load generator in C (see relay_loadgen.c for the command
 * protocol). Shared between the command loop (relay_loadgen.c) and the packet engine
 * (loadgen_engine.c): stream state, counters, histograms.
 */
#ifndef SRTP_RELAY_LOADGEN_H
#define SRTP_RELAY_LOADGEN_H

#include <netinet/in.h>
#include <stdint.h>

#include "ossl_srtp.h"

#define LG_RTP_HEADER 12
/* 12-byte header + payload, every 20 ms: 160-byte G.711 by default; RELAY_LOADGEN_PAYLOAD=1200 for
 * video-sized packets (set once at start, before any stream exists). */
#define LG_MAX_PAYLOAD 1400
#define LG_MAX_PACKET (LG_RTP_HEADER + LG_MAX_PAYLOAD)
extern int lg_rtp_packet;
#define LG_TIME_OFFSET 12 /* payload: uint64 BE send time (CLOCK_MONOTONIC ns) */
#define LG_STREAM_OFFSET 20 /* payload: uint32 BE sending stream id, then 0xff (mu-law silence) */
#define LG_RING 1024 /* send-time ring per stream: 20 s of packets, far longer than any drain */
#define LG_VERIFY_EVERY 50 /* 1 received packet in 50 (by sequence number) fully checked */
/* The 20 ms packet interval in 4 slots of 5 ms: call j sends both streams in slot j % 4. */
#define LG_SLOTS 4
#define LG_SLOT_NS 5000000ULL

/* Shared-socket mode (`sockets K`): at most this many sockets, and datagrams per sendmmsg. */
#define LG_MAX_SHARED 64
#define LG_SEND_BATCH 64
#define LG_SSRC_BASE 0x50000000u
#define LG_SSRC_STEP 7919u /* stream id -> SSRC = LG_SSRC_BASE + id * LG_SSRC_STEP */

/* One phone of a call: it sends its stream to a relay leg and receives the other phone's stream
 * back from it. Stream 2c is call c's A, 2c+1 its B (peers). Per-stream mode: its own loopback
 * socket, connected to the leg. Shared mode: one of K unconnected sockets shared with other
 * streams; the leg's address goes with every datagram (msg_name), and a received datagram is
 * the stream's when its source is the stream's leg (relays send a leg's media from the port
 * that leg receives on: symmetric RTP, RFC 4961). */
typedef struct {
    int fd;     /* own socket, or the shared socket it uses */
    int shared; /* index of that shared socket, -1 in per-stream mode */
    uint16_t port;
    uint32_t id;
    int configured;
    struct sockaddr_in dst; /* the relay leg */
    uint16_t seq;
    uint32_t rtp_ts;
    uint32_t received; /* measured packets of the peer's stream received in this run */
    const bench_suite_t *send_suite; /* NULL: plain RTP */
    const bench_suite_t *recv_suite;
    ossl_srtp_ctx_t send_ctx;
    ossl_srtp_ctx_t recv_ctx;
    uint8_t pkt[LG_MAX_PACKET]; /* plaintext packet (lg_rtp_packet bytes), rewritten in place per send */
    /* µs after the run's start + 1 of each measured send, by seq % LG_RING; 0 = not measured or
     * already received */
    uint32_t sent_us[LG_RING];
} lg_stream_t;

/* Fixed 10 µs bins up to 200 ms plus one overflow bin (as src/bench/relay/latency-histogram.ts). */
#define LG_BIN_US 10
#define LG_BINS 20000
typedef struct {
    uint32_t bins[LG_BINS + 1];
    uint64_t count;
    uint64_t max_us;
} lg_hist_t;

typedef struct {
    uint64_t sent, received, unmatched, verified, verify_failures, send_errors;
    const char *verify_failure_kind; /* first failure, static string */
    char kind_buf[32];
    lg_hist_t latency;
    lg_hist_t slot_lag;
    uint64_t read_after_drain; /* of received: still unread in our sockets when the drain ended */
    uint64_t rcv_drops;        /* datagrams the kernel dropped at our own sockets (receive buffer full) */
    uint64_t silent_streams;   /* sending streams of which nothing measured arrived (misrouted or lost) */
    double window_ms;   /* wall time the measured slots took to send */
    double cpu_s;       /* getrusage user+sys of this process over the window */
    double cpu_wall_s;  /* wall time of the same window */
} lg_totals_t;

typedef struct {
    long warmup_ms, measure_ms, drain_ms;
} lg_run_opts_t;

/* Source port of a received datagram -> receiving stream id + 1 (0: none). A port that several
 * streams send to (generator to itself, no relay) is LG_PORT_SHARED: found by SSRC instead. */
#define LG_PORT_SHARED UINT32_MAX

typedef struct {
    lg_stream_t **streams;
    int count; /* streams opened (2 per call) */
    int cap;
    int nshared; /* 0: a connected socket per stream; else this many shared sockets (even) */
    int nthreads; /* shared mode: sending/receiving threads, each owning whole socket pairs */
    int shared_fds[LG_MAX_SHARED];
    uint16_t shared_ports[LG_MAX_SHARED];
    uint32_t *by_port; /* 65536 entries, shared mode only */
    int epfd;
    int timerfd;
    lg_totals_t totals;
} lg_state_t;

uint64_t lg_now_ns(void);
void lg_hist_record(lg_hist_t *h, uint64_t us);
/* Upper edge of the bin holding quantile q, ms; negative when empty. */
double lg_hist_quantile(const lg_hist_t *h, double q);

/* Sends all configured calls at 50 packets/s per stream for warm-up + measure, receives through
 * the drain, and fills st->totals. on_window(phase) is called at the window's start and end.
 * Returns the number of calls that sent, or -1. */
int lg_run(lg_state_t *st, const lg_run_opts_t *o, void (*on_window)(const char *phase));

/* Shared-socket mode's run (loadgen_shared.c): fills st->totals but for drops and silent streams. */
int lg_run_shared(lg_state_t *st, const lg_run_opts_t *o, void (*on_window)(const char *phase));

/* Stamps the stream's next packet (sequence number, timestamp, send time) and protects it into
 * out when the leg is SRTP. Returns its length and sets *pkt, or -1 (a send error). */
int lg_next_packet(lg_totals_t *t, lg_stream_t *s, uint64_t now, uint64_t base, int measuring, uint8_t *out,
                   const uint8_t **pkt);
/* One datagram received by stream r (arrived now_us after base): matched to the peer's send ring
 * by sequence number, counted into t, one in LG_VERIFY_EVERY verified. */
void lg_on_packet(lg_state_t *st, lg_totals_t *t, lg_stream_t *r, const uint8_t *pkt, int len, uint64_t now_us,
                  uint64_t base);
/* getrusage user + system seconds of the whole process. */
double lg_cpu_seconds(void);

/* Drains every socket without counting (before a run: late packets of the previous one). */
void lg_drain_sockets(lg_state_t *st);


#endif

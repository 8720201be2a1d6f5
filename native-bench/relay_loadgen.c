/*
 * relay_loadgen: the relay benchmark's load generator in C, driven by one command per line on
 * stdin (from src/bench/relay/native-generator-client.ts, or from a file: `relay_loadgen < spec`).
 * Every command gets exactly one JSON line on stdout; a run also prints two event lines.
 *
 *   open N [BASEPORT]     bind 2N more loopback UDP sockets (call c: streams 2c = A, 2c+1 = B) on
 *                         ephemeral ports, or BASEPORT + stream index
 *                         -> {"ok":true,"result":[{"a":PORT,"b":PORT},...]}
 *   ep STREAM ADDR PORT SEND_SUITE SEND_INLINE RECV_SUITE RECV_INLINE
 *                         point a stream at its relay leg (connect) and key it: SEND_* protects
 *                         what it sends (the relay's inbound keys), RECV_* unprotects the 1-in-50
 *                         sampled packets it receives; "-" "-" for plain RTP. INLINE is SDES
 *                         base64(master key || master salt).           -> {"ok":true}
 *   run WARMUP_MS MEASURE_MS DRAIN_MS
 *                         send every call whose two streams are configured, 50 packets/s per
 *                         stream (172-byte RTP), count what comes back
 *                         -> {"event":"window","phase":"start"}, {"event":"window","phase":"end"},
 *                            {"ok":true,"result":{sent,received,lost,...,latency,slotLag,cpu}};
 *                         packets still unread in its sockets when the drain ends are read
 *                         then and counted as received (readAfterDrain says how many)
 *   reset                 close every stream                            -> {"ok":true}
 *   quit (or end of input)
 *
 * Errors answer {"ok":false,"error":"..."}.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "relay_loadgen.h"

static lg_state_t S;
static char err[256];

static int fail(const char *fmt, const char *a) {
    snprintf(err, sizeof(err), fmt, a);
    return -1;
}

static int open_streams(long n, long base) {
    if (n < 0 || n > 100000) return fail("bad count %s", "");
    if (S.count + 2 * n > S.cap) {
        int cap = (int)(S.count + 2 * n + 64);
        lg_stream_t **p = realloc(S.streams, sizeof(*p) * (size_t)cap);
        if (!p) return fail("out of memory%s", "");
        S.streams = p;
        S.cap = cap;
    }
    int first = S.count;
    for (long i = 0; i < 2 * n; i++) {
        lg_stream_t *s = calloc(1, sizeof(*s));
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (!s || fd < 0) return fail("socket: %s", strerror(errno));
        int buf = 1 << 20;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        sa.sin_port = htons(base > 0 ? (uint16_t)(base + S.count) : 0);
        socklen_t sl = sizeof(sa);
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || getsockname(fd, (struct sockaddr *)&sa, &sl) != 0)
            return fail("bind: %s", strerror(errno));
        s->fd = fd;
        s->port = ntohs(sa.sin_port);
        s->id = (uint32_t)S.count;
        /* start well below 2^16: no stream wraps during a ramp, so a receiver that unprotects only
         * sampled packets never has to guess a rollover */
        s->seq = (uint16_t)((s->id * 131u) % 30000u);
        s->rtp_ts = s->id * 977u;
        s->pkt[0] = 0x80; /* V=2, PT 0 (PCMU) */
        uint32_t ssrc = 0x50000000u + s->id * 7919u;
        for (int k = 0; k < 4; k++) s->pkt[8 + k] = (uint8_t)(ssrc >> (24 - 8 * k));
        for (int k = 0; k < 4; k++) s->pkt[LG_STREAM_OFFSET + k] = (uint8_t)(s->id >> (24 - 8 * k));
        memset(s->pkt + LG_STREAM_OFFSET + 4, 0xff, (size_t)lg_rtp_packet - LG_STREAM_OFFSET - 4);
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = s->id};
        if (epoll_ctl(S.epfd, EPOLL_CTL_ADD, fd, &ev) != 0) return fail("epoll_ctl: %s", strerror(errno));
        S.streams[S.count++] = s;
    }
    printf("{\"ok\":true,\"result\":[");
    for (int i = first; i + 1 < S.count; i += 2)
        printf("%s{\"a\":%u,\"b\":%u}", i > first ? "," : "", S.streams[i]->port, S.streams[i + 1]->port);
    printf("]}\n");
    return 0;
}

/* SDES inline key -> session keys -> one SRTP context; "-" means plain RTP. */
static int key_ctx(const char *suite_name, const char *inline_b64, int encrypt, const bench_suite_t **suite,
                   ossl_srtp_ctx_t *ctx) {
    if (strcmp(suite_name, "-") == 0) return 0;
    const bench_suite_t *su = bench_find_suite(suite_name);
    if (!su) return fail("unknown suite %s", suite_name);
    uint8_t raw[96];
    size_t n = strlen(inline_b64);
    if (n == 0 || n % 4 != 0 || n / 4 * 3 > sizeof(raw)) return fail("bad inline key %s", inline_b64);
    int len = EVP_DecodeBlock(raw, (const unsigned char *)inline_b64, (int)n);
    len -= (inline_b64[n - 1] == '=') + (inline_b64[n - 2] == '=');
    if (len != su->key_len + su->salt_len) return fail("inline key of the wrong length for %s", su->name);
    ossl_session_keys_t keys;
    if (ossl_derive(su, raw, raw + su->key_len, &keys) != 0 || ossl_ctx_init(ctx, su, &keys, encrypt) != 0)
        return fail("key setup failed for %s", su->name);
    *suite = su;
    return 0;
}

static int configure(char *args) {
    char addr[64], ss[64], sk[96], rs[64], rk[96];
    long id, port;
    if (sscanf(args, "%ld %63s %ld %63s %95s %63s %95s", &id, addr, &port, ss, sk, rs, rk) != 7)
        return fail("usage: ep STREAM ADDR PORT SEND_SUITE SEND_INLINE RECV_SUITE RECV_INLINE%s", "");
    if (id < 0 || id >= S.count) return fail("no stream %s; open it first", args);
    lg_stream_t *s = S.streams[id];
    if (s->configured) return fail("stream %s is already configured", args);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) return fail("bad IPv4 address %s", addr);
    if (connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) return fail("connect: %s", strerror(errno));
    if (key_ctx(ss, sk, 1, &s->send_suite, &s->send_ctx) != 0) return -1;
    if (key_ctx(rs, rk, 0, &s->recv_suite, &s->recv_ctx) != 0) return -1;
    s->configured = 1;
    printf("{\"ok\":true}\n");
    return 0;
}

static void reset(void) {
    for (int i = 0; i < S.count; i++) {
        lg_stream_t *s = S.streams[i];
        close(s->fd);
        if (s->send_suite) ossl_ctx_free(&s->send_ctx);
        if (s->recv_suite) ossl_ctx_free(&s->recv_ctx);
        free(s);
    }
    S.count = 0;
}

static void on_window(const char *phase) {
    printf("{\"event\":\"window\",\"phase\":\"%s\"}\n", phase);
    fflush(stdout);
}

static void print_summary(const char *name, const lg_hist_t *h) {
    double p50 = lg_hist_quantile(h, 0.5), p99 = lg_hist_quantile(h, 0.99);
    printf("\"%s\":{\"count\":%llu,", name, (unsigned long long)h->count);
    if (h->count == 0) printf("\"p50Ms\":null,\"p99Ms\":null,\"maxMs\":null}");
    else printf("\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"maxMs\":%.3f}", p50, p99, (double)h->max_us / 1000.0);
}

static int run(char *args) {
    lg_run_opts_t o;
    if (sscanf(args, "%ld %ld %ld", &o.warmup_ms, &o.measure_ms, &o.drain_ms) != 3 || o.measure_ms <= 0)
        return fail("usage: run WARMUP_MS MEASURE_MS DRAIN_MS%s", "");
    int calls = lg_run(&S, &o, on_window);
    if (calls < 0) return fail("run failed: %s", strerror(errno));
    const lg_totals_t *t = &S.totals;
    printf("{\"ok\":true,\"result\":{\"calls\":%d,\"streams\":%d,\"sent\":%llu,\"received\":%llu,\"lost\":%lld,"
           "\"unmatched\":%llu,\"verified\":%llu,\"verifyFailures\":%llu,",
           calls, calls * 2, (unsigned long long)t->sent, (unsigned long long)t->received,
           (long long)t->sent - (long long)t->received, (unsigned long long)t->unmatched,
           (unsigned long long)t->verified, (unsigned long long)t->verify_failures);
    if (t->verify_failure_kind) printf("\"verifyFailureKind\":\"%s\",", t->verify_failure_kind);
    else printf("\"verifyFailureKind\":null,");
    printf("\"sendErrors\":%llu,\"readAfterDrain\":%llu,", (unsigned long long)t->send_errors,
           (unsigned long long)t->read_after_drain);
    print_summary("latency", &t->latency);
    printf(",");
    print_summary("slotLag", &t->slot_lag);
    printf(",\"measuredMs\":%ld,\"windowMs\":%.3f,\"cpuSeconds\":%.6f,\"cpuCores\":%.4f}}\n", o.measure_ms,
           t->window_ms, t->cpu_s, t->cpu_wall_s > 0 ? t->cpu_s / t->cpu_wall_s : 0.0);
    return 0;
}

int main(void) {
    /* two sockets per call: allow as many descriptors as the hard limit does */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    const char *payload = getenv("RELAY_LOADGEN_PAYLOAD");
    if (payload != NULL && *payload != 0) {
        int n = atoi(payload);
        if (n < 160 || n > LG_MAX_PAYLOAD) bench_die("RELAY_LOADGEN_PAYLOAD must be 160..%d", LG_MAX_PAYLOAD);
        lg_rtp_packet = LG_RTP_HEADER + n;
    }
    S.epfd = epoll_create1(EPOLL_CLOEXEC);
    S.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (S.epfd < 0 || S.timerfd < 0) bench_die("epoll/timerfd: %s", strerror(errno));
    static char line[4096];
    while (fgets(line, sizeof(line), stdin)) {
        line[strcspn(line, "\r\n")] = 0;
        char cmd[16] = "";
        int off = 0;
        if (sscanf(line, "%15s %n", cmd, &off) < 1 || cmd[0] == '#') continue;
        char *args = line + off;
        int rc = 0;
        err[0] = 0;
        if (strcmp(cmd, "open") == 0) {
            long n = 0, base = 0;
            sscanf(args, "%ld %ld", &n, &base);
            rc = open_streams(n, base);
        } else if (strcmp(cmd, "ep") == 0) {
            rc = configure(args);
        } else if (strcmp(cmd, "run") == 0) {
            rc = run(args);
        } else if (strcmp(cmd, "reset") == 0) {
            reset();
            printf("{\"ok\":true}\n");
        } else if (strcmp(cmd, "quit") == 0) {
            break;
        } else {
            rc = fail("unknown command %s", cmd);
        }
        if (rc != 0) printf("{\"ok\":false,\"error\":\"%s\"}\n", err);
        fflush(stdout);
    }
    reset();
    return 0;
}

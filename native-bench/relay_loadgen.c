/*
 * relay_loadgen: the relay benchmark's load generator in C, driven by one command per line on
 * stdin (from src/bench/relay/native-generator-client.ts, or from a file: `relay_loadgen < spec`).
 * Every command gets exactly one JSON line on stdout; a run also prints two event lines.
 *
 *   sockets K [THREADS]   before any open (or after reset): K shared unconnected sockets (even,
 *                         2..64; call c's A on socket 2(c % K/2), its B on the next), sent with
 *                         sendmmsg and received with recvmmsg in batches of 64 by THREADS threads
 *                         (1..K/2, default 1; thread i serves the socket pairs p with
 *                         p % THREADS == i); or 0 (the default): one connected socket per stream,
 *                         send(2) per packet, one thread
 *                                                                       -> {"ok":true}
 *   open N [BASEPORT]     2N more streams (call c: streams 2c = A, 2c+1 = B): per-stream mode binds
 *                         one loopback UDP socket each, on an ephemeral port or BASEPORT + stream
 *                         index; shared mode binds the K sockets on the first open (BASEPORT + k)
 *                         and reports each stream's shared socket port
 *                         -> {"ok":true,"result":[{"a":PORT,"b":PORT},...]}
 *   ep STREAM ADDR PORT SEND_SUITE SEND_INLINE RECV_SUITE RECV_INLINE
 *                         point a stream at its relay leg (connect, or the msg_name of its
 *                         datagrams on a shared socket) and key it: SEND_* protects
 *                         what it sends (the relay's inbound keys), RECV_* unprotects the 1-in-50
 *                         sampled packets it receives; "-" "-" for plain RTP. INLINE is SDES
 *                         base64(master key || master salt).           -> {"ok":true}
 *   run WARMUP_MS MEASURE_MS DRAIN_MS
 *                         send every call whose two streams are configured, 50 packets/s per
 *                         stream (172-byte RTP), count what comes back
 *                         -> {"event":"window","phase":"start"}, {"event":"window","phase":"end"},
 *                            {"ok":true,"result":{sent,received,lost,...,latency,slotLag,cpu}};
 *                         packets still unread in its sockets when the drain ends are read
 *                         then and counted as received (readAfterDrain says how many); rcvDrops
 *                         is what the kernel dropped at its own sockets (buffer full) meanwhile,
 *                         silentStreams how many streams' measured packets all went missing
 *   reset                 close every stream (and the shared sockets)   -> {"ok":true}
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

/* A non-blocking loopback UDP socket bound to port (0: ephemeral), receive buffer rcvbuf bytes
 * (SO_RCVBUFFORCE when allowed, past net.core.rmem_max); registered in epoll with tag unless
 * shared. A shared socket is not watched: the engine reads it on its timer ticks, and the kernel
 * timestamps each datagram on arrival (SO_TIMESTAMPNS) for the latency. */
static int bind_socket(uint16_t port, int rcvbuf, int shared, uint64_t tag, uint16_t *bound) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return fail("socket: %s", strerror(errno));
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    int sndbuf = 1 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = htons(port)};
    socklen_t sl = sizeof(sa);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag};
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
        close(fd);
        return fail("bind: %s", strerror(errno));
    }
    int on = 1;
    if (shared && setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) != 0) {
        close(fd);
        return fail("SO_TIMESTAMPNS: %s", strerror(errno));
    }
    if (!shared && epoll_ctl(S.epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        close(fd);
        return fail("epoll_ctl: %s", strerror(errno));
    }
    *bound = ntohs(sa.sin_port);
    return fd;
}

/* Shared mode: the K sockets, opened with the first streams (ports base.. when base > 0). A
 * shared socket receives many streams and is read once per 5 ms tick: a large buffer (8 MiB,
 * thousands of datagrams) holds what arrives in between and a descheduled moment. */
static int open_shared(long base) {
    if (S.shared_fds[0] >= 0) return 0;
    for (int k = 0; k < S.nshared; k++) {
        int fd = bind_socket(base > 0 ? (uint16_t)(base + k) : 0, 8 << 20, 1, 0, &S.shared_ports[k]);
        if (fd < 0) return -1;
        S.shared_fds[k] = fd;
    }
    return 0;
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
    if (S.nshared > 0 && open_shared(base) != 0) return -1;
    int first = S.count;
    for (long i = 0; i < 2 * n; i++) {
        lg_stream_t *s = calloc(1, sizeof(*s));
        if (!s) return fail("out of memory%s", "");
        s->id = (uint32_t)S.count;
        if (S.nshared > 0) {
            /* a call's A and B on different sockets: A streams on even ones, B streams on odd ones */
            s->shared = (int)(2 * ((s->id / 2) % (uint32_t)(S.nshared / 2)) + (s->id & 1));
            s->fd = S.shared_fds[s->shared];
            s->port = S.shared_ports[s->shared];
        } else {
            s->shared = -1;
            s->fd = bind_socket(base > 0 ? (uint16_t)(base + S.count) : 0, 1 << 20, 0, s->id, &s->port);
            if (s->fd < 0) {
                free(s);
                return -1;
            }
        }
        /* start well below 2^16: no stream wraps during a ramp, so a receiver that unprotects only
         * sampled packets never has to guess a rollover */
        s->seq = (uint16_t)((s->id * 131u) % 30000u);
        s->rtp_ts = s->id * 977u;
        s->pkt[0] = 0x80; /* V=2, PT 0 (PCMU) */
        uint32_t ssrc = LG_SSRC_BASE + s->id * LG_SSRC_STEP;
        for (int k = 0; k < 4; k++) s->pkt[8 + k] = (uint8_t)(ssrc >> (24 - 8 * k));
        for (int k = 0; k < 4; k++) s->pkt[LG_STREAM_OFFSET + k] = (uint8_t)(s->id >> (24 - 8 * k));
        memset(s->pkt + LG_STREAM_OFFSET + 4, 0xff, (size_t)lg_rtp_packet - LG_STREAM_OFFSET - 4);
        S.streams[S.count++] = s;
    }
    printf("{\"ok\":true,\"result\":[");
    for (int i = first; i + 1 < S.count; i += 2)
        printf("%s{\"a\":%u,\"b\":%u}", i > first ? "," : "", S.streams[i]->port, S.streams[i + 1]->port);
    printf("]}\n");
    return 0;
}

/* `sockets K [THREADS]`: K shared sockets (even, 2..LG_MAX_SHARED) served by THREADS threads
 * (1..K/2, default 1), or 0 for a socket per stream (one thread). */
static int set_sockets(long k, long threads) {
    if (S.count > 0) return fail("sockets: reset first%s", "");
    if (k != 0 && (k < 2 || k > LG_MAX_SHARED || k % 2 != 0)) return fail("sockets: 0, or an even count from 2 to 64%s", "");
    if (threads < 1 || (k == 0 && threads != 1) || (k > 0 && threads > k / 2))
        return fail("sockets: 1 thread per stream socket layout, at most K/2 threads with K shared sockets%s", "");
    S.nthreads = (int)threads;
    for (int i = 0; i < S.nshared; i++) {
        if (S.shared_fds[i] >= 0) close(S.shared_fds[i]);
        S.shared_fds[i] = -1;
    }
    S.nshared = (int)k;
    if (k > 0 && !S.by_port) {
        S.by_port = calloc(65536, sizeof(*S.by_port));
        if (!S.by_port) return fail("out of memory%s", "");
    }
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
    if (s->shared < 0 && connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) return fail("connect: %s", strerror(errno));
    if (key_ctx(ss, sk, 1, &s->send_suite, &s->send_ctx) != 0) return -1;
    if (key_ctx(rs, rk, 0, &s->recv_suite, &s->recv_ctx) != 0) return -1;
    s->dst = sa;
    if (s->shared >= 0) {
        uint32_t *e = &S.by_port[port & 0xffff];
        *e = *e == 0 ? s->id + 1 : LG_PORT_SHARED;
    }
    s->configured = 1;
    printf("{\"ok\":true}\n");
    return 0;
}

static void reset(void) {
    for (int i = 0; i < S.count; i++) {
        lg_stream_t *s = S.streams[i];
        if (s->shared < 0) close(s->fd);
        if (s->send_suite) ossl_ctx_free(&s->send_ctx);
        if (s->recv_suite) ossl_ctx_free(&s->recv_ctx);
        free(s);
    }
    S.count = 0;
    for (int k = 0; k < S.nshared; k++) {
        if (S.shared_fds[k] >= 0) close(S.shared_fds[k]);
        S.shared_fds[k] = -1;
    }
    if (S.by_port) memset(S.by_port, 0, 65536 * sizeof(*S.by_port));
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
    printf("\"sendErrors\":%llu,\"readAfterDrain\":%llu,\"rcvDrops\":%llu,\"silentStreams\":%llu,\"sockets\":%d,"
           "\"threads\":%d,",
           (unsigned long long)t->send_errors, (unsigned long long)t->read_after_drain,
           (unsigned long long)t->rcv_drops, (unsigned long long)t->silent_streams, S.nshared > 0 ? S.nshared : S.count,
           S.nshared > 0 ? S.nthreads : 1);
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
    for (int k = 0; k < LG_MAX_SHARED; k++) S.shared_fds[k] = -1;
    S.nthreads = 1;
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
        } else if (strcmp(cmd, "sockets") == 0) {
            long k = -1, threads = 1;
            sscanf(args, "%ld %ld", &k, &threads);
            rc = set_sockets(k, threads);
            if (rc == 0) printf("{\"ok\":true}\n");
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

/*
 * Shared pieces of the native SRTP benchmarks: the suite table, command line, clock, hex helpers
 * and the JSON result line. Both programs run the same workload so their numbers compare with
 * srtp-relay's TypeScript runners (src/bench/).
 */
#ifndef SRTP_RELAY_BENCH_COMMON_H
#define SRTP_RELAY_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

enum bench_cipher { BENCH_AES_CM = 0, BENCH_AES_GCM = 1 };

/* One row per SRTP protection profile; names follow src/srtp/protection-profile.ts. */
typedef struct {
    const char *name;
    enum bench_cipher cipher;
    int key_len;  /* master and session encryption key bytes */
    int salt_len; /* master salt bytes: 14 (AES-CM, RFC 3711) or 12 (GCM, RFC 7714 §12) */
    int tag_len;  /* SRTP tag bytes: 10, 4 (HMAC-SHA1 truncated) or 16 (GCM) */
} bench_suite_t;

extern const bench_suite_t BENCH_SUITES[];
extern const int BENCH_SUITE_COUNT;

const bench_suite_t *bench_find_suite(const char *name);

enum bench_op { BENCH_PROTECT = 1, BENCH_UNPROTECT = 2 };

typedef struct {
    const bench_suite_t *suites[16];
    int suite_count;
    int sizes[8];
    int size_count;
    int ops; /* bit set of bench_op */
    long count;
    int selftest;
} bench_args_t;

/* Parses --suite NAME|all --size N[,N]|all --count N --op protect|unprotect|all --selftest.
 * Exits with status 2 and a message on bad input. */
void bench_parse_args(int argc, char **argv, bench_args_t *out);

double bench_now(void);

/* Prints one result line: {"impl":...,"suite":...,"payload":...,"op":...,"packets":...,
 * "seconds":...,"pps":...,"library":...}. */
void bench_print_result(const char *impl, const char *library, const bench_suite_t *suite, int payload,
                        enum bench_op op, long packets, double seconds);

/* Decodes hex (spaces ignored) into out; returns the byte count. */
size_t bench_hex(const char *hex, uint8_t *out, size_t cap);

/* Builds a 12-byte RTP header (V=2, PT 96, given SSRC and sequence number) followed by a
 * patterned payload. */
void bench_make_rtp(uint8_t *pkt, uint32_t ssrc, uint16_t seq, int payload);

/* Dies with a message (used for failed setup or a packet the benchmark expected to pass). */
void bench_die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Ring of pre-protected packets used by the unprotect benchmarks. */
#define BENCH_RING 1024
#define BENCH_MAX_PACKET 1600

#endif

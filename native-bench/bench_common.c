#define _POSIX_C_SOURCE 200809L
#include "bench_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const bench_suite_t BENCH_SUITES[] = {
    {"AES_CM_128_HMAC_SHA1_80", BENCH_AES_CM, 16, 14, 10},
    {"AES_CM_128_HMAC_SHA1_32", BENCH_AES_CM, 16, 14, 4},
    {"AES_192_CM_HMAC_SHA1_80", BENCH_AES_CM, 24, 14, 10},
    {"AES_192_CM_HMAC_SHA1_32", BENCH_AES_CM, 24, 14, 4},
    {"AES_256_CM_HMAC_SHA1_80", BENCH_AES_CM, 32, 14, 10},
    {"AES_256_CM_HMAC_SHA1_32", BENCH_AES_CM, 32, 14, 4},
    {"AEAD_AES_128_GCM", BENCH_AES_GCM, 16, 12, 16},
    {"AEAD_AES_256_GCM", BENCH_AES_GCM, 32, 12, 16},
};
const int BENCH_SUITE_COUNT = (int)(sizeof(BENCH_SUITES) / sizeof(BENCH_SUITES[0]));

/* Other spellings accepted on the command line (RFC 6188 names, short GCM names). */
static const char *const ALIASES[][2] = {
    {"AES_CM_192_HMAC_SHA1_80", "AES_192_CM_HMAC_SHA1_80"},
    {"AES_CM_192_HMAC_SHA1_32", "AES_192_CM_HMAC_SHA1_32"},
    {"AES_CM_256_HMAC_SHA1_80", "AES_256_CM_HMAC_SHA1_80"},
    {"AES_CM_256_HMAC_SHA1_32", "AES_256_CM_HMAC_SHA1_32"},
    {"AES_128_GCM", "AEAD_AES_128_GCM"},
    {"AES_256_GCM", "AEAD_AES_256_GCM"},
};

const bench_suite_t *bench_find_suite(const char *name) {
    for (size_t i = 0; i < sizeof(ALIASES) / sizeof(ALIASES[0]); i++) {
        if (strcasecmp(name, ALIASES[i][0]) == 0) name = ALIASES[i][1];
    }
    for (int i = 0; i < BENCH_SUITE_COUNT; i++) {
        if (strcasecmp(name, BENCH_SUITES[i].name) == 0) return &BENCH_SUITES[i];
    }
    return NULL;
}

void bench_die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void usage(const char *prog) {
    fprintf(stderr,
            "usage: %s [--selftest] [--suite NAME[,NAME]|all] [--size N[,N]|all] [--count N]\n"
            "          [--op protect|unprotect|all]\n"
            "prints one JSON object per line: {impl, suite, payload, op, packets, seconds, pps}\n",
            prog);
    exit(2);
}

static void parse_suites(const char *arg, bench_args_t *out) {
    out->suite_count = 0;
    if (strcasecmp(arg, "all") == 0) {
        for (int i = 0; i < BENCH_SUITE_COUNT; i++) out->suites[out->suite_count++] = &BENCH_SUITES[i];
        return;
    }
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", arg);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        const bench_suite_t *s = bench_find_suite(tok);
        if (!s) {
            fprintf(stderr, "unknown suite %s\n", tok);
            exit(2);
        }
        if (out->suite_count < 16) out->suites[out->suite_count++] = s;
    }
}

static void parse_sizes(const char *arg, bench_args_t *out) {
    out->size_count = 0;
    if (strcasecmp(arg, "all") == 0) arg = "160,1200";
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", arg);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        long n = strtol(tok, NULL, 10);
        if (n < 1 || n > BENCH_MAX_PACKET - 64) {
            fprintf(stderr, "bad size %s (1..%d)\n", tok, BENCH_MAX_PACKET - 64);
            exit(2);
        }
        if (out->size_count < 8) out->sizes[out->size_count++] = (int)n;
    }
}

void bench_parse_args(int argc, char **argv, bench_args_t *out) {
    memset(out, 0, sizeof(*out));
    parse_suites("all", out);
    parse_sizes("all", out);
    out->ops = BENCH_PROTECT | BENCH_UNPROTECT;
    out->count = 200000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--selftest") == 0) {
            out->selftest = 1;
        } else if (strcmp(a, "--suite") == 0 && v) {
            parse_suites(v, out);
            i++;
        } else if (strcmp(a, "--size") == 0 && v) {
            parse_sizes(v, out);
            i++;
        } else if (strcmp(a, "--count") == 0 && v) {
            out->count = strtol(v, NULL, 10);
            if (out->count < 1) usage(argv[0]);
            i++;
        } else if (strcmp(a, "--op") == 0 && v) {
            if (strcmp(v, "protect") == 0) out->ops = BENCH_PROTECT;
            else if (strcmp(v, "unprotect") == 0) out->ops = BENCH_UNPROTECT;
            else if (strcmp(v, "all") == 0) out->ops = BENCH_PROTECT | BENCH_UNPROTECT;
            else usage(argv[0]);
            i++;
        } else {
            usage(argv[0]);
        }
    }
}

/* Wall time, or with SRTP_BENCH_CLOCK=cpu this process's CPU time, as src/bench/bench-clock.ts. */
double bench_now(void) {
    static int clock_id = -1;
    if (clock_id < 0) {
        const char *c = getenv("SRTP_BENCH_CLOCK");
        clock_id = (c != NULL && strcmp(c, "cpu") == 0) ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC;
    }
    struct timespec ts;
    clock_gettime((clockid_t)clock_id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_print_result(const char *impl, const char *library, const bench_suite_t *suite, int payload,
                        enum bench_op op, long packets, double seconds) {
    printf("{\"impl\":\"%s\",\"suite\":\"%s\",\"payload\":%d,\"op\":\"%s\",\"packets\":%ld,"
           "\"seconds\":%.9f,\"pps\":%.1f,\"library\":\"%s\"}\n",
           impl, suite->name, payload, op == BENCH_PROTECT ? "protect" : "unprotect", packets, seconds,
           seconds > 0 ? (double)packets / seconds : 0.0, library);
    fflush(stdout);
}

size_t bench_hex(const char *hex, uint8_t *out, size_t cap) {
    size_t n = 0;
    int hi = -1;
    for (const char *p = hex; *p; p++) {
        int c = *p, v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else continue;
        if (hi < 0) {
            hi = v;
        } else {
            if (n < cap) out[n] = (uint8_t)(hi << 4 | v);
            n++;
            hi = -1;
        }
    }
    return n;
}

void bench_make_rtp(uint8_t *pkt, uint32_t ssrc, uint16_t seq, int payload) {
    pkt[0] = 0x80;
    pkt[1] = 96;
    pkt[2] = (uint8_t)(seq >> 8);
    pkt[3] = (uint8_t)seq;
    pkt[4] = 0x00; /* timestamp */
    pkt[5] = 0x01;
    pkt[6] = 0xe2;
    pkt[7] = 0x40;
    pkt[8] = (uint8_t)(ssrc >> 24);
    pkt[9] = (uint8_t)(ssrc >> 16);
    pkt[10] = (uint8_t)(ssrc >> 8);
    pkt[11] = (uint8_t)ssrc;
    for (int i = 0; i < payload; i++) pkt[12 + i] = (uint8_t)(i * 7 + 3);
}

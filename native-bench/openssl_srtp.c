/*
 * openssl_srtp: SRTP protect/unprotect on OpenSSL EVP (ossl_srtp.c), the native limit for
 * srtp-relay's benchmarks. `--selftest` checks the KDF and packet vectors of
 * shared/vectors/srtp-vectors.md (§2, §3, §5, §6) plus round trips, forgery and replay.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "bench_common.h"
#include "ossl_srtp.h"

#define IMPL "openssl"

static int failures = 0;

static void expect_hex(const char *what, const uint8_t *got, size_t len, const char *hex) {
    uint8_t want[BENCH_MAX_PACKET];
    size_t n = bench_hex(hex, want, sizeof(want));
    if (n != len || memcmp(want, got, len) != 0) {
        fprintf(stderr, "FAIL %s\n  got  ", what);
        for (size_t i = 0; i < len; i++) fprintf(stderr, "%02x", got[i]);
        fprintf(stderr, "\n  want %s\n", hex);
        failures++;
    } else {
        fprintf(stderr, "ok   %s\n", what);
    }
}

static void check_kdf(const char *suite_name, const char *key_hex, const char *salt_hex, const char *ke, const char *ks,
                      const char *ka) {
    const bench_suite_t *s = bench_find_suite(suite_name);
    uint8_t key[32], salt[14];
    ossl_session_keys_t k;
    bench_hex(key_hex, key, sizeof(key));
    bench_hex(salt_hex, salt, sizeof(salt));
    if (ossl_derive(s, key, salt, &k)) bench_die("derive failed");
    char what[128];
    snprintf(what, sizeof(what), "kdf %s ke", suite_name);
    expect_hex(what, k.ke, (size_t)s->key_len, ke);
    snprintf(what, sizeof(what), "kdf %s ks", suite_name);
    expect_hex(what, k.ks, s->cipher == BENCH_AES_GCM ? 12 : 14, ks);
    if (ka) {
        snprintf(what, sizeof(what), "kdf %s ka", suite_name);
        expect_hex(what, k.ka, 20, ka);
    }
}

/* Protects plain with fresh contexts, compares with want, then unprotects it back and checks
 * that a replay and a forged copy are refused. session = 1 means key_hex/salt_hex are session
 * keys (RFC 7714 §16 gives them directly). */
static void check_packet(const char *label, const char *suite_name, const char *key_hex, const char *salt_hex,
                         int session, const char *plain_hex, const char *want_hex) {
    const bench_suite_t *s = bench_find_suite(suite_name);
    uint8_t key[32], salt[14] = {0}, plain[256], prot[256], back[256];
    ossl_session_keys_t k;
    bench_hex(key_hex, key, sizeof(key));
    bench_hex(salt_hex, salt, sizeof(salt));
    if (session) {
        memset(&k, 0, sizeof(k));
        memcpy(k.ke, key, (size_t)s->key_len);
        memcpy(k.ks, salt, (size_t)s->salt_len);
    } else if (ossl_derive(s, key, salt, &k)) {
        bench_die("derive failed");
    }
    int len = (int)bench_hex(plain_hex, plain, sizeof(plain)), plen = 0, blen = 0;
    ossl_srtp_ctx_t tx, rx;
    if (ossl_ctx_init(&tx, s, &k, 1) || ossl_ctx_init(&rx, s, &k, 0)) bench_die("ctx init failed");
    char what[160];
    snprintf(what, sizeof(what), "%s protect", label);
    if (ossl_protect(&tx, plain, len, prot, &plen) != OSSL_OK) bench_die("%s: protect failed", label);
    expect_hex(what, prot, (size_t)plen, want_hex);
    snprintf(what, sizeof(what), "%s unprotect", label);
    if (ossl_unprotect(&rx, prot, plen, back, &blen) != OSSL_OK) bench_die("%s: unprotect failed", label);
    expect_hex(what, back, (size_t)blen, plain_hex);
    enum ossl_status st = ossl_unprotect(&rx, prot, plen, back, &blen);
    fprintf(stderr, "%s %s replay refused (status %d)\n", st == OSSL_REPLAYED ? "ok  " : "FAIL", label, st);
    failures += st != OSSL_REPLAYED;
    ossl_srtp_ctx_t rx2;
    if (ossl_ctx_init(&rx2, s, &k, 0)) bench_die("ctx init failed");
    prot[plen - 1] ^= 1;
    st = ossl_unprotect(&rx2, prot, plen, back, &blen);
    fprintf(stderr, "%s %s forgery refused (status %d)\n", st == OSSL_AUTH_FAILED ? "ok  " : "FAIL", label, st);
    failures += st != OSSL_AUTH_FAILED;
    ossl_ctx_free(&tx);
    ossl_ctx_free(&rx);
    ossl_ctx_free(&rx2);
}

/* Every suite at both sizes: 70000 packets through a sender and a receiver (crosses a ROC
 * wrap) must round-trip. */
static void check_round_trips(void) {
    for (int i = 0; i < BENCH_SUITE_COUNT; i++) {
        const bench_suite_t *s = &BENCH_SUITES[i];
        for (int size = 160; size <= 1200; size += 1040) {
            uint8_t key[32], salt[14], pkt[BENCH_MAX_PACKET], prot[BENCH_MAX_PACKET], back[BENCH_MAX_PACKET];
            for (int j = 0; j < 32; j++) key[j] = (uint8_t)(j * 13 + i);
            for (int j = 0; j < 14; j++) salt[j] = (uint8_t)(j * 29 + 1);
            ossl_session_keys_t k;
            ossl_srtp_ctx_t tx, rx;
            if (ossl_derive(s, key, salt, &k) || ossl_ctx_init(&tx, s, &k, 1) || ossl_ctx_init(&rx, s, &k, 0))
                bench_die("setup failed");
            int ok = 1;
            for (long n = 0; n < 70000 && ok; n++) {
                int plen = 0, blen = 0;
                bench_make_rtp(pkt, 0x11223344, (uint16_t)(n + 65000), size);
                ok = ossl_protect(&tx, pkt, 12 + size, prot, &plen) == OSSL_OK &&
                     ossl_unprotect(&rx, prot, plen, back, &blen) == OSSL_OK && blen == 12 + size &&
                     memcmp(back, pkt, (size_t)blen) == 0;
            }
            ok = ok && rx.roc == 2;
            fprintf(stderr, "%s round trip %s %d (ROC %u)\n", ok ? "ok  " : "FAIL", s->name, size, rx.roc);
            failures += !ok;
            ossl_ctx_free(&tx);
            ossl_ctx_free(&rx);
        }
    }
}

static int selftest(void) {
    /* §2 RFC 3711 B.3, §3.2 RFC 6188 7.2, §3.4 RFC 6188 7.4 */
    check_kdf("AES_CM_128_HMAC_SHA1_80", "E1F97A0D3E018BE0D64FA32C06DE4139", "0EC675AD498AFEEBB6960B3AABE6",
              "C61E7A93744F39EE10734AFE3FF7A087", "30CBBC08863D8C85D49DB34A9AE1",
              "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");
    check_kdf("AES_256_CM_HMAC_SHA1_80", "f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6",
              "3b04803de51ee7c96423ab5b78d2", "5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4",
              "fa31791685ca444a9e07c6c64e93", "fd9c32d39ed5fbb5a9dc96b30818454d1313dc05");
    check_kdf("AES_192_CM_HMAC_SHA1_80", "73edc66c4fa15776fb57f9505c17136550ffda71f3e8e5f1",
              "c8522f3acd4ce86d5add78edbb11", "31874736a8f1143870c26e4857d8a5b2c4a354407faadabb",
              "2372b82d639b6d8503a47adc0a6c", "355b10973cd95b9eacf4061c7e1a7151e7cfbfcb");
    /* §6 computed GCM session keys (erratum 4938 salt padding) */
    check_kdf("AEAD_AES_128_GCM", "000102030405060708090a0b0c0d0e0f", "a0a1a2a3a4a5a6a7a8a9aaab",
              "077c6143cb221bc355ff23d5f984a16e", "9af3e95364ebac9c99c5a7c4", NULL);

    const char *rtp = "800f1234decafbadcafebabeabababababababababababababababab";
    /* §6 libsrtp srtp_driver.c packet vectors */
    check_packet("libsrtp AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_80", "e1f97a0d3e018be0d64fa32c06de4139",
                 "0ec675ad498afeebb6960b3aabe6", 0, rtp,
                 "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb");
    check_packet("libsrtp AEAD_AES_128_GCM", "AEAD_AES_128_GCM", "000102030405060708090a0b0c0d0e0f",
                 "a0a1a2a3a4a5a6a7a8a9aaab", 0, rtp,
                 "800f1234decafbadcafebabec5002ede04cfdd2eb91159e0880aa06ed2976826f796b201df3131a127e8a392");
    check_packet("libsrtp AES_256_CM_HMAC_SHA1_80", "AES_256_CM_HMAC_SHA1_80",
                 "f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6", "3b04803de51ee7c96423ab5b78d2",
                 0, rtp, "800f1234decafbadcafebabef1d9de17ff251ff1aa007774b0b4b40da08d9d9a5b3a55d8873b");
    check_packet("libsrtp AES_192_CM_HMAC_SHA1_80", "AES_192_CM_HMAC_SHA1_80",
                 "73edc66c4fa15776fb57f9505c17136550ffda71f3e8e5f1", "c8522f3acd4ce86d5add78edbb11", 0,
                 "800f0000decafbad00000000abababababababababababababababab",
                 "800f0000decafbad00000000d98865552f2762c3ef37f837acfdb7122d6bc4dc84c76f74aea5");
    /* §5.1 RFC 7714 §16 (session keys given directly) */
    const char *rfc7714 = "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";
    check_packet("RFC 7714 16.1 AEAD_AES_128_GCM", "AEAD_AES_128_GCM", "000102030405060708090a0b0c0d0e0f",
                 "517569642070726f2071756f", 1, rfc7714,
                 "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833"
                 "899d7f27beb16a9152cf765ee4390cce");
    check_packet("RFC 7714 16.2 AEAD_AES_256_GCM", "AEAD_AES_256_GCM",
                 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "517569642070726f2071756f", 1,
                 rfc7714,
                 "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b"
                 "7aa3db36dfffd6b0f9bb7878d7a76c13");
    check_round_trips();
    fprintf(stderr, "%s: selftest %s (%d failures)\n", IMPL, failures ? "FAILED" : "passed", failures);
    return failures ? 1 : 0;
}

static void setup(const bench_suite_t *s, ossl_srtp_ctx_t *tx, ossl_srtp_ctx_t *rx) {
    uint8_t key[32], salt[14];
    for (int j = 0; j < 32; j++) key[j] = (uint8_t)(0x40 + j);
    for (int j = 0; j < 14; j++) salt[j] = (uint8_t)(0x90 + j);
    ossl_session_keys_t k;
    if (ossl_derive(s, key, salt, &k) || ossl_ctx_init(tx, s, &k, 1) || ossl_ctx_init(rx, s, &k, 0))
        bench_die("context setup failed for %s", s->name);
    OPENSSL_cleanse(&k, sizeof(k));
}

/* Protect: one plaintext packet whose sequence number advances every packet, as a sender's. */
static void bench_protect(const bench_suite_t *s, int size, long count) {
    static uint8_t pkt[BENCH_MAX_PACKET], out[BENCH_MAX_PACKET];
    ossl_srtp_ctx_t tx, rx;
    setup(s, &tx, &rx);
    bench_make_rtp(pkt, 0x5eed0001, 0, size);
    uint16_t seq = 0;
    long warm = count / 10 < 20000 ? count / 10 : 20000;
    double t0 = 0;
    for (long n = -warm; n < count; n++) {
        if (n == 0) t0 = bench_now();
        int outl;
        pkt[2] = (uint8_t)(seq >> 8);
        pkt[3] = (uint8_t)seq;
        seq++;
        if (ossl_protect(&tx, pkt, 12 + size, out, &outl) != OSSL_OK) bench_die("protect failed");
    }
    double secs = bench_now() - t0;
    bench_print_result(IMPL, OpenSSL_version(OPENSSL_VERSION), s, size, BENCH_PROTECT, count, secs);
    ossl_ctx_free(&tx);
    ossl_ctx_free(&rx);
}

/* Unprotect: the sender protects a ring of BENCH_RING packets (untimed), the receiver
 * unprotects them (timed); repeated, so every index is fresh and replay checks pass. */
static void bench_unprotect(const bench_suite_t *s, int size, long count) {
    static uint8_t ring[BENCH_RING][BENCH_MAX_PACKET], pkt[BENCH_MAX_PACKET], out[BENCH_MAX_PACKET];
    static int ring_len[BENCH_RING];
    ossl_srtp_ctx_t tx, rx;
    setup(s, &tx, &rx);
    bench_make_rtp(pkt, 0x5eed0001, 0, size);
    uint16_t seq = 0;
    long warm = count / 10 < 20000 ? count / 10 : 20000;
    long done = -warm;
    double secs = 0;
    while (done < count) {
        long batch = count - done < BENCH_RING ? count - done : BENCH_RING;
        if (done < 0 && batch > -done) batch = -done;
        for (long j = 0; j < batch; j++) {
            pkt[2] = (uint8_t)(seq >> 8);
            pkt[3] = (uint8_t)seq;
            seq++;
            if (ossl_protect(&tx, pkt, 12 + size, ring[j], &ring_len[j]) != OSSL_OK) bench_die("protect failed");
        }
        double t0 = bench_now();
        for (long j = 0; j < batch; j++) {
            int outl;
            if (ossl_unprotect(&rx, ring[j], ring_len[j], out, &outl) != OSSL_OK) bench_die("unprotect failed");
        }
        if (done >= 0) secs += bench_now() - t0;
        done += batch;
    }
    bench_print_result(IMPL, OpenSSL_version(OPENSSL_VERSION), s, size, BENCH_UNPROTECT, count, secs);
    ossl_ctx_free(&tx);
    ossl_ctx_free(&rx);
}

int main(int argc, char **argv) {
    bench_args_t args;
    bench_parse_args(argc, argv, &args);
    if (args.selftest) return selftest();
    for (int i = 0; i < args.suite_count; i++) {
        for (int j = 0; j < args.size_count; j++) {
            if (args.ops & BENCH_PROTECT) bench_protect(args.suites[i], args.sizes[j], args.count);
            if (args.ops & BENCH_UNPROTECT) bench_unprotect(args.suites[i], args.sizes[j], args.count);
        }
    }
    return 0;
}

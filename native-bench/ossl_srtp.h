/*
 * A small SRTP implementation on OpenSSL EVP: the "native limit" the TypeScript engine is
 * measured against. It does the per-packet work a real SRTP stack does (RFC 3711 §3.3):
 * header parse, packet index estimation (App. A), IV from salt/SSRC/index, encryption,
 * HMAC-SHA1 over header+payload+ROC (or AES-GCM with the header as AAD, RFC 7714), and on
 * unprotect a replay check, tag verification before decryption, then ROC/replay commit.
 * One context per direction, one stream (SSRC) per context.
 */
#ifndef SRTP_RELAY_OSSL_SRTP_H
#define SRTP_RELAY_OSSL_SRTP_H

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>

#include "bench_common.h"

enum ossl_status {
    OSSL_OK = 0,
    OSSL_TOO_SHORT = 1,
    OSSL_MALFORMED = 2,
    OSSL_AUTH_FAILED = 3,
    OSSL_REPLAYED = 4,
    OSSL_TOO_OLD = 5,
    OSSL_INTERNAL = 6,
};

typedef struct {
    uint8_t ke[32];
    uint8_t ka[20];
    uint8_t ks[14];
} ossl_session_keys_t;

typedef struct {
    const bench_suite_t *suite;
    int encrypt; /* 1: protect context, 0: unprotect context */
    EVP_CIPHER_CTX *cipher; /* keyed once; only the IV changes per packet */
    HMAC_CTX *hmac;         /* keyed once; HMAC_Init_ex(NULL key) restores the ipad state */
    uint8_t salt[14];
    /* stream state for one SSRC */
    int started;
    uint32_t ssrc;
    uint32_t roc;
    uint16_t s_l;
    /* 128-packet replay window (RFC 3711 §3.3.2): bit k = highest - k seen */
    uint64_t highest;
    uint64_t window[2];
} ossl_srtp_ctx_t;

/* RFC 3711 §4.3.1 key derivation with kdr = 0 (AES-CM PRF; GCM salt padded per RFC 7714
 * erratum 4938). */
int ossl_derive(const bench_suite_t *suite, const uint8_t *master_key, const uint8_t *master_salt,
                ossl_session_keys_t *out);

/* encrypt = 1 for a protect context. Returns 0 on success. */
int ossl_ctx_init(ossl_srtp_ctx_t *ctx, const bench_suite_t *suite, const ossl_session_keys_t *keys,
                  int encrypt);
void ossl_ctx_free(ossl_srtp_ctx_t *ctx);

/* Writes the SRTP packet to out (room for len + tag_len); *out_len gets its length. */
enum ossl_status ossl_protect(ossl_srtp_ctx_t *ctx, const uint8_t *pkt, int len, uint8_t *out, int *out_len);
/* Writes the RTP packet to out; *out_len gets its length. State changes only on success. */
enum ossl_status ossl_unprotect(ossl_srtp_ctx_t *ctx, const uint8_t *pkt, int len, uint8_t *out, int *out_len);

#endif

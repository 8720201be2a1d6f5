#include "ossl_srtp.h"

#include <openssl/crypto.h>
#include <string.h>

static const EVP_CIPHER *ctr_cipher(int key_len) {
    return key_len == 16 ? EVP_aes_128_ctr() : key_len == 24 ? EVP_aes_192_ctr() : EVP_aes_256_ctr();
}

static const EVP_CIPHER *gcm_cipher(int key_len) {
    return key_len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
}

/* AES-CM PRF (RFC 3711 §4.3.3): keystream of AES-CTR under the master key with
 * IV = (master_salt XOR (label << 48)) * 2^16, truncated to n bytes. */
static int prf(const bench_suite_t *suite, const uint8_t *master_key, const uint8_t *salt14, uint8_t label,
               uint8_t *out, int n) {
    uint8_t iv[16] = {0};
    uint8_t zeros[64] = {0};
    memcpy(iv, salt14, 14);
    iv[7] ^= label; /* key_id = label || r (48 bits, r = 0 for kdr = 0), aligned to the salt's low end */
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int outl = 0, ok = c != NULL && EVP_EncryptInit_ex(c, ctr_cipher(suite->key_len), NULL, master_key, iv) == 1 &&
                       EVP_EncryptUpdate(c, out, &outl, zeros, n) == 1;
    EVP_CIPHER_CTX_free(c);
    return ok ? 0 : -1;
}

int ossl_derive(const bench_suite_t *suite, const uint8_t *master_key, const uint8_t *master_salt,
                ossl_session_keys_t *out) {
    uint8_t salt14[14] = {0};
    memcpy(salt14, master_salt, (size_t)suite->salt_len);
    memset(out, 0, sizeof(*out));
    if (prf(suite, master_key, salt14, 0x00, out->ke, suite->key_len)) return -1;
    if (prf(suite, master_key, salt14, 0x01, out->ka, 20)) return -1;
    if (prf(suite, master_key, salt14, 0x02, out->ks, suite->cipher == BENCH_AES_GCM ? 12 : 14)) return -1;
    return 0;
}

int ossl_ctx_init(ossl_srtp_ctx_t *ctx, const bench_suite_t *suite, const ossl_session_keys_t *keys, int encrypt) {
    memset(ctx, 0, sizeof(*ctx));
    ctx->suite = suite;
    ctx->encrypt = encrypt;
    memcpy(ctx->salt, keys->ks, sizeof(ctx->salt));
    ctx->cipher = EVP_CIPHER_CTX_new();
    if (!ctx->cipher) return -1;
    if (suite->cipher == BENCH_AES_CM) {
        /* CTR is its own inverse: both directions encrypt. */
        if (EVP_EncryptInit_ex(ctx->cipher, ctr_cipher(suite->key_len), NULL, keys->ke, NULL) != 1) return -1;
        ctx->hmac = HMAC_CTX_new();
        if (!ctx->hmac || HMAC_Init_ex(ctx->hmac, keys->ka, 20, EVP_sha1(), NULL) != 1) return -1;
    } else {
        if (EVP_CipherInit_ex(ctx->cipher, gcm_cipher(suite->key_len), NULL, keys->ke, NULL, encrypt) != 1) return -1;
    }
    return 0;
}

void ossl_ctx_free(ossl_srtp_ctx_t *ctx) {
    EVP_CIPHER_CTX_free(ctx->cipher);
    HMAC_CTX_free(ctx->hmac);
    OPENSSL_cleanse(ctx, sizeof(*ctx));
}

/* RTP header length with CSRCs and header extension (RFC 3550 §5.1, §5.3.1); -1 if malformed. */
static int rtp_header_len(const uint8_t *p, int len) {
    if (len < 12 || (p[0] >> 6) != 2) return -1;
    int hl = 12 + 4 * (p[0] & 0x0f);
    if (p[0] & 0x10) {
        if (len < hl + 4) return -1;
        hl += 4 + 4 * ((p[hl + 2] << 8) | p[hl + 3]);
    }
    return hl <= len ? hl : -1;
}

/* RFC 3711 Appendix A: the ROC guess v for sequence number seq. */
static uint32_t estimate_roc(const ossl_srtp_ctx_t *ctx, uint16_t seq) {
    if (!ctx->started) return 0;
    if (ctx->s_l < 32768) {
        if ((int)seq - (int)ctx->s_l > 32768) return ctx->roc - 1;
        return ctx->roc;
    }
    if ((int)ctx->s_l - 32768 > (int)seq) return ctx->roc + 1;
    return ctx->roc;
}

static void commit_index(ossl_srtp_ctx_t *ctx, uint32_t ssrc, uint32_t v, uint16_t seq) {
    if (!ctx->started) {
        ctx->started = 1;
        ctx->ssrc = ssrc;
        ctx->roc = v;
        ctx->s_l = seq;
    } else if (v == ctx->roc + 1) {
        ctx->roc = v;
        ctx->s_l = seq;
    } else if (v == ctx->roc && seq > ctx->s_l) {
        ctx->s_l = seq;
    }
}

static enum ossl_status replay_check(const ossl_srtp_ctx_t *ctx, uint64_t index) {
    if (!ctx->started || index > ctx->highest) return OSSL_OK;
    uint64_t back = ctx->highest - index;
    if (back >= 128) return OSSL_TOO_OLD;
    return (ctx->window[back >> 6] >> (back & 63)) & 1 ? OSSL_REPLAYED : OSSL_OK;
}

static void replay_commit(ossl_srtp_ctx_t *ctx, uint64_t index, int was_started) {
    if (!was_started) {
        ctx->highest = index;
        ctx->window[0] = 1;
        ctx->window[1] = 0;
    } else if (index > ctx->highest) {
        uint64_t shift = index - ctx->highest;
        if (shift >= 128) {
            ctx->window[0] = ctx->window[1] = 0;
        } else if (shift >= 64) {
            ctx->window[1] = ctx->window[0] << (shift - 64);
            ctx->window[0] = 0;
        } else {
            ctx->window[1] = (ctx->window[1] << shift) | (ctx->window[0] >> (64 - shift));
            ctx->window[0] <<= shift;
        }
        ctx->window[0] |= 1;
        ctx->highest = index;
    } else {
        uint64_t back = ctx->highest - index;
        ctx->window[back >> 6] |= (uint64_t)1 << (back & 63);
    }
}

/* RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16). */
static void cm_iv(const ossl_srtp_ctx_t *ctx, uint32_t ssrc, uint32_t roc, uint16_t seq, uint8_t iv[16]) {
    memcpy(iv, ctx->salt, 14);
    iv[14] = iv[15] = 0;
    iv[4] ^= (uint8_t)(ssrc >> 24); iv[5] ^= (uint8_t)(ssrc >> 16); iv[6] ^= (uint8_t)(ssrc >> 8); iv[7] ^= (uint8_t)ssrc;
    iv[8] ^= (uint8_t)(roc >> 24); iv[9] ^= (uint8_t)(roc >> 16); iv[10] ^= (uint8_t)(roc >> 8); iv[11] ^= (uint8_t)roc;
    iv[12] ^= (uint8_t)(seq >> 8); iv[13] ^= (uint8_t)seq;
}

/* RFC 7714 §8.1: IV = (0x0000 || SSRC || ROC || SEQ) XOR salt (12 bytes). */
static void gcm_iv(const ossl_srtp_ctx_t *ctx, uint32_t ssrc, uint32_t roc, uint16_t seq, uint8_t iv[12]) {
    memcpy(iv, ctx->salt, 12);
    iv[2] ^= (uint8_t)(ssrc >> 24); iv[3] ^= (uint8_t)(ssrc >> 16); iv[4] ^= (uint8_t)(ssrc >> 8); iv[5] ^= (uint8_t)ssrc;
    iv[6] ^= (uint8_t)(roc >> 24); iv[7] ^= (uint8_t)(roc >> 16); iv[8] ^= (uint8_t)(roc >> 8); iv[9] ^= (uint8_t)roc;
    iv[10] ^= (uint8_t)(seq >> 8); iv[11] ^= (uint8_t)seq;
}

/* HMAC-SHA1 over data || ROC (RFC 3711 §4.2), full 20-byte digest into md. */
static int cm_tag(ossl_srtp_ctx_t *ctx, const uint8_t *data, int len, uint32_t roc, uint8_t md[20]) {
    uint8_t r[4] = {(uint8_t)(roc >> 24), (uint8_t)(roc >> 16), (uint8_t)(roc >> 8), (uint8_t)roc};
    unsigned int mdl = 0;
    return HMAC_Init_ex(ctx->hmac, NULL, 0, NULL, NULL) == 1 && HMAC_Update(ctx->hmac, data, (size_t)len) == 1 &&
                   HMAC_Update(ctx->hmac, r, 4) == 1 && HMAC_Final(ctx->hmac, md, &mdl) == 1
               ? 0
               : -1;
}

enum ossl_status ossl_protect(ossl_srtp_ctx_t *ctx, const uint8_t *pkt, int len, uint8_t *out, int *out_len) {
    int hl = rtp_header_len(pkt, len);
    if (hl < 0) return OSSL_MALFORMED;
    uint16_t seq = (uint16_t)(pkt[2] << 8 | pkt[3]);
    uint32_t ssrc = (uint32_t)pkt[8] << 24 | (uint32_t)pkt[9] << 16 | (uint32_t)pkt[10] << 8 | pkt[11];
    if (ctx->started && ssrc != ctx->ssrc) ctx->started = 0; /* one stream per context in this bench */
    uint32_t roc = estimate_roc(ctx, seq);
    int outl = 0, plen = len - hl;
    memcpy(out, pkt, (size_t)hl);
    if (ctx->suite->cipher == BENCH_AES_CM) {
        uint8_t iv[16], md[20];
        cm_iv(ctx, ssrc, roc, seq, iv);
        if (EVP_EncryptInit_ex(ctx->cipher, NULL, NULL, NULL, iv) != 1 ||
            EVP_EncryptUpdate(ctx->cipher, out + hl, &outl, pkt + hl, plen) != 1)
            return OSSL_INTERNAL;
        if (cm_tag(ctx, out, len, roc, md)) return OSSL_INTERNAL;
        memcpy(out + len, md, (size_t)ctx->suite->tag_len);
    } else {
        uint8_t iv[12];
        gcm_iv(ctx, ssrc, roc, seq, iv);
        if (EVP_EncryptInit_ex(ctx->cipher, NULL, NULL, NULL, iv) != 1 ||
            EVP_EncryptUpdate(ctx->cipher, NULL, &outl, pkt, hl) != 1 ||
            EVP_EncryptUpdate(ctx->cipher, out + hl, &outl, pkt + hl, plen) != 1 ||
            EVP_EncryptFinal_ex(ctx->cipher, out + hl + outl, &outl) != 1 ||
            EVP_CIPHER_CTX_ctrl(ctx->cipher, EVP_CTRL_GCM_GET_TAG, 16, out + len) != 1)
            return OSSL_INTERNAL;
    }
    commit_index(ctx, ssrc, roc, seq);
    *out_len = len + ctx->suite->tag_len;
    return OSSL_OK;
}

enum ossl_status ossl_unprotect(ossl_srtp_ctx_t *ctx, const uint8_t *pkt, int len, uint8_t *out, int *out_len) {
    int tag_len = ctx->suite->tag_len;
    if (len < 12 + tag_len) return OSSL_TOO_SHORT;
    int body = len - tag_len;
    int hl = rtp_header_len(pkt, body);
    if (hl < 0) return OSSL_MALFORMED;
    uint16_t seq = (uint16_t)(pkt[2] << 8 | pkt[3]);
    uint32_t ssrc = (uint32_t)pkt[8] << 24 | (uint32_t)pkt[9] << 16 | (uint32_t)pkt[10] << 8 | pkt[11];
    if (ctx->started && ssrc != ctx->ssrc) ctx->started = 0;
    /* check */
    uint32_t roc = estimate_roc(ctx, seq);
    uint64_t index = (uint64_t)roc << 16 | seq;
    enum ossl_status st = replay_check(ctx, index);
    if (st != OSSL_OK) return st;
    int outl = 0, plen = body - hl;
    if (ctx->suite->cipher == BENCH_AES_CM) {
        /* authenticate before decrypting */
        uint8_t iv[16], md[20];
        if (cm_tag(ctx, pkt, body, roc, md)) return OSSL_INTERNAL;
        if (CRYPTO_memcmp(md, pkt + body, (size_t)tag_len) != 0) return OSSL_AUTH_FAILED;
        cm_iv(ctx, ssrc, roc, seq, iv);
        memcpy(out, pkt, (size_t)hl);
        if (EVP_EncryptInit_ex(ctx->cipher, NULL, NULL, NULL, iv) != 1 ||
            EVP_EncryptUpdate(ctx->cipher, out + hl, &outl, pkt + hl, plen) != 1)
            return OSSL_INTERNAL;
    } else {
        uint8_t iv[12];
        gcm_iv(ctx, ssrc, roc, seq, iv);
        memcpy(out, pkt, (size_t)hl);
        if (EVP_DecryptInit_ex(ctx->cipher, NULL, NULL, NULL, iv) != 1 ||
            EVP_DecryptUpdate(ctx->cipher, NULL, &outl, pkt, hl) != 1 ||
            EVP_DecryptUpdate(ctx->cipher, out + hl, &outl, pkt + hl, plen) != 1 ||
            EVP_CIPHER_CTX_ctrl(ctx->cipher, EVP_CTRL_GCM_SET_TAG, 16, (void *)(pkt + body)) != 1)
            return OSSL_INTERNAL;
        /* the plaintext in out is released to the caller only when the tag verifies */
        if (EVP_DecryptFinal_ex(ctx->cipher, out + hl + outl, &outl) != 1) return OSSL_AUTH_FAILED;
    }
    /* commit */
    int was_started = ctx->started;
    commit_index(ctx, ssrc, roc, seq);
    replay_commit(ctx, index, was_started);
    *out_len = body;
    return OSSL_OK;
}

/**
 * The SIP scenarios (issue 12, "Proof"): who speaks SRTP, the rtpengine module flags Kamailio
 * sends, and what must come out. Expectations are relay-independent: where a relay may choose
 * (which suites it offers, in which order), the test derives the expected outcome from what the
 * relay offered and what baresip supports; where the flags leave one choice, it is named.
 */
export type MediaSecurity = 'srtp' | 'plain';

export interface SipScenario {
  readonly name: string;
  readonly caller: MediaSecurity;
  readonly callee: MediaSecurity;
  /** Extra rtpengine_offer flags (the base flags below are always sent). */
  readonly offerFlags: readonly string[];
  readonly answerFlags: readonly string[];
  /** Suites that must not appear in the offer to the callee (`SDES-no-`). */
  readonly excludedSuites?: readonly string[];
  /** The only suites allowed in the offer to the callee (`SDES-only-`). */
  readonly onlySuites?: readonly string[];
  /** The suite the callee must end up with when the flags leave one choice. */
  readonly calleeSuite?: string;
  /** Leave `SDES-pad` out of the flags (the relay must still write padded keys). */
  readonly withoutPadFlag?: boolean;
}

/**
 * What a Kamailio deployment sends for every call: rewrite o= and c=, drop ICE, pad SDES keys
 * (baresip rejects unpadded AEAD keys, rtpengine issue #1197).
 */
export const BASE_FLAGS: readonly string[] = Object.freeze(['replace-origin', 'replace-session-connection', 'ICE=remove', 'SDES-pad']);

const GCM = ['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM'];

export const SIP_SCENARIOS: readonly SipScenario[] = Object.freeze([
  { name: 'SRTP to SRTP', caller: 'srtp', callee: 'srtp', offerFlags: [], answerFlags: [] },
  // transport-protocol names the protocol toward the recipient of the rewritten SDP.
  { name: 'SRTP caller to plain RTP callee', caller: 'srtp', callee: 'plain', offerFlags: ['RTP/AVP'], answerFlags: [] },
  { name: 'plain RTP caller to SRTP callee', caller: 'plain', callee: 'srtp', offerFlags: ['RTP/SAVP'], answerFlags: [] },
  {
    name: 'plain to SRTP, SDES-no-AEAD_AES_256_GCM', caller: 'plain', callee: 'srtp', answerFlags: [],
    offerFlags: ['RTP/SAVP', 'SDES-no-AEAD_AES_256_GCM'], excludedSuites: ['AEAD_AES_256_GCM'],
  },
  {
    name: 'plain to SRTP, SDES-no- both AEAD suites', caller: 'plain', callee: 'srtp', answerFlags: [],
    offerFlags: ['RTP/SAVP', ...GCM.map((s) => `SDES-no-${s}`)], excludedSuites: GCM,
  },
  {
    name: 'plain to SRTP, SDES-no- down to AES_CM_128_HMAC_SHA1_32', caller: 'plain', callee: 'srtp', answerFlags: [],
    offerFlags: ['RTP/SAVP', ...[...GCM, 'AES_CM_128_HMAC_SHA1_80'].map((s) => `SDES-no-${s}`)],
    excludedSuites: [...GCM, 'AES_CM_128_HMAC_SHA1_80'], calleeSuite: 'AES_CM_128_HMAC_SHA1_32',
  },
  {
    name: 'SRTP to SRTP, SDES-only-AES_CM_128_HMAC_SHA1_32', caller: 'srtp', callee: 'srtp', answerFlags: [],
    offerFlags: ['SDES-only-AES_CM_128_HMAC_SHA1_32'], onlySuites: ['AES_CM_128_HMAC_SHA1_32'], calleeSuite: 'AES_CM_128_HMAC_SHA1_32',
  },
  {
    name: 'plain to SRTP, SDES-only-AEAD_AES_128_GCM', caller: 'plain', callee: 'srtp', answerFlags: [],
    offerFlags: ['RTP/SAVP', 'SDES-only-AEAD_AES_128_GCM'], onlySuites: ['AEAD_AES_128_GCM'], calleeSuite: 'AEAD_AES_128_GCM',
  },
  // Without SDES-pad the relay still has to write padded keys: baresip (and Linphone) reject
  // unpadded AEAD keys (rtpengine issue #1197).
  {
    name: 'plain to SRTP, no SDES-pad flag', caller: 'plain', callee: 'srtp', answerFlags: [],
    offerFlags: ['RTP/SAVP'], withoutPadFlag: true,
  },
]);

/** SRTP authentication tag length per suite (RFC 3711 section 5.2, RFC 7714 section 15). */
export const AUTH_TAG_BYTES: Readonly<Record<string, number>> = Object.freeze({
  AES_CM_128_HMAC_SHA1_80: 10,
  AES_CM_128_HMAC_SHA1_32: 4,
  AES_256_CM_HMAC_SHA1_80: 10,
  AES_256_CM_HMAC_SHA1_32: 4,
  AES_192_CM_HMAC_SHA1_80: 10,
  AES_192_CM_HMAC_SHA1_32: 4,
  AEAD_AES_128_GCM: 16,
  AEAD_AES_256_GCM: 16,
});

import { answerSdesOffer, completeSdesOffer, createSdesOffer, formatCryptoAttribute, generateKeySet, initKeys, KeyErrorCode, parseCryptoAttribute, SuitePolicy } from '../../../src/keys';
import { resolveProfile } from '../../../src/srtp/protection-profile';

beforeAll(async () => {
  await initKeys();
});

const RFC_OFFER = [
  'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32',
  'a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32',
];

describe('SDES offer', () => {
  it('lists every policy suite, in preference order, each with its own fresh key', () => {
    const policy = new SuitePolicy();
    const offer = createSdesOffer(policy);
    expect(offer.lines.map((l) => parseCryptoAttribute(l).profile.name)).toEqual(policy.preference.map((p) => p.name));
    expect(offer.lines.map((l) => parseCryptoAttribute(l).tag)).toEqual([1, 2, 3, 4, 5]);
    const sets = [...offer.sets.values()];
    for (let i = 0; i < sets.length; i++) for (let j = i + 1; j < sets.length; j++) {
      expect(sets[i].keys[0].sameMaterialAs(sets[j].keys[0])).toBe(false);
    }
  });
});

describe('SDES answer (RFC 4568 §7.1.2)', () => {
  it('answers the RFC 4568 §5.1 offer: tag 1, same suite, a fresh key of its own', () => {
    const answer = answerSdesOffer(RFC_OFFER, new SuitePolicy());
    expect(answer.tag).toBe(1);
    expect(answer.profile.name).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(answer.line).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}$/);
    expect(answer.send.keys[0].sameMaterialAs(answer.receive.keys[0])).toBe(false);
    expect(answer.receive.keys[0].mkiHex).toBe('00'.repeat(31) + '01');
    const again = answerSdesOffer(RFC_OFFER, new SuitePolicy());
    expect(again.send.keys[0].sameMaterialAs(answer.send.keys[0])).toBe(false);
  });

  it('picks by our policy, not by offer order, and keeps the offered tag', () => {
    const gcm = formatCryptoAttribute(9, generateKeySet(resolveProfile('AEAD_AES_256_GCM')));
    const answer = answerSdesOffer([...RFC_OFFER, gcm], new SuitePolicy());
    expect(answer.tag).toBe(9);
    expect(answer.profile.name).toBe('AEAD_AES_256_GCM');
  });

  it('skips bad or unwanted lines, reporting each with its code', () => {
    const answer = answerSdesOffer(['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:QUJD', 'a=crypto:2 AES_192_CM_HMAC_SHA1_80 inline:' + Buffer.alloc(38, 1).toString('base64'), RFC_OFFER[1].replace(':2 ', ':3 ')], new SuitePolicy());
    expect(answer.tag).toBe(3);
    expect(answer.rejected.map((r) => [r.index, r.code])).toEqual([[0, KeyErrorCode.BadKeyLength], [1, KeyErrorCode.NoAcceptableOffer]]);
  });

  it('mirrors UNENCRYPTED_SRTCP (both directions) but refuses weak SRTP params unless allowed', () => {
    const line = `${RFC_OFFER[0]} UNENCRYPTED_SRTCP KDR=4`;
    const answer = answerSdesOffer([line], new SuitePolicy());
    expect(answer.line).toMatch(/ UNENCRYPTED_SRTCP$/);
    expect(answer.send.params.kdrExponent).toBeNull();
    expect(() => answerSdesOffer([`${RFC_OFFER[0]} UNENCRYPTED_SRTP`], new SuitePolicy())).toThrow(expect.objectContaining({ code: KeyErrorCode.NoAcceptableOffer }));
    expect(answerSdesOffer([`${RFC_OFFER[0]} UNAUTHENTICATED_SRTP`], new SuitePolicy(), { allowWeakParams: true }).line).toMatch(/UNAUTHENTICATED_SRTP$/);
  });

  it('no acceptable line, duplicate tags: clear errors', () => {
    expect(() => answerSdesOffer([], new SuitePolicy())).toThrow(expect.objectContaining({ code: KeyErrorCode.NoAcceptableOffer }));
    expect(() => answerSdesOffer([RFC_OFFER[0], RFC_OFFER[0]], new SuitePolicy())).toThrow(expect.objectContaining({ code: KeyErrorCode.DuplicateTag }));
  });

  it('gives MKIs to the answer key when the policy asks for several keys', () => {
    const answer = answerSdesOffer(RFC_OFFER, new SuitePolicy(), { keys: { keyCount: 2, mkiLength: 1 } });
    expect(answer.line).toMatch(/\|1:1;inline:[^|]+\|2:1$/);
  });
});

describe('offer → answer → complete', () => {
  it('both sides end with mirrored send/receive sets; unchosen offers are wiped', () => {
    const policy = new SuitePolicy(['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM']);
    const offer = createSdesOffer(policy);
    const answer = answerSdesOffer(offer.lines, new SuitePolicy(['AEAD_AES_128_GCM']));
    const done = completeSdesOffer(offer, answer.line, policy);
    expect(done.tag).toBe(2);
    expect(done.send.keys[0].sameMaterialAs(answer.receive.keys[0])).toBe(true);
    expect(done.receive.keys[0].sameMaterialAs(answer.send.keys[0])).toBe(true);
    expect(offer.sets.get(1)?.released).toBe(true);
    expect(offer.sets.get(2)?.released).toBe(false);
  });

  it('an answer with a tag or suite we did not offer is refused', () => {
    const policy = new SuitePolicy(['AES_CM_128_HMAC_SHA1_80']);
    const offer = createSdesOffer(policy);
    const wrongTag = formatCryptoAttribute(7, generateKeySet(resolveProfile('AES_CM_128_HMAC_SHA1_80')));
    expect(() => completeSdesOffer(offer, wrongTag, policy)).toThrow(expect.objectContaining({ code: KeyErrorCode.AnswerMismatch }));
    const wrongSuite = formatCryptoAttribute(1, generateKeySet(resolveProfile('AES_CM_128_HMAC_SHA1_32')));
    expect(() => completeSdesOffer(offer, wrongSuite, policy)).toThrow(expect.objectContaining({ code: KeyErrorCode.AnswerMismatch }));
  });
});

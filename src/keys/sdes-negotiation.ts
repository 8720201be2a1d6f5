/**
 * SDES offer/answer (RFC 4568 §7). In SDES each side's a=crypto line carries the key that side
 * sends with (§6.1), so an answer keeps the accepted offer's tag and suite and brings a fresh
 * key for the answerer's direction; the two directions never share a key.
 */
import type { ProtectionProfile } from '../srtp/protection-profile';
import { KeyError, KeyErrorCode } from './errors';
import { generateKeySet, type KeySetOptions } from './key-generator';
import type { MasterKeySet } from './master-key-set';
import { formatCryptoAttribute, parseCryptoAttribute, type CryptoAttribute } from './sdes-crypto-attribute';
import { DEFAULT_SESSION_PARAMS } from './session-params';
import type { SuitePolicy } from './suite-policy';

/** The two sets of one endpoint for one stream: what it protects with and unprotects with. */
export interface SdesKeys {
  readonly tag: number;
  readonly profile: ProtectionProfile;
  /** Our send direction (the key in our own a=crypto line). */
  readonly send: MasterKeySet;
  /** The peer's send direction (the key in the peer's a=crypto line). */
  readonly receive: MasterKeySet;
}

export interface SdesOffer {
  /** a=crypto lines, most preferred first (RFC 4568 §5.1: order states preference). */
  readonly lines: readonly string[];
  /** Our send set per tag; the ones the answer does not pick are wiped on completion. */
  readonly sets: ReadonlyMap<number, MasterKeySet>;
}

export interface SdesOptions {
  readonly keys?: KeySetOptions;
  /** Accept offers with UNENCRYPTED_SRTP / UNAUTHENTICATED_SRTP. Default false. */
  readonly allowWeakParams?: boolean;
}

/** One line per policy suite, each with fresh keys; tags count from 1. */
export function createSdesOffer(policy: SuitePolicy, options: SdesOptions = {}): SdesOffer {
  const sets = new Map<number, MasterKeySet>();
  const lines = policy.preference.map((profile, i) => {
    const tag = i + 1;
    const set = generateKeySet(profile, options.keys);
    sets.set(tag, set);
    return formatCryptoAttribute(tag, set);
  });
  return { lines, sets };
}

/** A line of an offer that the answerer could not use, and why. */
export interface RejectedOffer {
  readonly index: number;
  readonly code: KeyErrorCode;
  readonly message: string;
}

export interface SdesAnswer extends SdesKeys {
  /** Our a=crypto line for the answer. */
  readonly line: string;
  readonly rejected: readonly RejectedOffer[];
}

/**
 * Pick one offered line: the policy's most preferred suite, and among lines of that suite the
 * offerer's first (RFC 4568 §7.1.2). Lines that fail to parse or are refused by policy are
 * reported with their code; if none is left the answer fails (no silent RTP).
 */
export function answerSdesOffer(offerLines: readonly string[], policy: SuitePolicy, options: SdesOptions = {}): SdesAnswer {
  const parsed: { index: number; attr: CryptoAttribute }[] = [];
  const rejected: RejectedOffer[] = [];
  const tags = new Set<number>();
  try {
    offerLines.forEach((line, index) => {
      try {
        const attr = parseCryptoAttribute(line, { allowNull: policy.allowNull });
        if (tags.has(attr.tag)) {
          attr.keySet.release();
          throw new KeyError(KeyErrorCode.DuplicateTag, `offered tag ${attr.tag} appears twice (RFC 4568 §5.1)`);
        }
        tags.add(attr.tag);
        parsed.push({ index, attr });
      } catch (err) {
        if (!(err instanceof KeyError) || err.code === KeyErrorCode.DuplicateTag) throw err;
        rejected.push({ index, code: err.code, message: err.message });
      }
    });
    const acceptable = parsed.filter(({ index, attr }) => {
      if (!policy.preference.includes(attr.profile)) {
        rejected.push({ index, code: KeyErrorCode.NoAcceptableOffer, message: `${attr.profile.name} is not in the policy` });
        return false;
      }
      const p = attr.keySet.params;
      if ((p.unencryptedSrtp || p.unauthenticatedSrtp) && options.allowWeakParams !== true) {
        rejected.push({ index, code: KeyErrorCode.WeakParamsRefused, message: 'UNENCRYPTED_SRTP/UNAUTHENTICATED_SRTP refused by policy' });
        return false;
      }
      return true;
    });
    const rank = (a: CryptoAttribute): number => policy.preference.indexOf(a.profile);
    const chosen = acceptable.reduce<(typeof acceptable)[number] | null>((best, c) => (best === null || rank(c.attr) < rank(best.attr) ? c : best), null);
    if (chosen === null) {
      throw new KeyError(KeyErrorCode.NoAcceptableOffer, `none of ${offerLines.length} offered a=crypto lines is acceptable${rejected.length > 0 ? `: ${rejected.map((r) => `#${r.index + 1} ${r.code}`).join(', ')}` : ''}`);
    }
    const offered = chosen.attr.keySet.params;
    // The UNENCRYPTED_* / UNAUTHENTICATED_* flags describe the media in both directions
    // (RFC 4568 §6.3.2-3), so the answer repeats them; KDR and WSH are per sender (§6.3.1, §6.3.7).
    const send = generateKeySet(chosen.attr.profile, {
      ...options.keys,
      params: { ...DEFAULT_SESSION_PARAMS, unencryptedSrtp: offered.unencryptedSrtp, unencryptedSrtcp: offered.unencryptedSrtcp, unauthenticatedSrtp: offered.unauthenticatedSrtp },
    });
    for (const p of parsed) if (p !== chosen) p.attr.keySet.release();
    return { tag: chosen.attr.tag, profile: chosen.attr.profile, send, receive: chosen.attr.keySet, line: formatCryptoAttribute(chosen.attr.tag, send), rejected };
  } catch (err) {
    for (const p of parsed) p.attr.keySet.release();
    throw err;
  }
}

/**
 * The offerer's side of the answer: the answer must name one offered tag with the same suite
 * (RFC 4568 §7.1.3). Our other offered sets are wiped.
 */
export function completeSdesOffer(offer: SdesOffer, answerLine: string, policy: SuitePolicy): SdesKeys {
  const answer = parseCryptoAttribute(answerLine, { allowNull: policy.allowNull });
  const send = offer.sets.get(answer.tag);
  if (send === undefined || send.profile !== answer.profile) {
    answer.keySet.release();
    throw new KeyError(KeyErrorCode.AnswerMismatch, `answer tag ${answer.tag} with ${answer.profile.name} matches no offered line`);
  }
  for (const [tag, set] of offer.sets) if (tag !== answer.tag) set.release();
  return { tag: answer.tag, profile: answer.profile, send, receive: answer.keySet };
}

/**
 * The relay as SDES offerer (RFC 4568 §7.1). When one leg's offer must be passed on to an SDES
 * leg that has no keys yet, the relay reserves that leg's ports and offers fresh keys of its own
 * (one line per suite: the suite the offering leg uses first, then the rest of the policy). The
 * reserved ports are what the offer names, so the answer can only be opened on them.
 *
 * When the answer comes back it must name exactly one offered tag with the same suite (§7.1.3);
 * then the stream opens on the reservation with the answerer's key inbound and our key of that
 * tag outbound, and our other offered keys are wiped. A malformed or mismatching answer is
 * refused before anything changes: the offer stays pending, so a corrected answer can still
 * complete it.
 */
import type { Logger } from 'pino';
import { formatCryptoAttribute, KeyError, KeyErrorCode, parseCryptoAttribute, type KeyManager, type MasterKeySet } from '../keys';
import type { PortReservation, RelayCall } from '../relay';
import { ControlError, fieldError, withField } from './errors';
import { copyKeySet } from './session-keys';
import type { PendingSdesOffer, SessionStream } from './session-stream';

/**
 * Suites to offer: `first` (the other leg's suite) when the policy has it, then the rest of the
 * policy. `only` (a front end's suite selection, most preferred first) replaces that order: its
 * suites the policy accepts, as given; none left is a 4xx, since an empty offer cannot be answered.
 */
export function offerSuites(keys: KeyManager, first: string | null, only?: readonly string[]): string[] {
  if (only !== undefined) {
    const chosen = only.filter((name) => keys.policy.accepts(name));
    if (chosen.length === 0) throw new ControlError('API_ERR_BAD_REQUEST', { field: 'suites', detail: 'no SRTP suite left to offer' });
    return chosen;
  }
  const all = keys.policy.preference.map((p) => p.name);
  if (first === null || !keys.policy.accepts(first)) return all;
  return [first, ...all.filter((name) => name !== first)];
}

/** Our pending offer toward this stream, made now (ports reserved, keys fresh) or repeated. */
export function pendingOffer(keys: KeyManager, relay: RelayCall, media: SessionStream, firstSuite: string | null, only?: readonly string[]): PendingSdesOffer {
  const existing = media.pending;
  if (existing !== null) return existing;
  const offer = keys.sdesOffer({ suites: offerSuites(keys, firstSuite, only) });
  try {
    media.setPending({ reservation: relay.reservePorts(media.rtcpMux), offer });
  } catch (err) {
    for (const set of offer.sets.values()) set.release();
    throw err;
  }
  return media.pending as PendingSdesOffer;
}

/**
 * Verified passthrough: the endpoint's own offered lines the relay may pass on unchanged, parsed
 * (tag → that endpoint's send set). A line is kept when it parses, its suite is in the policy
 * (and in `only`, a front end's selection, when given) and it asks for no weak session
 * parameter (RFC 4568 §6.3.2-3: never offered by us, so never passed on either). None left is a
 * 4xx, checked before anything changes. The caller owns the sets (wipe them when done).
 */
export function offeredKeySets(keys: KeyManager, lines: readonly string[], only?: readonly string[]): Map<number, MasterKeySet> {
  const sets = new Map<number, MasterKeySet>();
  for (const line of lines) {
    let attr;
    try {
      attr = parseCryptoAttribute(line, { allowNull: keys.policy.allowNull });
    } catch (err) {
      if (err instanceof KeyError) continue;
      for (const set of sets.values()) set.release();
      throw err;
    }
    const p = attr.keySet.params;
    const usable = keys.policy.accepts(attr.profile.name) && (only === undefined || only.includes(attr.profile.name))
      && !p.unencryptedSrtp && !p.unauthenticatedSrtp && !sets.has(attr.tag);
    if (usable) sets.set(attr.tag, attr.keySet);
    else attr.keySet.release();
  }
  if (sets.size === 0) throw new ControlError('API_ERR_BAD_REQUEST', { field: 'sdp', detail: 'no offered a=crypto line can be passed on' });
  return sets;
}

/**
 * Verified passthrough: our offer toward this stream repeats the offering endpoint's own keys
 * (`offered`, its send sets per tag, which the stream of that endpoint keeps as its inbound
 * candidates). The lines are rewritten from the parsed sets, so the key bytes, lifetimes, MKIs
 * and session parameters stay exactly the endpoint's and only the base64 is normalised (padded).
 * The offer holds copies: completing it wipes the unchosen ones like any offer of ours.
 */
export function pendingPassthroughOffer(relay: RelayCall, media: SessionStream, offered: ReadonlyMap<number, MasterKeySet>): PendingSdesOffer {
  const existing = media.pending;
  if (existing !== null) return existing;
  const sets = new Map([...offered].map(([tag, set]) => [tag, copyKeySet(set)]));
  const lines = [...sets].map(([tag, set]) => formatCryptoAttribute(tag, set));
  try {
    media.setPending({ reservation: relay.reservePorts(media.rtcpMux), offer: { lines, sets } });
  } catch (err) {
    for (const set of sets.values()) set.release();
    throw err;
  }
  return media.pending as PendingSdesOffer;
}

/**
 * Check an answer's a=crypto lines against our offer without consuming anything; returns the
 * one line to complete with. Throws a 4xx naming `sdp`.
 */
export function checkSdesAnswer(keys: KeyManager, pending: PendingSdesOffer, lines: readonly string[], kind: string): string {
  if (lines.length === 0) throw new ControlError('API_ERR_MISSING_CRYPTO', { field: 'sdp', detail: `${kind} m-line of the answer` });
  if (lines.length > 1) throw new ControlError('API_ERR_BAD_SDES_ANSWER', { field: 'sdp', detail: `${kind} m-line has ${lines.length} a=crypto lines` });
  const attr = withField('sdp', () => parseCryptoAttribute(lines[0], { allowNull: keys.policy.allowNull }));
  const offered = pending.offer.sets.get(attr.tag);
  const matches = offered !== undefined && offered.profile === attr.profile;
  const p = attr.keySet.params;
  const weak = p.unencryptedSrtp || p.unauthenticatedSrtp;
  attr.keySet.release();
  if (!matches) throw fieldError('sdp', new KeyError(KeyErrorCode.AnswerMismatch, `${kind}: answer tag ${attr.tag} with ${attr.profile.name} matches no offered line`));
  // We never offer UNENCRYPTED_SRTP / UNAUTHENTICATED_SRTP, so an answer may not add them.
  if (weak) throw fieldError('sdp', new KeyError(KeyErrorCode.WeakParamsRefused, `${kind}: the answer adds UNENCRYPTED_SRTP or UNAUTHENTICATED_SRTP`));
  return lines[0];
}

/** Keys our SDES offer and its answer agreed on (send: ours, receive: the answerer's, tag: the line it picked). */
export type NegotiatedSdes = ReturnType<KeyManager['sdesComplete']>;

/** Complete our pending offer with a checked answer line: the keys, and the ports the offer named. */
export function takeSdesAnswer(keys: KeyManager, media: SessionStream, line: string): { negotiated: NegotiatedSdes; reservation: PortReservation } {
  const pending = media.takePending();
  if (pending === null) throw new ControlError('API_ERR_NO_PENDING_OFFER', { field: 'type' });
  return { negotiated: withField('sdp', () => keys.sdesComplete(pending.offer, line)), reservation: pending.reservation };
}

/** Open the answered stream on the ports our offer named. */
export async function openSdesAnswer(relay: RelayCall, media: SessionStream, negotiated: NegotiatedSdes, reservation: PortReservation): Promise<void> {
  try {
    await media.openSdes(negotiated.receive, negotiated.send, negotiated.tag, reservation);
  } catch (err) {
    // The unchosen keys are gone and the ports may be too: the offer cannot be completed any more.
    if (!relay.closed) relay.cancelReservation(reservation);
    throw err;
  }
}

/** The answerer rejected the stream (port 0): our offer's keys and ports go. */
export function declineSdesOffer(relay: RelayCall, media: SessionStream): void {
  const pending = media.takePending();
  if (pending === null) return;
  for (const set of pending.offer.sets.values()) set.release();
  if (!relay.closed) relay.cancelReservation(pending.reservation);
}

/**
 * Glare: the endpoint sent its own SDES offer while ours was pending. Its offer wins (we answer
 * it); our offered keys are wiped and the ports we already named are reused for the answer.
 */
export function takeOverPending(media: SessionStream, logger: Logger, callId: string): PortReservation | undefined {
  const pending = media.takePending();
  if (pending === null) return undefined;
  for (const set of pending.offer.sets.values()) set.release();
  logger.info({ callId, stream: media.kind }, 'sdes offer glare: answering the endpoint\'s offer on the reserved ports');
  return pending.reservation;
}

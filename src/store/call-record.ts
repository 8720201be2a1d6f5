/**
 * What the store holds for one call: the session snapshot (src/control/session-snapshot.ts: no
 * key bytes, key sets named by id) and the key sets it names, sealed with crypto_secretbox under
 * the cluster key (KeyManager.persist / sealSets; the key comes from config or
 * SRTP_RELAY_NODE_KEY and is never written to the store). The record is JSON; the sealed parts
 * are a nonce and a ciphertext only, so no key, salt, or value derived from one is in Redis.
 */
import type { CallController, CallSession, KeySource, SessionSnapshot } from '../control';
import type { KeyManager, LabelledKeySet, MasterKeySet, PersistedKeySets } from '../keys';

export const CALL_RECORD_VERSION = 1;

export interface CallRecord {
  readonly v: typeof CALL_RECORD_VERSION;
  /** The node that owns (relays) the call. */
  readonly owner: string;
  readonly at: string;
  readonly snapshot: SessionSnapshot;
  /** Managed key sets of the call (KeyManager.persist), sealed; null when it has none. */
  readonly managedKeys: PersistedKeySets | null;
  /** The session's own sets (SDES), labelled by their ids, sealed; null when none. */
  readonly sessionKeys: PersistedKeySets | null;
}

/** The record of a live session, taken between operations (synchronous). */
export function recordOf(session: CallSession, keys: KeyManager, owner: string): CallRecord {
  const snapshot = session.snapshot();
  const managedKeys = keys.hasCall(session.id) ? keys.persist(session.id) : null;
  const ids = session.keys.ownedIds();
  let sessionKeys: PersistedKeySets | null = null;
  if (ids.length > 0) {
    const copies = session.keys.exportOwned();
    const sets: LabelledKeySet[] = [];
    for (const id of ids) {
      const set = copies.keySet(id);
      if (set !== undefined) sets.push({ label: id, set });
    }
    try {
      sessionKeys = keys.sealSets(sets);
    } finally {
      for (const s of sets) s.set.release();
    }
  }
  return { v: CALL_RECORD_VERSION, owner, at: new Date().toISOString(), snapshot, managedKeys, sessionKeys };
}

export function parseRecord(text: string): CallRecord {
  const r = JSON.parse(text) as CallRecord;
  if (r === null || typeof r !== 'object' || r.v !== CALL_RECORD_VERSION || typeof r.owner !== 'string' || typeof r.snapshot !== 'object') {
    throw new Error('call record has an unknown shape or version');
  }
  return r;
}

/**
 * Restore a record's call on `controller` (a standby): managed sets into its key manager, the
 * session's own sets opened only for the restore and wiped right after (the session copies
 * them). On failure nothing is left behind.
 */
export async function restoreRecord(controller: CallController, record: CallRecord): Promise<CallSession> {
  const keys = controller.keys;
  const callId = record.snapshot.id;
  if (record.managedKeys !== null) keys.restore(callId, record.managedKeys);
  const opened: LabelledKeySet[] = record.sessionKeys === null ? [] : keys.openSets(record.sessionKeys);
  const byId = new Map<string, MasterKeySet>(opened.map((s) => [s.label, s.set]));
  const source: KeySource = { keySet: (id) => byId.get(id) };
  try {
    return await controller.restore(record.snapshot, source);
  } catch (err) {
    keys.releaseCall(callId);
    throw err;
  } finally {
    for (const s of opened) s.set.release();
  }
}

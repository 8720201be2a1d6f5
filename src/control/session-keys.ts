/**
 * The key sets one call's relay legs use, by id. Managed sets stay in the key manager and are
 * only looked up (leg-keying.ts); sets the session holds itself — SDES sets, the endpoint's
 * offered keys and our answer — are owned here and wiped when their stream ends or the call
 * closes. Snapshots name sets by these ids only; `restore` gets the bytes from a `KeySource`.
 */
import { MasterKey, MasterKeySet, wipeDelivered, type RelayLegContextOptions } from '../keys';
import { isManagedKeyRef, type LegKeying, type StreamKeyRefs } from './leg-keying';

/** Where a restore finds the key sets a snapshot names. */
export interface KeySource {
  keySet(id: string): MasterKeySet | undefined;
}

/** A detached copy of a set (the copy is wiped independently of the original). */
export function copyKeySet(set: MasterKeySet): MasterKeySet {
  const delivered = set.deliver();
  try {
    const keys = delivered.keys.map((k) => MasterKey.fromBytes(k.key, k.salt, {
      ...(k.mki !== undefined ? { mki: k.mki } : {}), ...(k.lifetime !== undefined ? { lifetime: k.lifetime } : {}),
    }));
    return new MasterKeySet(set.profile, keys, set.params);
  } finally {
    wipeDelivered(delivered);
  }
}

export class SessionKeys implements KeySource {
  private readonly owned = new Map<string, MasterKeySet>();
  private seq = 0;

  constructor(readonly managed: LegKeying) {}

  keySet(id: string): MasterKeySet | undefined {
    return isManagedKeyRef(id) ? this.managed.resolve(id) : this.owned.get(id);
  }

  /** A relay leg keyed by call-scoped ids: both contexts' options (copies), or undefined for other ids. */
  relayLegOptions(refs: StreamKeyRefs): RelayLegContextOptions | undefined {
    return this.managed.relayLegOptions(refs);
  }

  /** Take ownership of a set (SDES); returns its id. */
  hold(set: MasterKeySet): string {
    this.seq += 1;
    const id = `sdes:${this.seq}`;
    this.owned.set(id, set);
    return id;
  }

  /** Restore: a copy of a set under the id a snapshot names. */
  adopt(id: string, set: MasterKeySet): void {
    this.owned.get(id)?.release();
    this.owned.set(id, copyKeySet(set));
    const n = Number(id.slice(id.indexOf(':') + 1));
    if (Number.isInteger(n) && n > this.seq) this.seq = n;
  }

  /** Wipe an owned set. Idempotent; managed ids are the key manager's to wipe. */
  release(id: string | null): void {
    if (id === null) return;
    this.owned.get(id)?.release();
    this.owned.delete(id);
  }

  /** Ids of the sets this session owns (what an HA store seals beside the key manager's). */
  ownedIds(): string[] {
    return [...this.owned.keys()];
  }

  /** Copies of every owned set (what a standby needs beside the key manager's sealed sets). */
  exportOwned(): KeySource {
    const copies = new Map([...this.owned].map(([id, set]) => [id, copyKeySet(set)]));
    return { keySet: (id) => copies.get(id) };
  }

  /** Wipe every owned set. Idempotent. */
  close(): void {
    for (const set of this.owned.values()) set.release();
    this.owned.clear();
  }
}

/**
 * Field names of a call's index table (docs/ha.md): one per relay leg, direction, protocol and
 * SSRC. `out`: the reserved limit (the relay protects up to it, a standby continues above it);
 * `in`: the last checkpoint of the highest accepted index (a standby's replay window and ROC
 * restart from it). JSON arrays, so any relay leg id is safe in them.
 */
import type { IndexFloor } from '../relay';

export type IndexDirection = 'out' | 'in';

export function indexField(relayLegId: string, direction: IndexDirection, rtcp: boolean, ssrc: number): string {
  return JSON.stringify([relayLegId, direction, rtcp ? 'rtcp' : 'rtp', ssrc >>> 0]);
}

/** The floors a standby applies per relay leg, from a call's index table. */
export function floorsByLeg(table: ReadonlyMap<string, number>): Map<string, IndexFloor[]> {
  const out = new Map<string, IndexFloor[]>();
  for (const [field, index] of table) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(field);
    } catch {
      continue;
    }
    if (!Array.isArray(parsed) || parsed.length !== 4) continue;
    const [legId, dir, proto, ssrc] = parsed as [unknown, unknown, unknown, unknown];
    if (typeof legId !== 'string' || (dir !== 'out' && dir !== 'in') || (proto !== 'rtp' && proto !== 'rtcp') || typeof ssrc !== 'number') continue;
    const list = out.get(legId) ?? [];
    list.push({ ssrc, rtcp: proto === 'rtcp', direction: dir === 'out' ? 'outbound' : 'inbound', index });
    out.set(legId, list);
  }
  return out;
}

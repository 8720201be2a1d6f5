/**
 * Properties that hold for every report: the status is exactly the minimum over the reasons'
 * caps (so every step down is explained), reasons are empty only for encrypted, the lock implies
 * every stream is SRTP end to end (docs/security-status.md), and icons follow Table 4.
 */
import {
  barge, CallState, ClusterConfig, computeSecurityStatus, createCallState, Device, hold, insertTranscoder, minLevel,
  reasonCap, SecurityLevel, startConference, transfer,
} from '../../../src/call';
import {
  authenticatedPhone, encryptedPhone, leg, MIXED, MIXED_WITH_TONES, NONSECURE_CLUSTER, nonsecurePhone, resource,
  secureDevice,
} from './fixtures';

const devices: Device[] = [
  encryptedPhone('e1'), encryptedPhone('e2', { iconCapability: 'lock_only' }), authenticatedPhone('a1'), nonsecurePhone('n1'),
  encryptedPhone('u1', { trusted: false }), secureDevice('t1', 'sip_trunk'), secureDevice('h1', 'h323_trunk', { srtpCapable: false }),
  secureDevice('g1', 'pstn_gateway'),
];

function scenarios(): CallState[] {
  const out: CallState[] = [];
  for (const a of devices) {
    for (const b of devices) {
      for (const streams of [['audio'], ['audio', 'video']] as const) {
        for (const policy of ['bridge', 'rtp'] as const) {
          const s = createCallState({ id: 'c', policy, legs: [leg('A', a, [...streams]), leg('B', b, [...streams])] });
          out.push(s);
          out.push(hold(s, MIXED, { holdingLegId: 'A', moh: { id: 'moh', device: resource('m', 'moh_server') } }).state);
          out.push(insertTranscoder(s, MIXED, { id: 'x', device: resource('t', 'transcoder'), legId: 'B' }).state);
          out.push(transfer(s, MIXED, { fromLegId: 'A', to: leg('C', encryptedPhone('c1')) }).state);
          out.push(startConference(s, MIXED, { initiatorLegId: 'A', bridges: [secureDevice('cfb', 'conference_bridge')] }).state);
          if (b.kind === 'ip_phone') {
            try {
              out.push(barge(s, MIXED, { initiator: leg('X', encryptedPhone('x1', { protocol: 'sip' })), targetLegId: 'B' }).state);
            } catch {
              // rejected barges are covered in barge.test.ts
            }
          }
        }
      }
    }
  }
  return out;
}

describe('status invariants over every pairing of device types and operations', () => {
  const all = scenarios();
  test.each([['mixed', MIXED], ['mixed with tones', MIXED_WITH_TONES], ['nonsecure', NONSECURE_CLUSTER]] as [string, ClusterConfig][])('cluster %s', (_n, cluster) => {
    expect(all.length).toBeGreaterThan(500);
    for (const state of all) {
      const r = computeSecurityStatus(state, cluster);
      let fromReasons: SecurityLevel = 'encrypted';
      for (const reason of r.reasons) fromReasons = minLevel(fromReasons, reasonCap(reason.code));
      expect(r.status).toBe(fromReasons);
      expect(r.reasons.length === 0).toBe(r.status === 'encrypted');
      if (r.status === 'encrypted') expect(r.media.every((m) => m.srtpEndToEnd)).toBe(true);
      for (const d of r.devices) {
        const device = state.legs.find((l) => l.id === d.leg)!.device;
        const expected = r.status === 'encrypted' ? 'lock'
          : r.status === 'authenticated' && device.iconCapability === 'shield_and_lock' ? 'shield' : 'none';
        expect(d.icon).toBe(expected);
      }
      // Same input, same output: the function is pure.
      expect(JSON.stringify(computeSecurityStatus(state, cluster))).toBe(JSON.stringify(r));
    }
  });
});

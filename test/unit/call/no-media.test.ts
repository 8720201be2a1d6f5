/**
 * A call that carries no media cannot be encrypted: with no legs (or no stream on any segment)
 * the status is nonsecure with reason `no_media`, and the lock appears only once media exists.
 */
import { Call, computeSecurityStatus, createCallState, defineCluster, type SecurityReport } from '../../../src/call';
import { encryptedPhone, leg, MIXED } from './fixtures';

const codes = (r: SecurityReport): string[] => r.reasons.map((x) => x.code);

describe('no media (reason no_media)', () => {
  test('a call with no legs is nonsecure with no_media, in either policy', () => {
    for (const policy of ['bridge', 'rtp'] as const) {
      const report = computeSecurityStatus(createCallState({ id: 'empty', policy, legs: [] }), MIXED);
      expect(report.status).toBe('nonsecure');
      expect(report.reasons).toEqual([{ code: 'no_media' }]);
      expect(report.media).toEqual([]);
      expect(report.devices).toEqual([]);
    }
  });

  test('media makes it go away: two encrypted phones are encrypted with no reasons', () => {
    const report = computeSecurityStatus(createCallState({ id: 'c', legs: [leg('A', encryptedPhone('pa')), leg('B', encryptedPhone('pb'))] }), MIXED);
    expect(report).toMatchObject({ status: 'encrypted', reasons: [] });
  });

  test('a nonsecure cluster explains an empty call with cluster_nonsecure alone', () => {
    const report = computeSecurityStatus(createCallState({ id: 'empty', legs: [] }), defineCluster({ securityMode: 'nonsecure' }));
    expect(codes(report)).toEqual(['cluster_nonsecure']);
  });

  test('the Call emits nonsecure -> encrypted as media arrives and back to no_media when the last leg leaves', async () => {
    const call = Call.create({ id: 'grow', legs: [] }, MIXED);
    expect(codes(call.report)).toEqual(['no_media']);
    const events: string[] = [];
    call.on('securitychange', (e) => events.push(`${e.previousStatus}->${e.status}:${e.reasons.map((r) => r.code).join(',')}`));
    await call.addLeg(leg('A', encryptedPhone('pa')));
    expect(call.report.status).toBe('encrypted');
    await call.addLeg(leg('B', encryptedPhone('pb')));
    await call.removeLeg('B');
    await call.removeLeg('A');
    expect(call.report).toMatchObject({ status: 'nonsecure', reasons: [{ code: 'no_media' }] });
    expect(events[0]).toBe('nonsecure->encrypted:');
    expect(events[events.length - 1]).toBe('encrypted->nonsecure:no_media');
    call.close();
  });
});

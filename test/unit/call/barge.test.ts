/**
 * Barge: seed 003 (003_a50acd98db8686fc.txt) "Barge and encryption" (SCCP vs SIP, 7940G/7960G,
 * release 8.2 phones) and "Media encryption with Barge setup"; seed 004 (004_7adda2972f9f9d26.txt)
 * "Provide Encryption for Barge" (encrypted / non-encrypted initiator).
 */
import { barge, CallError, endBargeTone, removeLeg } from '../../../src/call';
import {
  authenticatedPhone, encryptedPhone, icons, leg, mediaList, MIXED, nonsecurePhone, reasonList, statusOf, twoParty,
} from './fixtures';

const sccpCall = () => twoParty(encryptedPhone('pa', { protocol: 'sccp' }), encryptedPhone('pb', { protocol: 'sccp' }));
const sipCall = () => twoParty(encryptedPhone('pa', { protocol: 'sip' }), encryptedPhone('pb', { protocol: 'sip' }));

function rejection(fn: () => unknown): CallError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CallError) return e;
    throw e;
  }
  throw new Error('expected a CallError');
}

describe('seed 004 "Provide Encryption for Barge"', () => {
  test.each([
    ['nonsecure', nonsecurePhone('px')],
    ['authenticated', authenticatedPhone('px')],
  ])('"A user cannot barge into an encrypted call if the phone that is used to barge is not configured for encryption" (%s initiator): reorder tone', (_n, device) => {
    const err = rejection(() => barge(sccpCall(), MIXED, { initiator: leg('X', device), targetLegId: 'B' }));
    expect(err.code).toBe('CALL_ERR_BARGE_REJECTED');
    expect(err.details).toEqual({ legId: 'X', tone: 'reorder' });
  });

  test('"the barge initiator can barge into a nonsecure call from the encrypted phone. After the barge occurs, ... classifies the call as nonsecure"', () => {
    const call = twoParty(encryptedPhone('pa'), nonsecurePhone('pb'));
    const r = barge(call, MIXED, { initiator: leg('X', encryptedPhone('px')), targetLegId: 'B' });
    const report = statusOf(r.state);
    expect(report.status).toBe('nonsecure');
    expect(icons(report)).toEqual(['A=none', 'B=none', 'X=none']);
  });

  test('"the barge initiator can barge into an encrypted call, and the phone indicates that the call is encrypted" (SCCP target)', () => {
    const r = barge(sccpCall(), MIXED, { initiator: leg('X', encryptedPhone('px')), targetLegId: 'B' });
    const report = statusOf(r.state);
    expect(report.status).toBe('encrypted');
    expect(icons(report)).toEqual(['A=lock', 'B=lock', 'X=lock']);
    expect(mediaList(report)).toEqual(['audio: A=srtp B=srtp X=srtp']);
  });
});

describe('seed 003 "Barge and encryption"', () => {
  test('"If a caller barges a secure SCCP call, the system uses an internal tone-playing mechanism at the target device, and the status remains secure"', () => {
    const r = barge(sccpCall(), MIXED, { initiator: leg('X', encryptedPhone('px')), targetLegId: 'B' });
    expect(r.state.conference).toMatchObject({ kind: 'barge', targetLegId: 'B', bargeToneActive: false });
    expect(statusOf(r.state).status).toBe('encrypted');
  });

  test('"If a caller barges a secure SIP call, the system provides tone-on-hold, and ... classifies the call as nonsecure during the tone"', () => {
    const r = barge(sipCall(), MIXED, { initiator: leg('X', encryptedPhone('px', { protocol: 'sip' })), targetLegId: 'B' });
    const during = statusOf(r.state);
    expect(during.status).toBe('nonsecure');
    expect(reasonList(during)).toEqual(['barge_tone_sip']);
    expect(icons(during)).toEqual(['A=none', 'B=none', 'X=none']);
    const after = statusOf(endBargeTone(r.state, MIXED).state);
    expect(after.status).toBe('encrypted');
    expect(after.reasons).toEqual([]);
    expect(() => endBargeTone(endBargeTone(r.state, MIXED).state, MIXED)).toThrow(expect.objectContaining({ code: 'CALL_ERR_NO_CONFERENCE' }));
  });

  test('"Cisco Unified IP Phones 7940G and 7960G do not support barge from an encrypted device on an active encrypted call. The barge attempt will fail. A tone plays on the initiator phone"', () => {
    const call = twoParty(encryptedPhone('pa'), encryptedPhone('pb', { acceptsEncryptedBarge: false }));
    const err = rejection(() => barge(call, MIXED, { initiator: leg('X', encryptedPhone('px')), targetLegId: 'B' }));
    expect(err.code).toBe('CALL_ERR_BARGE_REJECTED');
    expect(err.details).toEqual({ legId: 'X', tone: 'barge_failed' });
    // Only an encrypted call is refused: the same phone in an authenticated call can be barged.
    const authCall = twoParty(authenticatedPhone('pa'), encryptedPhone('pb', { acceptsEncryptedBarge: false }));
    expect(() => barge(authCall, MIXED, { initiator: leg('X', encryptedPhone('px')), targetLegId: 'B' })).not.toThrow();
  });

  test('"Encrypted Cisco Unified IP Phones that are running release 8.2 or earlier can only barge an active call as authenticated or nonsecure participants"', () => {
    const r = barge(sccpCall(), MIXED, { initiator: leg('X', encryptedPhone('px', { secureConferenceCapable: false })), targetLegId: 'B' });
    const report = statusOf(r.state);
    expect(report.status).toBe('authenticated');
    expect(icons(report)).toEqual(['A=shield', 'B=shield', 'X=shield']);
    expect(reasonList(report)).toEqual(['legacy_secure_conference@X/audio']);
  });

  test('when the barging party leaves, the two-party call and its status return', () => {
    const r = barge(twoParty(encryptedPhone('pa'), encryptedPhone('pb', { secureConferenceCapable: false })), MIXED,
      { initiator: leg('X', encryptedPhone('px')), targetLegId: 'B' });
    expect(statusOf(r.state).status).toBe('authenticated');
    const left = removeLeg(r.state, MIXED, 'X').state;
    expect(left.conference).toBeNull();
    expect(statusOf(left).status).toBe('encrypted');
  });

  test('errors: barge into a trunk leg, barge into a barge', () => {
    const trunkCall = twoParty(encryptedPhone('pa'), encryptedPhone('pb'));
    const asTrunk = { ...trunkCall, legs: [trunkCall.legs[0]!, { ...trunkCall.legs[1]!, device: { ...trunkCall.legs[1]!.device, kind: 'sip_trunk' as const } }] };
    expect(() => barge(asTrunk, MIXED, { initiator: leg('X', encryptedPhone('px')), targetLegId: 'B' }))
      .toThrow(expect.objectContaining({ code: 'CALL_ERR_BAD_DEVICE_KIND' }));
    const once = barge(sccpCall(), MIXED, { initiator: leg('X', encryptedPhone('px')), targetLegId: 'B' }).state;
    expect(() => barge(once, MIXED, { initiator: leg('Y', encryptedPhone('py')), targetLegId: 'A' }))
      .toThrow(expect.objectContaining({ code: 'CALL_ERR_CONFERENCE_ACTIVE' }));
  });
});

/**
 * Secure and nonsecure indication tones for protected devices: seed 004 (004_7adda2972f9f9d26.txt)
 * "Phone Call Security" and "Secure Phone Call Identification".
 */
import { beginTransition, hold, resume, transfer } from '../../../src/call';
import {
  authenticatedPhone, encryptedPhone, leg, MIXED, MIXED_WITH_TONES, nonsecurePhone, resource, statusOf, tones, twoParty,
} from './fixtures';

const protectedPhone = (id: string) => encryptedPhone(id, { protectedDevice: true });

describe('seed 004 "Secure Phone Call Identification": indication tones', () => {
  test.each([
    {
      row: '"When end-to-end secure media is established and the call status is secure, the phone plays the secure indication tone"',
      b: protectedPhone('pb'), expected: ['A=secure', 'B=secure'],
    },
    {
      row: '"When end-to-end nonsecure media is established and the call status is nonsecure, the phone plays the nonsecure indication tone"',
      b: nonsecurePhone('pb'), expected: ['A=nonsecure', 'B=none'],
    },
    {
      row: '"Only protected phones play these secure or nonsecure indication tones. Nonprotected phones never play tones."',
      b: encryptedPhone('pb'), expected: ['A=secure', 'B=none'],
    },
    {
      row: 'choice: an authenticated call carries nonsecure media, so the protected phone plays the nonsecure tone',
      b: authenticatedPhone('pb'), expected: ['A=nonsecure', 'B=none'],
    },
  ])('$row', ({ b, expected }) => {
    expect(tones(statusOf(twoParty(protectedPhone('pa'), b), MIXED_WITH_TONES))).toEqual(expected);
  });

  test('"If the Play Secure Indication Tone option is disabled, no tone plays" (the default is False)', () => {
    expect(tones(statusOf(twoParty(protectedPhone('pa'), protectedPhone('pb')), MIXED))).toEqual(['A=none', 'B=none']);
  });

  test('"If the overall call status changes during the call, the indication tone changes": hold with MOH, resume, transfer', () => {
    let s = twoParty(protectedPhone('pa'), protectedPhone('pb'));
    expect(tones(statusOf(s, MIXED_WITH_TONES))).toEqual(['A=secure', 'B=secure']);
    s = hold(s, MIXED_WITH_TONES, { holdingLegId: 'A', moh: { id: 'moh', device: resource('m', 'moh_server') } }).state;
    expect(tones(statusOf(s, MIXED_WITH_TONES))).toEqual(['A=nonsecure', 'B=nonsecure']);
    s = resume(s, MIXED_WITH_TONES).state;
    expect(tones(statusOf(s, MIXED_WITH_TONES))).toEqual(['A=secure', 'B=secure']);
    // While the transfer is pending no end-to-end media is established, so no tone applies.
    s = beginTransition(s, MIXED_WITH_TONES, 'transfer').state;
    expect(tones(statusOf(s, MIXED_WITH_TONES))).toEqual(['A=none', 'B=none']);
    s = transfer(s, MIXED_WITH_TONES, { fromLegId: 'A', to: leg('C', nonsecurePhone('pc')) }).state;
    expect(tones(statusOf(s, MIXED_WITH_TONES))).toEqual(['C=none', 'B=nonsecure']);
  });
});

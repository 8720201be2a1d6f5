/**
 * Device trust and security mode (seeds 000, 001, 002) and cluster security mode (seed 003
 * "Cluster and device security modes").
 */
import { CallError, defineCluster, defineDevice, DEFAULT_CLUSTER } from '../../../src/call';
import {
  authenticatedPhone, encryptedPhone, icons, mediaList, NONSECURE_CLUSTER, reasonList, statusOf, tones, twoParty,
} from './fixtures';

describe('seed 003 "Cluster and device security modes"', () => {
  test('"When the cluster security mode equals nonsecure ... the phone makes nonsecure connections ... even if the device security mode specifies authenticated or encrypted"', () => {
    const report = statusOf(twoParty(
      encryptedPhone('pa', { protectedDevice: true }), encryptedPhone('pb'), ['audio', 'video'],
    ), NONSECURE_CLUSTER);
    expect(report.status).toBe('nonsecure');
    expect(reasonList(report)).toEqual(['cluster_nonsecure']);
    expect(icons(report)).toEqual(['A=none', 'B=none']);
    expect(mediaList(report)).toEqual(['audio: A=rtp B=rtp', 'video: A=rtp B=rtp']);
    expect(report.media[0]!.segments.map((s) => s.reason)).toEqual(['cluster_nonsecure', 'cluster_nonsecure']);
    // "Security-related settings other than device security mode ... also get ignored": no tone.
    expect(tones(report)).toEqual(['A=none', 'B=none']);
  });

  test('seed 002 "Interaction Between Cisco CallManager and the Cisco IP Phone": the cluster boots nonsecure by default', () => {
    expect(DEFAULT_CLUSTER.securityMode).toBe('nonsecure');
    expect(defineCluster().playSecureIndicationTone).toBe(false);
    expect(statusOf(twoParty(encryptedPhone('pa'), encryptedPhone('pb')), defineCluster()).status).toBe('nonsecure');
  });
});

describe('device trust and security mode', () => {
  test('seed 001 "Device Called Trust Determination Criteria": "For calls that involve a device that is not trusted, regardless of signaling and media security, the overall status of the call will stay unsecure"', () => {
    const report = statusOf(twoParty(encryptedPhone('pa'), encryptedPhone('pb', { trusted: false })));
    expect(mediaList(report)).toEqual(['audio: A=srtp B=srtp']);
    expect(report.status).toBe('nonsecure');
    expect(icons(report)).toEqual(['A=none', 'B=none']);
    expect(reasonList(report)).toEqual(['device_not_trusted@B']);
  });

  test('seed 000/001 "If one device registers as nonsecure, the call registers as nonsecure, even if the phone of the caller or recipient registers as secure"', () => {
    const nonsecure = defineDevice({ id: 'pb', kind: 'ip_phone', trusted: true });
    const report = statusOf(twoParty(encryptedPhone('pa'), nonsecure));
    expect(report.status).toBe('nonsecure');
    expect(reasonList(report)).toEqual(['device_nonsecure@B']);
  });

  test('seed 003 Table 1 "Nonsecure Device": an encrypted profile without TLS signaling is nonsecure', () => {
    const report = statusOf(twoParty(encryptedPhone('pa'), encryptedPhone('pb', { signalingTls: false })));
    expect(report.status).toBe('nonsecure');
    expect(reasonList(report)).toEqual(['signaling_not_tls@B']);
    expect(mediaList(report)).toEqual(['audio: A=srtp B=rtp']);
  });

  test('seed 003 "Phone support and encryption": an encrypted profile on a phone without SRTP gives at most the shield', () => {
    const report = statusOf(twoParty(encryptedPhone('pa'), encryptedPhone('pb', { srtpCapable: false })));
    expect(report.status).toBe('authenticated');
    expect(reasonList(report)).toEqual(['device_not_srtp_capable@B/audio']);
  });

  test('seed 003 Table 1 "Secure Call": authenticated signaling is not encrypted signaling', () => {
    const report = statusOf(twoParty(encryptedPhone('pa'), authenticatedPhone('pb')));
    expect(report.status).toBe('authenticated');
    expect(reasonList(report)).toEqual(['signaling_not_encrypted@B']);
  });

  test('defaults describe a nonsecure device (secure by default means never assuming security)', () => {
    const d = defineDevice({ id: 'x', kind: 'ip_phone' });
    expect(d).toEqual(expect.objectContaining({ trusted: false, securityMode: 'nonsecure', signalingTls: false, srtpCapable: false, protectedDevice: false }));
    expect(Object.isFrozen(d)).toBe(true);
  });

  test.each([
    ['not encrypted', { kind: 'ip_phone', trusted: true, securityMode: 'authenticated', signalingTls: true }],
    ['not trusted', { kind: 'ip_phone', trusted: false, securityMode: 'encrypted', signalingTls: true }],
    ['not a phone', { kind: 'gateway', trusted: true, securityMode: 'encrypted', signalingTls: true }],
  ] as const)('seed 004 "Phone Call Security": only a secure (encrypted and trusted) phone can be protected — %s', (_n, spec) => {
    expect(() => defineDevice({ id: 'p', protectedDevice: true, ...spec })).toThrow(expect.objectContaining({ code: 'CALL_ERR_BAD_DEVICE' }));
  });

  test('unknown kinds and modes are typed errors', () => {
    expect(() => defineDevice({ id: 'p', kind: 'fax' as never })).toThrow(CallError);
    expect(() => defineDevice({ id: 'p', kind: 'ip_phone', securityMode: 'secure' as never }))
      .toThrow(expect.objectContaining({ code: 'CALL_ERR_BAD_DEVICE' }));
    expect(() => defineDevice({ id: '', kind: 'ip_phone' })).toThrow(expect.objectContaining({ code: 'CALL_ERR_BAD_DEVICE' }));
  });
});

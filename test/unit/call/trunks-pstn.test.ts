/**
 * Seed 003 (003_a50acd98db8686fc.txt) "Security icons and encryption": SIP trunk, H.323 trunk,
 * PSTN; seed 003 "Media encryption" for gateways and trunks; seed 004 "Phone Call Security" for
 * the PSTN note.
 */
import { createCallState, defineDevice } from '../../../src/call';
import {
  authenticatedPhone, encryptedPhone, icons, leg, mediaList, reasonList, secureDevice, statusOf, twoParty,
} from './fixtures';

const sipTrunk = (id = 'trunk1', extra = {}) => secureDevice(id, 'sip_trunk', extra);
const h323Trunk = (id = 'h323', extra = {}) => secureDevice(id, 'h323_trunk', extra);

describe('SIP trunk — seed 003 "Security icons and encryption"', () => {
  test.each([
    {
      row: '"When SRTP is negotiated, the security status will get encrypted"',
      trunk: sipTrunk(), streams: ['audio'] as const,
      status: 'encrypted', icon: 'lock', reasons: [] as string[], media: ['audio: A=srtp B=srtp'],
    },
    {
      row: '"otherwise it will remain not-authenticated" (TLS, SRTP declined)',
      trunk: sipTrunk(), streams: [{ kind: 'audio', srtp: false }] as const,
      status: 'nonsecure', icon: 'none',
      // The phone's SRTP segment is kept under policy bridge, the trunk reports not-authenticated.
      reasons: ['srtp_not_negotiated@B/audio', 'sip_trunk_no_srtp@B'],
      media: ['audio: A=srtp B=rtp'],
    },
    {
      row: '"not-authenticated" when the trunk profile is authenticated only (no media encryption over it)',
      trunk: sipTrunk('trunk1', { securityMode: 'authenticated' }), streams: ['audio'] as const,
      status: 'nonsecure', icon: 'none',
      reasons: ['signaling_not_encrypted@B', 'sip_trunk_no_srtp@B'],
      media: ['audio: A=srtp B=rtp'],
    },
    {
      row: 'no TLS transport: seed 003 Table 1 "Nonsecure Device" (TCP/UDP signaling)',
      trunk: sipTrunk('trunk1', { signalingTls: false }), streams: ['audio'] as const,
      status: 'nonsecure', icon: 'none',
      reasons: ['signaling_not_tls@B', 'sip_trunk_no_srtp@B'],
      media: ['audio: A=srtp B=rtp'],
    },
  ])('$row', ({ trunk, streams, status, icon, reasons, media }) => {
    const state = createCallState({ id: 'c', legs: [leg('A', encryptedPhone('pa')), leg('B', trunk, [...streams])] });
    const report = statusOf(state);
    expect(report.status).toBe(status);
    expect(icons(report)).toEqual([`A=${icon}`, `B=${icon}`]);
    expect(reasonList(report)).toEqual(reasons);
    expect(mediaList(report)).toEqual(media);
  });

  test('"does not display the shield icon for calls that are transiting ... SIP trunks": authenticated phone over an encrypted trunk', () => {
    const report = statusOf(twoParty(authenticatedPhone('pa'), sipTrunk()));
    // Without the trunk this would be Table 4 "Authenticated device with nonsecure audio" -> Shield.
    expect(report.status).toBe('nonsecure');
    expect(icons(report)).toEqual(['A=none', 'B=none']);
    expect(reasonList(report)).toEqual(['signaling_not_encrypted@A', 'trunk_no_shield']);
  });

  test('"If a call from an encrypted phone over a SIP trunk gets transferred back to an encrypted phone in its own cluster, the call does not get encrypted"', () => {
    const trunk = sipTrunk();
    const state = createCallState({
      id: 'c',
      legs: [leg('A', encryptedPhone('pa')), leg('out', trunk), leg('in', trunk), leg('B', encryptedPhone('pb'))],
    });
    const report = statusOf(state);
    expect(report.status).toBe('nonsecure');
    expect(report.devices.map((d) => d.icon)).toEqual(['none', 'none', 'none', 'none']);
    expect(reasonList(report)).toEqual(['sip_trunk_hairpin']);
    // Media itself is SRTP on every segment; only the status is withheld.
    expect(mediaList(report)).toEqual(['audio: A=srtp out=srtp in=srtp B=srtp']);
  });

  test('two different encrypted SIP trunks (tandem through the relay) are encrypted', () => {
    const state = createCallState({ id: 'c', legs: [leg('X', sipTrunk('t1')), leg('Y', sipTrunk('t2'))] });
    expect(statusOf(state).status).toBe('encrypted');
  });
});

describe('H.323 trunk — seed 003 "Media encryption" and "Security icons and encryption"', () => {
  test('IPSec signaling and SRTP: encrypted (SRTP "on H.323 trunks")', () => {
    const report = statusOf(twoParty(encryptedPhone('pa'), h323Trunk()));
    expect(report.status).toBe('encrypted');
    expect(icons(report)).toEqual(['A=lock', 'B=lock']);
  });

  test('"does not display the shield icon for calls that are transiting H.323 trunks": RTP over IPSec is nonsecure, not shield', () => {
    const report = statusOf(twoParty(encryptedPhone('pa'), h323Trunk('h323', { srtpCapable: false })));
    expect(report.status).toBe('nonsecure');
    expect(icons(report)).toEqual(['A=none', 'B=none']);
    expect(reasonList(report)).toEqual(['device_not_srtp_capable@B/audio', 'trunk_no_shield']);
  });

  test('H.323 trunk without IPSec is a nonsecure device', () => {
    const report = statusOf(twoParty(encryptedPhone('pa'), h323Trunk('h323', { signalingTls: false })));
    expect(report.status).toBe('nonsecure');
    expect(reasonList(report)).toEqual(['signaling_not_tls@B']);
  });
});

describe('gateways — seed 003 "Media encryption"', () => {
  test('a gateway (not a trunk) keeps the shield: authenticated gateway with RTP', () => {
    const gw = defineDevice({ id: 'gw', kind: 'gateway', trusted: true, securityMode: 'encrypted', signalingTls: true, srtpCapable: false });
    const report = statusOf(twoParty(encryptedPhone('pa'), gw));
    expect(report.status).toBe('authenticated');
    expect(icons(report)).toEqual(['A=shield', 'B=shield']);
    expect(reasonList(report)).toEqual(['device_not_srtp_capable@B/audio']);
  });

  test('"Cisco IOS gateways and trunks support media encryption without authentication": SRTP on the segment, call still not secure when the gateway is untrusted', () => {
    const gw = secureDevice('gw', 'gateway', { trusted: false });
    const report = statusOf(twoParty(encryptedPhone('pa'), gw));
    expect(mediaList(report)).toEqual(['audio: A=srtp B=srtp']);
    expect(report.status).toBe('nonsecure');
    expect(reasonList(report)).toEqual(['device_not_trusted@B']);
  });
});

describe('PSTN — seed 003 "Security icons and encryption": "the security icon shows the security status for only the IP domain portion of the call"', () => {
  test('encrypted IP portion shows the lock, with a notice that the PSTN side is not covered', () => {
    const report = statusOf(twoParty(encryptedPhone('pa'), secureDevice('pstn', 'pstn_gateway')));
    expect(report.status).toBe('encrypted');
    expect(icons(report)).toEqual(['A=lock', 'B=lock']);
    expect(report.reasons).toEqual([]);
    // Seed 004 "Phone Call Security": "the call may be nonsecure even though it is encrypted
    // within the IP network and has a lock icon".
    expect(report.notices).toEqual([{ code: 'pstn_ip_portion_only', legId: 'B' }]);
  });

  test('nonsecure IP portion to the PSTN gateway is nonsecure', () => {
    const pstn = defineDevice({ id: 'pstn', kind: 'pstn_gateway', trusted: true });
    const report = statusOf(twoParty(encryptedPhone('pa'), pstn));
    expect(report.status).toBe('nonsecure');
    expect(reasonList(report)).toEqual(['device_nonsecure@B']);
    expect(report.notices).toEqual([{ code: 'pstn_ip_portion_only', legId: 'B' }]);
  });
});

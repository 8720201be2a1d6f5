/**
 * Seed 003 (003_a50acd98db8686fc.txt) "Security icons", Table 4 "Security Icon Display Rules",
 * every row for both kinds of phone, plus the audio+video rule: "Consider the call secure only
 * if both the audio and video portions are secure."
 */
import { Device, IconCapability, LegStream, MediaKind } from '../../../src/call';
import {
  authenticatedPhone, encryptedPhone, icons, mediaList, nonsecurePhone, reasonList, statusOf, twoParty,
} from './fixtures';

interface Row {
  seedRow: string;
  a: (cap: IconCapability) => Device;
  b: (cap: IconCapability) => Device;
  streams: (MediaKind | LegStream)[];
  status: string;
  shieldAndLock: string;
  lockOnly: string;
  reasons: string[];
  media: string[];
}

const srtpAudio: LegStream = { kind: 'audio', srtp: true };
const srtpVideo: LegStream = { kind: 'video', srtp: true };
const rtpVideo: LegStream = { kind: 'video', srtp: false };

const rows: Row[] = [
  {
    seedRow: '"Secure audio only" -> Lock | Lock',
    a: (c) => encryptedPhone('pa', { iconCapability: c }),
    b: (c) => encryptedPhone('pb', { iconCapability: c }),
    streams: [srtpAudio],
    status: 'encrypted', shieldAndLock: 'lock', lockOnly: 'lock',
    reasons: [],
    media: ['audio: A=srtp B=srtp'],
  },
  {
    seedRow: '"Secure audio with unsecure video" -> Shield | None',
    a: (c) => encryptedPhone('pa', { iconCapability: c }),
    b: (c) => encryptedPhone('pb', { iconCapability: c }),
    streams: [srtpAudio, rtpVideo],
    status: 'authenticated', shieldAndLock: 'shield', lockOnly: 'none',
    reasons: ['srtp_not_negotiated@A/video', 'srtp_not_negotiated@B/video'],
    media: ['audio: A=srtp B=srtp', 'video: A=rtp B=rtp'],
  },
  {
    seedRow: '"Secure audio with secure video" -> Lock | Lock',
    a: (c) => encryptedPhone('pa', { iconCapability: c }),
    b: (c) => encryptedPhone('pb', { iconCapability: c }),
    streams: [srtpAudio, srtpVideo],
    status: 'encrypted', shieldAndLock: 'lock', lockOnly: 'lock',
    reasons: [],
    media: ['audio: A=srtp B=srtp', 'video: A=srtp B=srtp'],
  },
  {
    seedRow: '"Authenticated device with nonsecure audio only" -> Shield | None',
    a: (c) => authenticatedPhone('pa', { iconCapability: c }),
    b: (c) => authenticatedPhone('pb', { iconCapability: c }),
    streams: ['audio'],
    status: 'authenticated', shieldAndLock: 'shield', lockOnly: 'none',
    reasons: ['signaling_not_encrypted@A', 'signaling_not_encrypted@B'],
    media: ['audio: A=rtp B=rtp'],
  },
  {
    seedRow: '"Authenticated device with nonsecure audio only" (encrypted caller, authenticated callee) -> Shield | None',
    a: (c) => encryptedPhone('pa', { iconCapability: c }),
    b: (c) => authenticatedPhone('pb', { iconCapability: c }),
    streams: ['audio'],
    status: 'authenticated', shieldAndLock: 'shield', lockOnly: 'none',
    reasons: ['signaling_not_encrypted@B'],
    // Policy bridge: the encrypted caller keeps SRTP up to the relay.
    media: ['audio: A=srtp B=rtp'],
  },
  {
    seedRow: '"Authenticated device with nonsecure audio and video" -> Shield | None',
    a: (c) => authenticatedPhone('pa', { iconCapability: c }),
    b: (c) => authenticatedPhone('pb', { iconCapability: c }),
    streams: ['audio', 'video'],
    status: 'authenticated', shieldAndLock: 'shield', lockOnly: 'none',
    reasons: ['signaling_not_encrypted@A', 'signaling_not_encrypted@B'],
    media: ['audio: A=rtp B=rtp', 'video: A=rtp B=rtp'],
  },
  {
    seedRow: '"Unauthenticated device with nonsecure audio only" -> None | None',
    a: (c) => encryptedPhone('pa', { iconCapability: c }),
    b: (c) => nonsecurePhone('pb', { iconCapability: c }),
    streams: ['audio'],
    status: 'nonsecure', shieldAndLock: 'none', lockOnly: 'none',
    reasons: ['device_nonsecure@B'],
    media: ['audio: A=srtp B=rtp'],
  },
  {
    seedRow: '"Unauthenticated device with nonsecure audio and video" -> None | None',
    a: (c) => encryptedPhone('pa', { iconCapability: c }),
    b: (c) => nonsecurePhone('pb', { iconCapability: c }),
    streams: ['audio', 'video'],
    status: 'nonsecure', shieldAndLock: 'none', lockOnly: 'none',
    reasons: ['device_nonsecure@B'],
    media: ['audio: A=srtp B=rtp', 'video: A=srtp B=rtp'],
  },
];

describe('seed 003 "Security icons" Table 4 "Security Icon Display Rules"', () => {
  for (const capability of ['shield_and_lock', 'lock_only'] as const) {
    const column = capability === 'shield_and_lock'
      ? 'Phones That Display Both Shield and Lock Icons'
      : 'Phones That Display Only the Lock Icon';
    describe(column, () => {
      test.each(rows)('$seedRow', (row) => {
        const report = statusOf(twoParty(row.a(capability), row.b(capability), row.streams));
        const icon = capability === 'shield_and_lock' ? row.shieldAndLock : row.lockOnly;
        expect(report.status).toBe(row.status);
        expect(icons(report)).toEqual([`A=${icon}`, `B=${icon}`]);
        expect(reasonList(report)).toEqual(row.reasons);
        expect(mediaList(report)).toEqual(row.media);
      });
    });
  }

  test('icons follow each device\'s own capability in one call (shield on one phone, none on the other)', () => {
    // Seed 003 "Security icons": "Some phone models display only the lock icon."
    const report = statusOf(twoParty(
      authenticatedPhone('pa', { iconCapability: 'shield_and_lock' }),
      authenticatedPhone('pb', { iconCapability: 'lock_only' }),
    ));
    expect(report.status).toBe('authenticated');
    expect(icons(report)).toEqual(['A=shield', 'B=none']);
  });

  test('audio+video rule: secure video is not enough when audio is RTP', () => {
    // Seed 003 "Security icons": "Consider the call secure only if both the audio and video
    // portions are secure."
    const report = statusOf(twoParty(encryptedPhone('pa'), encryptedPhone('pb'),
      [{ kind: 'audio', srtp: false }, srtpVideo]));
    expect(report.status).toBe('authenticated');
    expect(reasonList(report)).toEqual(['srtp_not_negotiated@A/audio', 'srtp_not_negotiated@B/audio']);
    expect(report.media.map((m) => [m.kind, m.srtpEndToEnd])).toEqual([['audio', false], ['video', true]]);
  });

  test('video negotiated without SRTP on one leg only still breaks the lock', () => {
    // Seed 003 "Digest authentication and encryption": SRTP is negotiated per call leg.
    const state = twoParty(encryptedPhone('pa'), encryptedPhone('pb'), [srtpAudio, srtpVideo]);
    const oneLegRtp = { ...state, legs: [state.legs[0]!, { ...state.legs[1]!, streams: [srtpAudio, rtpVideo] }] };
    const report = statusOf(oneLegRtp);
    expect(report.status).toBe('authenticated');
    expect(reasonList(report)).toEqual(['srtp_not_negotiated@B/video']);
    expect(mediaList(report)).toEqual(['audio: A=srtp B=srtp', 'video: A=srtp B=rtp']);
  });
});

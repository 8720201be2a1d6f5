/**
 * Seed 004 (004_7adda2972f9f9d26.txt) "Secure Conference Call Identification", Table 2
 * "Security Restrictions with Conference Calls"; seed 003 "Security icons" ("For conference and
 * barge calls, the security icon displays the security status for the conference").
 */
import {
  addParticipant, CallError, createCallState, createMeetMe, hold, removeLeg, selectConferenceBridge, startConference,
} from '../../../src/call';
import {
  authenticatedPhone, encryptedPhone, icons, leg, mediaList, MIXED, nonsecurePhone, reasonList, resource,
  secureDevice, statusOf,
} from './fixtures';

const secureBridge = secureDevice('cfb-secure', 'conference_bridge');
const plainBridge = resource('cfb-plain', 'conference_bridge');
const bridges = [plainBridge, secureBridge];

describe('seed 004 Table 2 "Security Restrictions with Conference Calls"', () => {
  test('row 1: Nonsecure initiator | Conference | Secure participants -> "Nonsecure conference bridge, Nonsecure conference"', () => {
    const state = createCallState({ id: 'c', legs: [leg('I', nonsecurePhone('pi')), leg('P1', encryptedPhone('p1'))] });
    const r = startConference(state, MIXED, { initiatorLegId: 'I', bridges, participants: [leg('P2', encryptedPhone('p2'))] });
    expect(r.state.conference?.bridgeResourceId).toBe('cfb-plain');
    const report = statusOf(r.state);
    expect(report.status).toBe('nonsecure');
    expect(reasonList(report)).toEqual(['device_nonsecure@I', 'conference_bridge_nonsecure#cfb-plain/audio']);
    expect(mediaList(report)).toEqual(['audio: I=rtp P1=srtp P2=srtp cfb-plain=rtp']);
    // The bridge, not only the initiator, makes it nonsecure: it stays so after the initiator leaves.
    const left = statusOf(removeLeg(r.state, MIXED, 'I').state);
    expect(left.status).toBe('nonsecure');
    expect(reasonList(left)).toEqual(['conference_bridge_nonsecure#cfb-plain/audio']);
  });

  test('row 2: Secure initiator | Conference | At least one member is nonsecure -> "Secure conference bridge, Nonsecure conference"', () => {
    const state = createCallState({ id: 'c', legs: [leg('I', encryptedPhone('pi')), leg('P1', encryptedPhone('p1'))] });
    const r = startConference(state, MIXED, { initiatorLegId: 'I', bridges, participants: [leg('P2', nonsecurePhone('p2'))] });
    expect(r.state.conference?.bridgeResourceId).toBe('cfb-secure');
    const report = statusOf(r.state);
    expect(report.status).toBe('nonsecure');
    expect(icons(report)).toEqual(['I=none', 'P1=none', 'P2=none']);
    expect(reasonList(report)).toEqual(['device_nonsecure@P2']);
    expect(mediaList(report)).toEqual(['audio: I=srtp P1=srtp P2=rtp cfb-secure=srtp']);
    // When the nonsecure member leaves, the conference is encrypted: the bridge was secure all along.
    expect(statusOf(removeLeg(r.state, MIXED, 'P2').state).status).toBe('encrypted');
  });

  test('row 3: Secure initiator | Conference | Secure -> "Secure conference bridge, Secure encrypted level conference"', () => {
    const state = createCallState({ id: 'c', legs: [leg('I', encryptedPhone('pi')), leg('P1', encryptedPhone('p1'))] });
    const r = startConference(state, MIXED, { initiatorLegId: 'I', bridges, participants: [leg('P2', encryptedPhone('p2', { iconCapability: 'lock_only' }))] });
    const report = statusOf(r.state);
    expect(report.status).toBe('encrypted');
    expect(icons(report)).toEqual(['I=lock', 'P1=lock', 'P2=lock']);
    expect(report.reasons).toEqual([]);
    expect(mediaList(report)).toEqual(['audio: I=srtp P1=srtp P2=srtp cfb-secure=srtp']);
  });

  test('row 4: Nonsecure initiator | Meet Me | Minimum security level is encrypted -> "Initiator receives message Does not meet Security Level, call rejected"', () => {
    let err: unknown;
    try {
      createMeetMe(MIXED, { id: 'm', initiator: leg('I', nonsecurePhone('pi')), minimumLevel: 'encrypted', bridges });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CallError);
    expect(err).toMatchObject({
      code: 'CALL_ERR_BELOW_MINIMUM_SECURITY', statusCode: 403,
      details: { legId: 'I', level: 'nonsecure', minimumLevel: 'encrypted' },
    });
    expect((err as Error).message).toMatch(/Does not meet Security Level, call rejected/);
  });

  test('row 4 for a later caller: a nonsecure caller into an encrypted-minimum meet-me is rejected, the conference is unchanged', () => {
    const m = createMeetMe(MIXED, { id: 'm', initiator: leg('I', encryptedPhone('pi')), minimumLevel: 'encrypted', bridges });
    expect(() => addParticipant(m.state, MIXED, leg('X', nonsecurePhone('px'))))
      .toThrow(expect.objectContaining({ code: 'CALL_ERR_BELOW_MINIMUM_SECURITY' }));
    expect(() => addParticipant(m.state, MIXED, leg('Y', authenticatedPhone('py'))))
      .toThrow(expect.objectContaining({ code: 'CALL_ERR_BELOW_MINIMUM_SECURITY' }));
    const ok = addParticipant(m.state, MIXED, leg('Z', encryptedPhone('pz')));
    expect(statusOf(ok.state).status).toBe('encrypted');
  });

  test('row 5: Secure initiator | Meet Me | Minimum security level is nonsecure -> "Secure conference bridge, Conference accepts all calls"', () => {
    const m = createMeetMe(MIXED, { id: 'm', initiator: leg('I', encryptedPhone('pi')), minimumLevel: 'nonsecure', bridges });
    expect(m.state.conference).toMatchObject({ kind: 'meetme', bridgeResourceId: 'cfb-secure', minimumLevel: 'nonsecure' });
    let s = addParticipant(m.state, MIXED, leg('A', authenticatedPhone('pa'))).state;
    s = addParticipant(s, MIXED, leg('N', nonsecurePhone('pn'))).state;
    const report = statusOf(s);
    expect(report.status).toBe('nonsecure');
    expect(reasonList(report)).toEqual(['signaling_not_encrypted@A', 'device_nonsecure@N']);
  });
});

describe('conference details', () => {
  test('choice: an authenticated initiator gets the secure bridge; an all-authenticated conference shows the shield', () => {
    const state = createCallState({ id: 'c', legs: [leg('I', authenticatedPhone('pi')), leg('P', authenticatedPhone('pp'))] });
    const r = startConference(state, MIXED, { initiatorLegId: 'I', bridges });
    expect(r.state.conference?.bridgeResourceId).toBe('cfb-secure');
    const report = statusOf(r.state);
    expect(report.status).toBe('authenticated');
    expect(icons(report)).toEqual(['I=shield', 'P=shield']);
  });

  test('a secure initiator with only a nonsecure bridge available gets a nonsecure conference', () => {
    const state = createCallState({ id: 'c', legs: [leg('I', encryptedPhone('pi')), leg('P', encryptedPhone('pp'))] });
    const r = startConference(state, MIXED, { initiatorLegId: 'I', bridges: [plainBridge] });
    expect(statusOf(r.state).status).toBe('nonsecure');
    expect(reasonList(statusOf(r.state))).toEqual(['conference_bridge_nonsecure#cfb-plain/audio']);
  });

  test('seed 003 "Phone support and encryption": an old-firmware encrypted phone joins only as authenticated', () => {
    const state = createCallState({ id: 'c', legs: [leg('I', encryptedPhone('pi')), leg('P', encryptedPhone('pp', { secureConferenceCapable: false }))] });
    expect(statusOf(state).status).toBe('encrypted');
    const r = startConference(state, MIXED, { initiatorLegId: 'I', bridges });
    const report = statusOf(r.state);
    expect(report.status).toBe('authenticated');
    expect(reasonList(report)).toEqual(['legacy_secure_conference@P/audio']);
    const m = createMeetMe(MIXED, { id: 'm', initiator: leg('I', encryptedPhone('pi')), minimumLevel: 'encrypted', bridges });
    expect(() => addParticipant(m.state, MIXED, leg('P', encryptedPhone('pp', { secureConferenceCapable: false }))))
      .toThrow(expect.objectContaining({ code: 'CALL_ERR_BELOW_MINIMUM_SECURITY', details: expect.objectContaining({ level: 'authenticated' }) }));
  });

  test('seed 004 note: "For protected phones, some features, such as conference calling ... are not available"', () => {
    const state = createCallState({ id: 'c', legs: [leg('I', encryptedPhone('pi')), leg('P', encryptedPhone('pp', { protectedDevice: true }))] });
    expect(() => startConference(state, MIXED, { initiatorLegId: 'I', bridges }))
      .toThrow(expect.objectContaining({ code: 'CALL_ERR_FEATURE_UNAVAILABLE' }));
  });

  test('MOH into a conference is RTP like any MOH (seed 003 "Media resources and encryption")', () => {
    const state = createCallState({ id: 'c', legs: [leg('I', encryptedPhone('pi')), leg('P', encryptedPhone('pp')), leg('Q', encryptedPhone('pq'))] });
    const conf = startConference(state, MIXED, { initiatorLegId: 'I', bridges }).state;
    const held = hold(conf, MIXED, { holdingLegId: 'P', moh: { id: 'moh', device: resource('mohsrv', 'moh_server') } });
    expect(mediaList(held.media)).toEqual(['audio: I=srtp P=inactive Q=srtp cfb-secure=srtp moh=rtp']);
    expect(statusOf(held.state).status).toBe('nonsecure');
  });

  test('a video participant extends the bridge to video', () => {
    const state = createCallState({ id: 'c', legs: [leg('I', encryptedPhone('pi')), leg('P', encryptedPhone('pp'))] });
    const conf = startConference(state, MIXED, { initiatorLegId: 'I', bridges }).state;
    const r = addParticipant(conf, MIXED, leg('V', encryptedPhone('pv'), ['audio', 'video']));
    expect(mediaList(r.media)).toEqual(['audio: I=srtp P=srtp V=srtp cfb-secure=srtp', 'video: V=srtp cfb-secure=srtp']);
  });

  test('errors: second conference, participant without conference, no or wrong bridge', () => {
    const state = createCallState({ id: 'c', legs: [leg('I', encryptedPhone('pi')), leg('P', encryptedPhone('pp'))] });
    const conf = startConference(state, MIXED, { initiatorLegId: 'I', bridges }).state;
    expect(() => startConference(conf, MIXED, { initiatorLegId: 'I', bridges })).toThrow(expect.objectContaining({ code: 'CALL_ERR_CONFERENCE_ACTIVE' }));
    expect(() => addParticipant(state, MIXED, leg('X', encryptedPhone('px')))).toThrow(expect.objectContaining({ code: 'CALL_ERR_NO_CONFERENCE' }));
    expect(() => selectConferenceBridge(encryptedPhone('pi'), MIXED, [])).toThrow(expect.objectContaining({ code: 'CALL_ERR_UNKNOWN_RESOURCE' }));
    expect(() => selectConferenceBridge(encryptedPhone('pi'), MIXED, [resource('m', 'mtp')])).toThrow(expect.objectContaining({ code: 'CALL_ERR_BAD_DEVICE_KIND' }));
  });
});

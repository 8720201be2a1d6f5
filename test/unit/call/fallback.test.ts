/**
 * Fallback to RTP: seed 003 (003_a50acd98db8686fc.txt) "Media resources and encryption" (no
 * media encryption with transcoders, MTPs, MOH), "Security icons and encryption" (status goes
 * from encrypted to nonsecure during hold/transfer when their media is not encrypted), "Media
 * encryption" (SRTP-to-RTP fallback for transfers to a non-secure device); seed 002 "Interaction
 * Between Cisco CallManager and the Cisco IP Phone" (transitional status). Each operation is
 * checked under both fallback policies and on its return.
 */
import {
  beginTransition, CallState, FallbackPolicy, forward, hold, insertMtp, insertTranscoder, planMedia, removeMtp,
  removeTranscoder, resume, TransitionResult, transfer, withPolicy,
} from '../../../src/call';
import {
  encryptedPhone, icons, leg, mediaList, MIXED, nonsecurePhone, reasonList, resource, statusOf, twoParty,
} from './fixtures';

const secureCall = (policy: FallbackPolicy = 'bridge', streams: ('audio' | 'video')[] = ['audio']): CallState =>
  twoParty(encryptedPhone('pa'), encryptedPhone('pb'), streams, policy);
const moh = { id: 'moh1', device: resource('mohsrv', 'moh_server') };

function expectEncrypted(state: CallState): void {
  const report = statusOf(state);
  expect(report.status).toBe('encrypted');
  expect(report.reasons).toEqual([]);
  expect(icons(report)).toEqual(['A=lock', 'B=lock']);
}

function expectPlans(result: TransitionResult, bridge: string[], rtp: string[]): void {
  expect(mediaList(result.byPolicy.bridge)).toEqual(bridge);
  expect(mediaList(result.byPolicy.rtp)).toEqual(rtp);
  expect(result.media).toBe(result.byPolicy[result.state.policy]);
}

describe('hold with MOH and resume — seed 003 "Security icons and encryption": "the status changes from encrypted to nonsecure if the media streams that are associated with these tasks, such as MOH, are not encrypted"', () => {
  test.each(['bridge', 'rtp'] as const)('policy %s: nonsecure with moh_rtp while held, encrypted again on resume', (policy) => {
    const start = secureCall(policy);
    expectEncrypted(start);
    const held = hold(start, MIXED, { holdingLegId: 'A', moh });
    expectPlans(held,
      ['audio: A=inactive B=srtp moh1=rtp'],
      ['audio: A=inactive B=rtp moh1=rtp']);
    const report = statusOf(held.state);
    expect(report.status).toBe('nonsecure');
    expect(icons(report)).toEqual(['A=none', 'B=none']);
    expect(reasonList(report)).toEqual(policy === 'bridge'
      ? ['moh_rtp#moh1/audio']
      : ['fallback_rtp@B/audio', 'moh_rtp#moh1/audio']);
    expect(held.media.policy).toBe(policy);

    const back = resume(held.state, MIXED);
    expectEncrypted(back.state);
    expectPlans(back, ['audio: A=srtp B=srtp'], ['audio: A=srtp B=srtp']);
    expect(back.state.resources).toEqual([]);
    expect(back.state.hold).toBeNull();
  });

  test('MOH is audio only: held video stays SRTP under bridge', () => {
    const held = hold(secureCall('bridge', ['audio', 'video']), MIXED, { holdingLegId: 'A', moh });
    expect(mediaList(held.media)).toEqual(['audio: A=inactive B=srtp moh1=rtp', 'video: A=inactive B=srtp']);
  });

  test('hold without MOH keeps the status once established (no RTP segment)', () => {
    const held = hold(secureCall(), MIXED, { holdingLegId: 'A' });
    expect(mediaList(held.media)).toEqual(['audio: A=inactive B=srtp']);
    expect(statusOf(held.state).status).toBe('encrypted');
  });

  test('errors: double hold, resume when not held, MOH from a non-MOH device', () => {
    const held = hold(secureCall(), MIXED, { holdingLegId: 'A', moh }).state;
    expect(() => hold(held, MIXED, { holdingLegId: 'B' })).toThrow(expect.objectContaining({ code: 'CALL_ERR_ALREADY_HELD' }));
    expect(() => resume(secureCall(), MIXED)).toThrow(expect.objectContaining({ code: 'CALL_ERR_NOT_HELD' }));
    expect(() => hold(secureCall(), MIXED, { holdingLegId: 'A', moh: { id: 'x', device: resource('t', 'transcoder') } }))
      .toThrow(expect.objectContaining({ code: 'CALL_ERR_BAD_DEVICE_KIND' }));
    expect(() => hold(secureCall(), MIXED, { holdingLegId: 'Z' })).toThrow(expect.objectContaining({ code: 'CALL_ERR_UNKNOWN_LEG' }));
  });
});

describe('transcoder and MTP — seed 003 "Media resources and encryption": "does not provide media encryption ... Calls that involve transcoders / Call that involve media termination points"', () => {
  test.each([
    { name: 'transcoder', insert: insertTranscoder, remove: removeTranscoder, kind: 'transcoder' as const, code: 'transcoder_rtp' },
    { name: 'MTP', insert: insertMtp, remove: removeMtp, kind: 'mtp' as const, code: 'mtp_rtp' },
  ])('$name: insert makes the call nonsecure with $code, remove returns encrypted', ({ insert, remove, kind, code }) => {
    for (const policy of ['bridge', 'rtp'] as const) {
      const start = secureCall(policy);
      const ins = insert(start, MIXED, { id: 'r1', device: resource('dev1', kind), legId: 'B' });
      expectPlans(ins,
        ['audio: A=srtp B=srtp r1=rtp'],
        ['audio: A=rtp B=rtp r1=rtp']);
      expect(ins.media.streams[0]!.segments[2]).toEqual({ endpoint: kind, id: 'r1', towardLegId: 'B', transport: 'rtp', reason: code });
      const report = statusOf(ins.state);
      expect(report.status).toBe('nonsecure');
      expect(reasonList(report)).toEqual(policy === 'bridge'
        ? [`${code}#r1/audio`]
        : ['fallback_rtp@A/audio', 'fallback_rtp@B/audio', `${code}#r1/audio`]);

      const rem = remove(ins.state, MIXED, 'r1');
      expectEncrypted(rem.state);
      expectPlans(rem, ['audio: A=srtp B=srtp'], ['audio: A=srtp B=srtp']);
    }
  });

  test('removing the wrong kind or an unknown id is a typed error; inserting the wrong device kind too', () => {
    const ins = insertTranscoder(secureCall(), MIXED, { id: 'r1', device: resource('t', 'transcoder'), legId: 'B' }).state;
    expect(() => removeMtp(ins, MIXED, 'r1')).toThrow(expect.objectContaining({ code: 'CALL_ERR_UNKNOWN_RESOURCE' }));
    expect(() => insertMtp(secureCall(), MIXED, { id: 'r1', device: resource('t', 'transcoder'), legId: 'B' }))
      .toThrow(expect.objectContaining({ code: 'CALL_ERR_BAD_DEVICE_KIND' }));
    expect(() => insertTranscoder(ins, MIXED, { id: 'r1', device: resource('t2', 'transcoder'), legId: 'A' }))
      .toThrow(expect.objectContaining({ code: 'CALL_ERR_DUPLICATE_RESOURCE' }));
    expect(() => insertTranscoder(secureCall(), MIXED, { id: 'v', device: resource('t', 'transcoder'), legId: 'A', stream: 'video' }))
      .toThrow(expect.objectContaining({ code: 'CALL_ERR_NO_SUCH_STREAM' }));
  });

  test('the input state is never modified (operations are pure)', () => {
    const start = secureCall();
    const snapshot = JSON.stringify(start);
    insertTranscoder(start, MIXED, { id: 'r1', device: resource('t', 'transcoder'), legId: 'B' });
    hold(start, MIXED, { holdingLegId: 'A', moh });
    expect(JSON.stringify(start)).toBe(snapshot);
    expect(Object.isFrozen(start)).toBe(true);
    expect(Object.isFrozen(start.legs)).toBe(true);
  });
});

describe('transfer and forward — seed 003 "Media encryption": "SRTP-to-RTP fallback may occur for transfers from a secure device to a non-secure device"', () => {
  test.each(['bridge', 'rtp'] as const)('policy %s: secure to non-secure and back', (policy) => {
    const start = secureCall(policy);
    const toC = transfer(start, MIXED, { fromLegId: 'A', to: leg('C', nonsecurePhone('pc')) });
    // The new party takes the transferring party's place in the leg order.
    expectPlans(toC, ['audio: C=rtp B=srtp'], ['audio: C=rtp B=rtp']);
    const r1 = statusOf(toC.state);
    expect(r1.status).toBe('nonsecure');
    expect(r1.devices.map((d) => `${d.leg}:${d.deviceId}=${d.icon}`)).toEqual(['C:pc=none', 'B:pb=none']);
    expect(reasonList(r1)).toEqual(policy === 'bridge' ? ['device_nonsecure@C'] : ['device_nonsecure@C', 'fallback_rtp@B/audio']);

    const toD = transfer(toC.state, MIXED, { fromLegId: 'C', to: leg('D', encryptedPhone('pd')) });
    expectPlans(toD, ['audio: D=srtp B=srtp'], ['audio: D=srtp B=srtp']);
    const r2 = statusOf(toD.state);
    expect(r2.status).toBe('encrypted');
    expect(icons(r2)).toEqual(['D=lock', 'B=lock']);
  });

  test('seed 002: "When a call is held, forwarded, or transferred, the call status may be temporarily nonsecure or unknown until the call between the parties is established"', () => {
    for (const kind of ['hold', 'resume', 'forward', 'transfer'] as const) {
      const pending = beginTransition(secureCall(), MIXED, kind);
      const report = statusOf(pending.state);
      expect(report.status).toBe('nonsecure');
      expect(reasonList(report)).toEqual(['transition_pending']);
      // Media is untouched while the transition is pending.
      expect(mediaList(pending.media)).toEqual(['audio: A=srtp B=srtp']);
    }
  });

  test('a pending transfer ends with the transfer; the status is then the new parties\'', () => {
    const pending = beginTransition(secureCall(), MIXED, 'transfer').state;
    expect(() => beginTransition(pending, MIXED, 'hold')).toThrow(expect.objectContaining({ code: 'CALL_ERR_TRANSITION_PENDING' }));
    expect(() => hold(pending, MIXED, { holdingLegId: 'A', moh })).toThrow(expect.objectContaining({ code: 'CALL_ERR_TRANSITION_PENDING' }));
    const done = transfer(pending, MIXED, { fromLegId: 'A', to: leg('C', encryptedPhone('pc')) });
    expect(done.state.pending).toBeNull();
    const report = statusOf(done.state);
    expect(report.status).toBe('encrypted');
    expect(report.reasons).toEqual([]);
    expect(icons(report)).toEqual(['C=lock', 'B=lock']);
  });

  test('pending hold, then hold with MOH, then pending resume, then resume', () => {
    let s = beginTransition(secureCall(), MIXED, 'hold').state;
    s = hold(s, MIXED, { holdingLegId: 'A', moh }).state;
    expect(reasonList(statusOf(s))).toEqual(['moh_rtp#moh1/audio']);
    s = beginTransition(s, MIXED, 'resume').state;
    expect(reasonList(statusOf(s))).toEqual(['moh_rtp#moh1/audio', 'transition_pending']);
    s = resume(s, MIXED).state;
    expectEncrypted(s);
  });

  test('forward to a non-secure device, then forward on to a secure one', () => {
    let s = beginTransition(secureCall(), MIXED, 'forward').state;
    s = forward(s, MIXED, { fromLegId: 'B', to: leg('C', nonsecurePhone('pc')) }).state;
    expect(statusOf(s).status).toBe('nonsecure');
    expect(reasonList(statusOf(s))).toEqual(['device_nonsecure@C']);
    s = forward(s, MIXED, { fromLegId: 'C', to: leg('D', encryptedPhone('pd')) }).state;
    expect(statusOf(s).status).toBe('encrypted');
  });

  test('transfer from hold: the transferring party\'s hold, MOH and its transcoder end with its leg', () => {
    let s = secureCall();
    s = insertTranscoder(s, MIXED, { id: 'x1', device: resource('t', 'transcoder'), legId: 'A' }).state;
    s = hold(s, MIXED, { holdingLegId: 'A', moh }).state;
    const done = transfer(s, MIXED, { fromLegId: 'A', to: leg('C', encryptedPhone('pc')) });
    expect(done.state.hold).toBeNull();
    expect(done.state.resources).toEqual([]);
    expect(statusOf(done.state).status).toBe('encrypted');
    expect(mediaList(done.media)).toEqual(['audio: C=srtp B=srtp']);
  });

  test('policy can be switched on a live call; the status does not depend on it', () => {
    const held = hold(secureCall('bridge'), MIXED, { holdingLegId: 'A', moh }).state;
    const asRtp = withPolicy(held, 'rtp');
    expect(mediaList(planMedia(asRtp, MIXED))).toEqual(['audio: A=inactive B=rtp moh1=rtp']);
    expect(statusOf(asRtp).status).toBe(statusOf(held).status);
    expect(() => withPolicy(held, 'srtp' as never)).toThrow(expect.objectContaining({ code: 'CALL_ERR_BAD_POLICY' }));
  });
});

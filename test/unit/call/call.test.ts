/**
 * `Call`: typed `securitychange` events only on real changes, idempotent close, methods reject
 * after close (mediasoup lifecycle style).
 */
import { Call, CallError, SecurityChangeEvent } from '../../../src/call';
import { encryptedPhone, leg, MIXED, MIXED_WITH_TONES, nonsecurePhone, reasonList, resource, secureDevice } from './fixtures';

const moh = { id: 'moh1', device: resource('mohsrv', 'moh_server') };

function secureCall(cluster = MIXED): Call {
  return Call.create({ id: 'call-7', legs: [leg('A', encryptedPhone('pa')), leg('B', encryptedPhone('pb'))] }, cluster);
}

function record(call: Call): SecurityChangeEvent[] {
  const events: SecurityChangeEvent[] = [];
  call.on('securitychange', (e) => events.push(e));
  return events;
}

describe('Call events', () => {
  test('hold with MOH and resume emit encrypted -> nonsecure (moh_rtp) -> encrypted', async () => {
    const call = secureCall();
    const events = record(call);
    expect(call.report.status).toBe('encrypted');
    const held = await call.hold({ holdingLegId: 'A', moh });
    expect(held.state).toBe(call.state);
    await call.resume();
    expect(events.map((e) => `${e.previousStatus}->${e.status}`)).toEqual(['encrypted->nonsecure', 'nonsecure->encrypted']);
    expect(events[0]!.callId).toBe('call-7');
    expect(events[0]!.reasons.map((r) => r.code)).toEqual(['moh_rtp']);
    expect(events[0]!.report).toBe(events[1]!.previous);
    expect(events[1]!.reasons).toEqual([]);
  });

  test('no event when an operation leaves the report unchanged', async () => {
    const call = secureCall();
    const events = record(call);
    // Another encrypted phone replacing an encrypted phone under the same leg id: same report.
    await call.transfer({ fromLegId: 'B', to: leg('B', encryptedPhone('pb')) });
    expect(events).toEqual([]);
  });

  test('an event fires on a media-only change even when the status stays nonsecure', async () => {
    const call = Call.create({ id: 'c', legs: [leg('A', encryptedPhone('pa')), leg('B', nonsecurePhone('pb'))] }, MIXED);
    const events = record(call);
    await call.setPolicy('rtp');
    expect(events).toHaveLength(1);
    expect(events[0]!.status).toBe('nonsecure');
    expect(events[0]!.previous.media[0]!.segments[0]!.transport).toBe('srtp');
    expect(events[0]!.report.media[0]!.segments[0]!.transport).toBe('rtp');
    await call.setPolicy('rtp');
    expect(events).toHaveLength(1);
  });

  test('a tone change alone is a change', async () => {
    const call = Call.create({ id: 'c', legs: [leg('A', encryptedPhone('pa', { protectedDevice: true })), leg('B', encryptedPhone('pb'))] }, MIXED_WITH_TONES);
    const events = record(call);
    await call.beginTransition('transfer');
    await call.transfer({ fromLegId: 'B', to: leg('C', encryptedPhone('pc')) });
    expect(events.map((e) => `${e.status}:${e.report.devices[0]!.tone}`)).toEqual(['nonsecure:none', 'encrypted:secure']);
  });

  test('a rejected operation changes nothing and emits nothing', async () => {
    const call = secureCall();
    const events = record(call);
    const before = call.state;
    await expect(call.insertMtp({ id: 'x', device: resource('t', 'transcoder'), legId: 'A' }))
      .rejects.toMatchObject({ code: 'CALL_ERR_BAD_DEVICE_KIND' });
    expect(call.state).toBe(before);
    expect(events).toEqual([]);
  });

  test('every operation goes through the same path (transcoder, MTP, forward, conference, barge)', async () => {
    const call = secureCall();
    const events = record(call);
    await call.insertTranscoder({ id: 'x1', device: resource('t', 'transcoder'), legId: 'A' });
    await call.removeTranscoder('x1');
    await call.insertMtp({ id: 'm1', device: resource('m', 'mtp'), legId: 'B' });
    await call.removeMtp('m1');
    await call.beginTransition('forward');
    await call.forward({ fromLegId: 'B', to: leg('C', encryptedPhone('pc')) });
    await call.addLeg(leg('D', nonsecurePhone('pd')));
    await call.removeLeg('D');
    expect(events.map((e) => reasonList(e.report).join(',') || e.status)).toEqual([
      'transcoder_rtp#x1/audio', 'encrypted', 'mtp_rtp#m1/audio', 'encrypted',
      'transition_pending', 'encrypted', 'device_nonsecure@D', 'encrypted',
    ]);
    await call.startConference({ initiatorLegId: 'A', bridges: [secureDevice('cfb', 'conference_bridge')] });
    expect(call.report.status).toBe('encrypted');
    expect(call.state.conference?.kind).toBe('adhoc');
    await call.addParticipant(leg('E', encryptedPhone('pe')));
    expect(call.state.legs.map((l) => l.id)).toEqual(['A', 'C', 'E']);
  });

  test('barge through the Call, and a meet-me call', async () => {
    const call = Call.create({ id: 'c', legs: [leg('A', encryptedPhone('pa', { protocol: 'sip' })), leg('B', encryptedPhone('pb', { protocol: 'sip' }))] }, MIXED);
    const events = record(call);
    await call.barge({ initiator: leg('X', encryptedPhone('px')), targetLegId: 'B' });
    await call.endBargeTone();
    expect(events.map((e) => e.status)).toEqual(['nonsecure', 'encrypted']);
    const meet = Call.createMeetMe({ id: 'mm', initiator: leg('I', encryptedPhone('pi')), minimumLevel: 'encrypted', bridges: [secureDevice('cfb', 'conference_bridge')] }, MIXED);
    await expect(meet.addParticipant(leg('N', nonsecurePhone('pn')))).rejects.toMatchObject({ code: 'CALL_ERR_BELOW_MINIMUM_SECURITY' });
    expect(meet.state.legs).toHaveLength(1);
  });
});

describe('Call lifecycle', () => {
  test('close is idempotent and emits close once', () => {
    const call = secureCall();
    let closes = 0;
    call.on('close', () => { closes += 1; });
    call.close();
    call.close();
    expect(closes).toBe(1);
    expect(call.closed).toBe(true);
  });

  test('methods reject after close with CALL_ERR_CLOSED; the last report stays readable', async () => {
    const call = secureCall();
    call.close();
    const ops: (() => Promise<unknown>)[] = [
      () => call.hold({ holdingLegId: 'A', moh }),
      () => call.resume(),
      () => call.insertTranscoder({ id: 'x', device: resource('t', 'transcoder'), legId: 'A' }),
      () => call.removeTranscoder('x'),
      () => call.insertMtp({ id: 'x', device: resource('m', 'mtp'), legId: 'A' }),
      () => call.removeMtp('x'),
      () => call.beginTransition('hold'),
      () => call.transfer({ fromLegId: 'A', to: leg('C', encryptedPhone('pc')) }),
      () => call.forward({ fromLegId: 'A', to: leg('C', encryptedPhone('pc')) }),
      () => call.addLeg(leg('C', encryptedPhone('pc'))),
      () => call.removeLeg('A'),
      () => call.startConference({ initiatorLegId: 'A', bridges: [] }),
      () => call.addParticipant(leg('C', encryptedPhone('pc'))),
      () => call.barge({ initiator: leg('C', encryptedPhone('pc')), targetLegId: 'A' }),
      () => call.endBargeTone(),
      () => call.setPolicy('rtp'),
    ];
    for (const op of ops) {
      const p = op();
      await expect(p).rejects.toBeInstanceOf(CallError);
      await expect(p).rejects.toMatchObject({ code: 'CALL_ERR_CLOSED', statusCode: 409, details: { callId: 'call-7' } });
    }
    expect(call.report.status).toBe('encrypted');
  });

  test('listeners are dropped on close', () => {
    const call = secureCall();
    call.on('securitychange', () => undefined);
    call.close();
    expect(call.listenerCount('securitychange')).toBe(0);
  });
});

/**
 * The console's model and words (src/console/console-state.ts, labels.ts), without a browser:
 * which security reports it refetches, how events become timeline entries, and the bounds on
 * what it keeps. The page itself is tested in Chromium (test/interop/console-browser.test.ts).
 */
import type { ApiEvent, CallView, SecurityReport } from '../../../src/console/api-types';
import { ConsoleState, MAX_CALLS_FOLLOWED, MAX_TIMELINE, UNLISTED_GRACE_MS } from '../../../src/console/console-state';
import { modeLabel, reasonLabel, transportLabel } from '../../../src/console/labels';

function call(id: string, status: CallView['status'], legs: string[]): CallView {
  return {
    id, createdAt: '2026-01-01T00:00:00.000Z', policy: 'bridge', status, resources: [], hold: null, pending: null, conference: null,
    legs: legs.map((leg) => ({ id: leg, keying: 'managed', streams: [], device: { id: leg, kind: 'ip_phone', trusted: true, securityMode: 'encrypted', signalingTls: true, srtpCapable: true } })),
  };
}

function report(status: SecurityReport['status'], legs: string[], icon: 'lock' | 'none' = 'lock'): SecurityReport {
  return { status, policy: 'bridge', reasons: [], notices: [], devices: legs.map((leg) => ({ leg, deviceId: leg, icon, tone: 'none' })) };
}

let seq = 0;
function event(type: string, fields: Partial<ApiEvent>): ApiEvent {
  seq += 1;
  return { type, seq, at: '2026-01-01T00:00:00.000Z', ...fields };
}

describe('console state', () => {
  it('fetches a report for new calls and for calls whose view disagrees with it', () => {
    const state = new ConsoleState();
    expect(state.setCalls({ calls: [call('c1', 'encrypted', ['A', 'B'])], nextCursor: null })).toEqual(['c1']);
    state.setSecurity('c1', report('encrypted', ['A', 'B']));
    expect(state.setCalls({ calls: [call('c1', 'encrypted', ['A', 'B'])], nextCursor: null })).toEqual([]);
    // A missed securitychange: the status differs, or the legs do.
    expect(state.setCalls({ calls: [call('c1', 'nonsecure', ['A', 'B'])], nextCursor: null })).toEqual(['c1']);
    expect(state.setCalls({ calls: [call('c1', 'encrypted', ['A', 'C'])], nextCursor: 'x' })).toEqual(['c1']);
    expect(state.more).toBe(true);
    // A report for a call the page does not list is not kept.
    state.setSecurity('ghost', report('encrypted', ['A']));
    expect(state.securityOf('ghost')).toBeUndefined();
  });

  it('turns securitychange into the call\'s report and a timeline entry with reasons', () => {
    const state = new ConsoleState();
    state.setCalls({ calls: [call('c1', 'encrypted', ['A', 'B'])], nextCursor: null });
    const held = { ...report('nonsecure', ['A', 'B'], 'none'), reasons: [{ code: 'moh_rtp', resourceId: 'moh1', stream: 'audio' }] };
    expect(state.applyEvent(event('securitychange', { callId: 'c1', previousStatus: 'encrypted', status: 'nonsecure', reasons: held.reasons, report: held }))).toBe(true);
    expect(state.securityOf('c1')).toBe(held);
    expect(state.timelineOf('c1')[0]).toMatchObject({
      type: 'securitychange', status: 'nonsecure', previousStatus: 'encrypted',
      text: 'Encrypted → Non-secure (A: No icon, B: No icon)', reasons: ['moh_rtp — music on hold is RTP (resource moh1, audio)'],
    });
    state.applyEvent(event('securitychange', { callId: 'c1', previousStatus: 'nonsecure', status: 'nonsecure', reasons: [], report: report('nonsecure', ['A']) }));
    expect(state.timelineOf('c1')[0].text).toBe('Non-secure, unchanged (A: Lock)');
    // Events that explain nothing are not in the timeline.
    expect(state.applyEvent(event('latch', { callId: 'c1', legId: 'A' }))).toBe(false);
    expect(state.applyEvent(event('callclosed', { callId: 'c1', reason: 'deleted' }))).toBe(true);
    expect(state.calls).toEqual([]);
    expect(state.timelineOf('c1')).toEqual([]);
  });

  it('keeps at most MAX_TIMELINE entries per call, newest first, and follows at most MAX_CALLS_FOLLOWED calls', () => {
    const state = new ConsoleState();
    for (let i = 0; i < MAX_TIMELINE + 20; i++) state.applyEvent(event('legadded', { callId: 'c1', legId: `L${i}` }));
    expect(state.timelineOf('c1')).toHaveLength(MAX_TIMELINE);
    expect(state.timelineOf('c1')[0].text).toBe(`leg L${MAX_TIMELINE + 19} added`);
    const t0 = 1_000_000;
    for (let i = 0; i < MAX_CALLS_FOLLOWED + 10; i++) state.applyEvent(event('callcreated', { callId: `x${i}` }), t0);
    expect(state.timelineOf(`x${MAX_CALLS_FOLLOWED + 5}`)).toEqual([]);
    expect(state.applyEvent(event('callcreated', { callId: 'fresh' }), t0)).toBe(false);
    // Unlisted calls keep their timelines for a grace period (the poll may not list them yet)...
    state.setCalls({ calls: [call('x1', 'nonsecure', [])], nextCursor: null }, new Date(t0 + UNLISTED_GRACE_MS));
    expect(state.timelineOf('x0')).toHaveLength(1);
    // ...then only the listed ones stay.
    state.setCalls({ calls: [call('x1', 'nonsecure', [])], nextCursor: null }, new Date(t0 + UNLISTED_GRACE_MS + 1));
    expect(state.timelineOf('x0')).toEqual([]);
    expect(state.timelineOf('x1')).toHaveLength(1);
    expect(state.applyEvent(event('callcreated', { callId: 'fresh' }), t0)).toBe(true);
  });

  it('names pair modes, transports and reasons in words', () => {
    expect(modeLabel('passthrough')).toBe('verified passthrough');
    expect(modeLabel(null)).toBe('not paired');
    expect(modeLabel('something-new')).toBe('something-new');
    const stream = { kind: 'audio', srtp: true, negotiated: true, suite: 'AEAD_AES_256_GCM', local: null, remote: null, peer: null, mode: null, counters: null } as const;
    expect(transportLabel({ ...stream, transport: 'srtp' })).toBe('SRTP AEAD_AES_256_GCM');
    expect(transportLabel({ ...stream, transport: 'rtp' })).toBe('RTP');
    expect(reasonLabel({ code: 'device_nonsecure', legId: 'C' })).toBe('device_nonsecure — device has a nonsecure profile (leg C)');
    expect(reasonLabel({ code: 'future_reason' })).toBe('future_reason');
  });
});

/**
 * A DTLS-SRTP (WebRTC) stream counts as SRTP media only once its handshake completed with a
 * verified fingerprint (issue 14; RFC 5763 §5): `pending` and `failed` keep the call from
 * claiming encryption (reasons `dtls_pending`, `dtls_failed`), `connected` lets it, and the
 * Call emits `securitychange` when the worker's report flips it.
 */
import { Call, computeSecurityStatus, createCallState, defineLeg, type DtlsKeyState, type SecurityReport } from '../../../src/call';
import { encryptedPhone, leg, MIXED } from './fixtures';

const codes = (r: SecurityReport): string[] => r.reasons.map((x) => x.code);
const web = (dtls: DtlsKeyState) => defineLeg({ id: 'W', device: encryptedPhone('browser'), streams: [{ kind: 'audio', srtp: true, dtls }] });

describe('DTLS-SRTP stream status', () => {
  test.each([
    ['pending', 'nonsecure', ['dtls_pending']],
    ['failed', 'nonsecure', ['dtls_failed']],
    ['connected', 'encrypted', []],
  ] as const)('%s: %s', (dtls, status, reasons) => {
    const report = computeSecurityStatus(createCallState({ id: 'c', legs: [web(dtls), leg('B', encryptedPhone('pb'))] }), MIXED);
    expect(report.status).toBe(status);
    expect(codes(report)).toEqual(reasons);
    const segment = report.media[0].segments.find((s) => s.id === 'W');
    // Plumbed as SRTP either way (the relay never sends a WebRTC leg anything in the clear).
    expect(segment).toMatchObject({ transport: 'srtp', reason: reasons[0] ?? null });
    expect(report.media[0].srtpEndToEnd).toBe(dtls === 'connected');
    if (reasons.length > 0) expect(report.reasons[0]).toEqual({ code: reasons[0], legId: 'W', stream: 'audio' });
  });

  test('a DTLS stream is an SRTP stream; unknown states are refused', () => {
    expect(() => defineLeg({ id: 'W', device: encryptedPhone('b'), streams: [{ kind: 'audio', srtp: false, dtls: 'pending' }] })).toThrow(/SRTP stream/);
    expect(() => defineLeg({ id: 'W', device: encryptedPhone('b'), streams: [{ kind: 'audio', srtp: true, dtls: 'done' as DtlsKeyState }] })).toThrow(/unknown DTLS state/);
  });

  test('the handshake flips the Call to encrypted with one securitychange; a failure back to nonsecure', async () => {
    const call = Call.create({ id: 'flip', legs: [] }, MIXED);
    await call.addLeg({ id: 'W', device: encryptedPhone('browser'), streams: [{ kind: 'audio', srtp: true, dtls: 'pending' }] });
    await call.addLeg(leg('B', encryptedPhone('pb')));
    expect(codes(call.report)).toEqual(['dtls_pending']);
    const events: string[] = [];
    call.on('securitychange', (e) => events.push(`${e.previousStatus}->${e.status}:${e.reasons.map((r) => r.code).join(',')}`));
    await call.setLegStreams('W', [{ kind: 'audio', srtp: true, dtls: 'connected' }]);
    expect(call.report).toMatchObject({ status: 'encrypted', reasons: [] });
    await call.setLegStreams('W', [{ kind: 'audio', srtp: true, dtls: 'failed' }]);
    expect(events).toEqual(['nonsecure->encrypted:', 'encrypted->nonsecure:dtls_failed']);
    call.close();
  });
});

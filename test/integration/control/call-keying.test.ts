/**
 * Who gets call keys (seed 003) and who gets leg keys, decided in leg-keying.ts: the first two
 * managed call-scoped phones of a stream share the call's sets (passthrough); a phone whose
 * suites lack the call keys' suite, a barge initiator and `keyingScope: "leg"` get their own
 * (recrypt); a transfer target takes the side the transferred phone left, after the stream was
 * rekeyed; a failed join leaves no keys behind.
 */
import { relayPortRange } from '../../helpers/port-ranges';
import pino from 'pino';
import { defineCluster } from '../../../src/call';
import { CallController, fieldOf, type LegRequest } from '../../../src/control';
import { KeyManager } from '../../../src/keys';
import { MediaRelay } from '../../../src/relay';
import { SrtpStatus } from '../../../src/srtp';
import { Phone, UdpPeer, keyParamsOf, securePhone } from '../api/helpers';

const RANGE: [number, number] = relayPortRange(100);

let controller: CallController;
const peers: { close(): void }[] = [];

beforeEach(async () => {
  const relay = await MediaRelay.create({ portRange: RANGE, bindAddress: '127.0.0.1', workers: 0, logLevel: 'silent' });
  controller = new CallController({ keys: await KeyManager.create(), relay, cluster: defineCluster({ securityMode: 'mixed' }), logger: pino({ level: 'silent' }) });
});

afterEach(async () => {
  for (const p of peers.splice(0)) p.close();
  await controller.close();
});

async function phone(): Promise<Phone> {
  const p = await Phone.open();
  peers.push(p);
  return p;
}

const managed = (id: string, p: Phone, extra: Partial<LegRequest> = {}): LegRequest => ({
  id, device: securePhone(id) as LegRequest['device'], keying: 'managed', streams: [{ kind: 'audio', remote: p.endpoint }], ...extra,
});

async function join(callId: string, id: string, p: Phone, extra: Partial<LegRequest> = {}): Promise<void> {
  const leg = await controller.addLeg(callId, managed(id, p, extra));
  p.relayPort = leg.streams[0].local?.rtpPort ?? 0;
  p.useManagedKeys(controller.legKeys(callId, id).streams[0]);
}

async function expectFlow(from: Phone, to: Phone, tag: string): Promise<void> {
  const sent = await from.talk(tag);
  const got = await to.hear(tag, sent.length);
  expect(got.map((r) => [r.payload, r.status])).toEqual(sent.map((p) => [p, SrtpStatus.Ok]));
}

const modes = (callId: string): (string | null)[] => controller.session(callId).view().legs.map((l) => l.streams[0].mode);
const scopes = (callId: string): string[] => controller.session(callId).legs().map((l) => controller.legKeys(callId, l.id).streams[0].keyingScope);

describe('call keying in call control', () => {
  it('a second phone whose suites lack the call keys\' suite gets leg keys; the relay recrypts', async () => {
    await controller.createCall({ id: 's1' });
    const [A, B] = [await phone(), await phone()];
    await join('s1', 'A', A, { suites: ['AES_CM_128_HMAC_SHA1_80'] });
    await join('s1', 'B', B, { suites: ['AEAD_AES_256_GCM'] });
    expect(controller.legKeys('s1', 'A').streams[0]).toMatchObject({ suite: 'AES_CM_128_HMAC_SHA1_80', keyingScope: 'call', generation: 1 });
    expect(controller.legKeys('s1', 'B').streams[0]).toMatchObject({ suite: 'AEAD_AES_256_GCM', keyingScope: 'leg' });
    expect(controller.legKeys('s1', 'B').streams[0].generation).toBeUndefined();
    expect(modes('s1')).toEqual(['recrypt', 'recrypt']);
    await expectFlow(A, B, 'a1');
    await expectFlow(B, A, 'b1');
  });

  it('keyingScope leg keeps per-leg keys for two managed phones; keyingScope is refused for other keying', async () => {
    await controller.createCall({ id: 's2' });
    const [A, B] = [await phone(), await phone()];
    await join('s2', 'A', A, { keyingScope: 'leg' });
    await join('s2', 'B', B);
    // B asked for call scope and is the stream's only call-keyed phone: side A, alone.
    expect(scopes('s2')).toEqual(['leg', 'call']);
    expect(modes('s2')).toEqual(['recrypt', 'recrypt']);
    await expectFlow(A, B, 'a1');
    await expectFlow(B, A, 'b1');
    await expect(controller.addLeg('s2', { id: 'C', device: securePhone('C') as LegRequest['device'], keying: 'none', keyingScope: 'call' }))
      .rejects.toMatchObject({ code: 'API_ERR_BAD_REQUEST', field: 'keyingScope' });
  });

  it('a transfer target takes the side the transferred phone left, after a rekey: passthrough again', async () => {
    await controller.createCall({ id: 's3' });
    const [A, B, D] = [await phone(), await phone(), await phone()];
    await join('s3', 'A', A);
    await join('s3', 'B', B);
    const bKeys = controller.legKeys('s3', 'B').streams[0];
    const res = await controller.transfer('s3', { from: 'B', to: managed('D', D) });
    D.relayPort = res.leg?.streams[0].local?.rtpPort ?? 0;
    const aKeys = controller.legKeys('s3', 'A').streams[0];
    const dKeys = controller.legKeys('s3', 'D').streams[0];
    expect([aKeys.generation, dKeys.generation]).toEqual([2, 2]);
    expect(keyParamsOf(dKeys.receive)[0]).toBe(keyParamsOf(aKeys.send)[0]);
    expect(keyParamsOf(dKeys.send)[0]).not.toBe(keyParamsOf(bKeys.send)[0]);
    expect(controller.session('s3').leg('D')?.stream('audio')?.callKeys?.side).toBe('B');
    A.useManagedKeys(aKeys);
    D.useManagedKeys(dKeys);
    expect(modes('s3')).toEqual(['passthrough', 'passthrough']);
    await expectFlow(A, D, 'a1');
    await expectFlow(D, A, 'd1');
    expect(D.inbox.slice(-5).map((x) => x.data)).toEqual(A.sent.slice(-5));
  });

  it('a barge initiator gets leg keys; the two phones keep their call keys', async () => {
    await controller.createCall({ id: 's4' });
    const [A, B, C] = [await phone(), await phone(), await phone()];
    await join('s4', 'A', A);
    await join('s4', 'B', B);
    const bib = new UdpPeer(await UdpPeer.bind());
    peers.push(bib);
    await controller.barge('s4', { initiator: managed('C', C), target: 'B', bridge: { remote: bib.endpoint } });
    expect(scopes('s4')).toEqual(['call', 'call', 'leg']);
    expect(controller.legKeys('s4', 'A').streams[0].generation).toBe(1);
  });

  it('a failed join leaves no call keys behind', async () => {
    await controller.createCall({ id: 's5' });
    const A = await phone();
    const err: unknown = await controller.addLeg('s5', managed('A', A, { suites: ['NO_SUCH_SUITE'] })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: expect.stringMatching(/^KEY_ERR_/) });
    expect(fieldOf(err)).toBe('suites');
    expect(controller.keys.callKeys('s5')).toEqual([]);
    await join('s5', 'A', A);
    expect(controller.keys.callKeys('s5')).toHaveLength(1);
    await controller.removeLeg('s5', 'A');
    // Nobody left on the stream: its keys are wiped, not rekeyed.
    expect(controller.keys.callKeys('s5')).toEqual([]);
  });
});

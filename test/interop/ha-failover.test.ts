/**
 * Calls survive the loss of a relay node (docs/ha.md "Proof"): real redis-server, an active and
 * a standby `srtp-relay serve` (built) each in its own network namespace, endpoints in a third,
 * 20 SRTP calls (AES-CM and AES-GCM; SDES, managed leg keys (recrypt) and managed call keys
 * (verified passthrough)) both ways. kill -9 of the active, the floating address moved: media
 * flows through the standby; every packet the endpoints receive (RTP, and SRTCP sender reports)
 * is decrypted by libsrtp (pylibsrtp, an independent implementation); per SSRC every SRTP and
 * SRTCP index after the takeover is above every index before it; a call with no media is taken
 * over by POST /v1/cluster/activate (keepalived notify_master style); security status unchanged; a Redis outage of 10 s and a Redis restart
 * lose no media; ports and keys are released when the calls end; the Redis contents hold no key
 * or salt in any encoding (with a positive control). Needs `npm run build` and `npm run peers`.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { relayPortRange } from '../helpers/port-ranges';
import { LibsrtpPeer, type PeerKey } from './libsrtp-peer';
import { assertNamespacesAvailable, ENDPOINT_ADDRESS, FLOATING, ServeNode, TwoNodeLab, type NsAgent } from './ha/two-node-lab';

jest.setTimeout(240_000);

const CALLS = 20;
const SILENT = 'ha-silent';
const PTIME_MS = 40;
/** One SRTCP sender report per side every this many packets (~0.5 s). */
const RTCP_EVERY = 12;
const phone = (id: string): object => ({ id, kind: 'ip_phone', trusted: true, securityMode: 'encrypted', signalingTls: true, srtpCapable: true });

interface Side {
  id: string;
  port: number;
  relayPort: number;
  sendSession: number;
  recvSession: number;
  ssrc: number;
  seq: number;
  /** Per SSRC received: highest index seen before the takeover and lowest after. */
  received: number;
  failures: number;
  lastRx: number;
  indexes: Map<number, { ext: number; before: number; afterMin: number }>;
  keys: PeerKey[];
  /** Sender's packet counter (in the payload) of the last packet received before the kill and the first after. */
  lastBefore: number;
  firstAfter: number;
  /** Packets this side has sent (its counter). */
  counter: number;
  /** When this side first sent after the kill (the test's own protect pipeline may lag under load). */
  firstSendAfter: number;
  /** Sender counters received (by the other side): got[counter] = 1. */
  got: Uint8Array;
  /** How to find the SRTCP index in what this side receives (RFC 3711 §3.4, RFC 7714 §9.3). */
  recvAead: boolean;
  recvMkiLen: number;
  /** SRTCP: reports sent, received (decrypted), failed, and per SSRC the indexes before/after the takeover. */
  rtcp: { sent: number; received: number; failures: number; indexes: Map<number, { before: number; afterMin: number }> };
}

interface LabCall {
  id: string;
  mode: string;
  suite: string;
  sides: [Side, Side];
  security: string;
  sent: [number, number];
}

/** `a=crypto:<tag> <suite> inline:<b64>[|lifetime][|mki:len][;inline:...]` → libsrtp keys. */
function cryptoKeys(line: string, suite: string): PeerKey[] {
  const keyLen = /256/.test(suite) ? 32 : 16;
  return [...line.matchAll(/inline:([A-Za-z0-9+/=]+)((?:\|[^;\s]+)*)/g)].map((m) => {
    const raw = Buffer.from(m[1], 'base64');
    const mki = /\|(\d+):(\d+)/.exec(m[2]);
    const key: PeerKey = { key: raw.subarray(0, keyLen).toString('hex'), salt: raw.subarray(keyLen).toString('hex') };
    if (mki !== null) key.mki = Number(mki[1]).toString(16).padStart(Number(mki[2]) * 2, '0');
    return key;
  });
}

/** An RTCP sender report (RFC 3550 §6.4.1) with no report blocks: 28 bytes. */
function senderReport(ssrc: number, packets: number): Buffer {
  const p = Buffer.alloc(28);
  p[0] = 0x80;
  p[1] = 200;
  p.writeUInt16BE(6, 2);
  p.writeUInt32BE(ssrc, 4);
  p.writeUInt32BE(Math.floor(Date.now() / 1000) + 2_208_988_800, 8);
  p.writeUInt32BE((packets * 320) >>> 0, 16);
  p.writeUInt32BE(packets, 20);
  p.writeUInt32BE(packets * 40, 24);
  return p;
}

/** RTCP in an rtcp-mux flow: second byte (M + PT) in 192..223 (RFC 5761 §4). */
const isRtcp = (packet: Buffer): boolean => packet.length >= 8 && packet[1] >= 192 && packet[1] <= 223;

/**
 * The 31-bit SRTCP index of a protected packet: the E-flag word sits before the MKI and the
 * 80-bit tag for AES-CM (RFC 3711 §3.4), after the tag (at the end, before the MKI) for AEAD (RFC 7714 §9.3).
 */
function srtcpIndex(packet: Buffer, aead: boolean, mkiLen: number): number {
  const at = packet.length - mkiLen - 4 - (aead ? 0 : 10);
  return packet.readUInt32BE(at) & 0x7fffffff;
}

function rtp(ssrc: number, seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h[1] = 0;
  h.writeUInt16BE(seq & 0xffff, 2);
  h.writeUInt32BE((seq * 320) >>> 0, 4);
  h.writeUInt32BE(ssrc, 8);
  return Buffer.concat([h, payload]);
}

/** Extended sequence number (RFC 3711 Appendix A style) per SSRC. */
function extend(prev: number, seq: number): number {
  if (prev < 0) return seq;
  const roc = Math.floor(prev / 0x10000);
  const candidates = [roc - 1, roc, roc + 1].map((r) => r * 0x10000 + seq).filter((v) => v >= 0);
  return candidates.reduce((best, v) => (Math.abs(v - prev) < Math.abs(best - prev) ? v : best));
}

describe('HA: a standby takes over calls without reusing an SRTP index', () => {
  let lab: TwoNodeLab;
  let active: ServeNode;
  let standby: ServeNode;
  let peer: LibsrtpPeer;
  let endpoints: NsAgent;
  const calls: LabCall[] = [];
  const sideById = new Map<string, Side>();
  const callOf = new Map<string, LabCall>();
  let killedAt = 0;
  const firstAfter = new Map<string, number>();
  let sending: NodeJS.Timeout | null = null;
  const target = FLOATING;

  beforeAll(async () => {
    assertNamespacesAvailable();
    lab = new TwoNodeLab();
    lab.build();
    await lab.startRedis();
    const range = relayPortRange(400);
    active = new ServeNode(lab, lab.ns.a, 'node-a', 'active');
    standby = new ServeNode(lab, lab.ns.b, 'node-b', 'standby');
    await active.start(range);
    await standby.start(range);
    peer = await LibsrtpPeer.start();
    endpoints = lab.agent(lab.ns.e);
    endpoints.onRx = (id, t, packet) => void receive(id, t, packet).catch(() => undefined);
  });

  afterAll(async () => {
    if (standby?.child?.exitCode !== null && standby?.child?.exitCode !== undefined) console.log(`standby exited ${standby.child.exitCode}:\n${standby.output.slice(-4000)}`);
    if (sending !== null) clearInterval(sending);
    if (endpoints !== undefined) endpoints.onRx = () => undefined;
    active?.kill9();
    standby?.kill9();
    await peer?.close();
    lab?.close();
  });

  async function receive(id: string, t: number, packet: Buffer): Promise<void> {
    const side = sideById.get(id);
    if (side === undefined) return;
    if (isRtcp(packet)) {
      await receiveRtcp(side, t, packet);
      return;
    }
    const r = await peer.packet('unprotectRtp', side.recvSession, packet);
    if (r.rc !== 0) {
      side.failures += 1;
      return;
    }
    side.received += 1;
    side.lastRx = t;
    const counter = Buffer.from(r.packet ?? '', 'hex').readUInt32BE(12);
    if (counter < side.got.length) side.got[counter] = 1;
    const ssrc = packet.readUInt32BE(8);
    const seq = packet.readUInt16BE(2);
    const st = side.indexes.get(ssrc) ?? { ext: -1, before: -1, afterMin: Number.MAX_SAFE_INTEGER };
    st.ext = extend(st.ext, seq);
    if (killedAt === 0 || t < killedAt) {
      st.before = Math.max(st.before, st.ext);
      side.lastBefore = Math.max(side.lastBefore, counter);
    } else {
      st.afterMin = Math.min(st.afterMin, st.ext);
      if (!firstAfter.has(id)) firstAfter.set(id, t);
      if (side.firstAfter < 0 || counter < side.firstAfter) side.firstAfter = counter;
    }
    side.indexes.set(ssrc, st);
  }

  async function receiveRtcp(side: Side, t: number, packet: Buffer): Promise<void> {
    const r = await peer.packet('unprotectRtcp', side.recvSession, packet);
    if (r.rc !== 0) {
      side.rtcp.failures += 1;
      return;
    }
    side.rtcp.received += 1;
    const ssrc = packet.readUInt32BE(4);
    const index = srtcpIndex(packet, side.recvAead, side.recvMkiLen);
    const st = side.rtcp.indexes.get(ssrc) ?? { before: -1, afterMin: Number.MAX_SAFE_INTEGER };
    if (killedAt === 0 || t < killedAt) st.before = Math.max(st.before, index);
    else st.afterMin = Math.min(st.afterMin, index);
    side.rtcp.indexes.set(ssrc, st);
  }

  async function sideOf(callId: string, legId: string): Promise<Side> {
    const id = `${callId}/${legId}`;
    const port = await endpoints.bind(id, ENDPOINT_ADDRESS);
    const side: Side = { id, port, relayPort: 0, sendSession: 0, recvSession: 0, ssrc: randomBytes(4).readUInt32BE(0), seq: randomBytes(2).readUInt16BE(0) & 0x3fff, received: 0, failures: 0, lastRx: 0, indexes: new Map(), keys: [], lastBefore: -1, firstAfter: -1, counter: 0, firstSendAfter: 0, got: new Uint8Array(1 << 16), recvAead: false, recvMkiLen: 0, rtcp: { sent: 0, received: 0, failures: 0, indexes: new Map() } };
    sideById.set(id, side);
    return side;
  }

  async function setUp(i: number): Promise<LabCall> {
    const id = `ha-call-${i}`;
    const kind = i % 4;
    const suite = kind % 2 === 0 ? 'AES_CM_128_HMAC_SHA1_80' : 'AEAD_AES_128_GCM';
    const mode = kind < 2 ? 'sdes' : kind === 2 ? 'managed-call' : 'managed-leg';
    await active.ok('POST', '/v1/calls', { id });
    const sides = [await sideOf(id, 'A'), await sideOf(id, 'B')] as [Side, Side];
    for (const [n, side] of sides.entries()) {
      const legId = n === 0 ? 'A' : 'B';
      const remote = { address: ENDPOINT_ADDRESS, port: side.port };
      let send: PeerKey[];
      let recv: PeerKey[];
      if (mode === 'sdes') {
        const keyLen = 16;
        const saltLen = suite.startsWith('AEAD') ? 12 : 14;
        const own = randomBytes(keyLen + saltLen);
        const leg = await active.ok<{ streams: { crypto: string; local: { rtpPort: number } }[] }>('POST', `/v1/calls/${id}/legs`, {
          id: legId, device: phone(legId), keying: 'sdes',
          streams: [{ kind: 'audio', remote, rtcpMux: true, crypto: [`a=crypto:1 ${suite} inline:${own.toString('base64')}`] }],
        });
        send = [{ key: own.subarray(0, keyLen).toString('hex'), salt: own.subarray(keyLen).toString('hex') }];
        recv = cryptoKeys(leg.streams[0].crypto, suite);
        side.relayPort = leg.streams[0].local.rtpPort;
      } else {
        const leg = await active.ok<{ streams: { local: { rtpPort: number } }[] }>('POST', `/v1/calls/${id}/legs`, {
          id: legId, device: phone(legId), keying: 'managed', keyingScope: mode === 'managed-call' ? 'call' : 'leg', suites: [suite],
          streams: [{ kind: 'audio', remote, rtcpMux: true }],
        });
        side.relayPort = leg.streams[0].local.rtpPort;
        side.keys = [];
        send = [];
        recv = [];
      }
      side.keys = send;
      side.recvAead = suite.startsWith('AEAD');
      side.recvMkiLen = (recv[0]?.mki?.length ?? 0) / 2;
      if (mode === 'sdes') {
        side.sendSession = await peer.create({ profile: suite, direction: 'outbound', keys: send });
        side.recvSession = await peer.create({ profile: suite, direction: 'inbound', keys: recv });
      }
    }
    if (mode !== 'sdes') {
      for (const [n, side] of sides.entries()) {
        const keys = await active.ok<{ streams: { send: string; receive: string; suite: string }[] }>('GET', `/v1/calls/${id}/legs/${n === 0 ? 'A' : 'B'}/keys`);
        const s = keys.streams[0];
        side.keys = cryptoKeys(s.send, s.suite);
        side.sendSession = await peer.create({ profile: s.suite, direction: 'outbound', keys: side.keys });
        const recv = cryptoKeys(s.receive, s.suite);
        side.recvAead = s.suite.startsWith('AEAD');
        side.recvMkiLen = (recv[0]?.mki?.length ?? 0) / 2;
        side.recvSession = await peer.create({ profile: s.suite, direction: 'inbound', keys: recv });
      }
    }
    const security = (await active.ok<{ status: string }>('GET', `/v1/calls/${id}/security`)).status;
    const call: LabCall = { id, mode, suite, sides, security, sent: [0, 0] };
    callOf.set(id, call);
    return call;
  }

  function startMedia(): void {
    let tick = 0;
    sending = setInterval(() => {
      tick += 1;
      for (const call of calls) {
        // A sender report per side every RTCP_EVERY packets, protected by the endpoint (SRTCP).
        if (tick % RTCP_EVERY === 0) {
          for (const side of call.sides) {
            side.rtcp.sent += 1;
            void peer.packet('protectRtcp', side.sendSession, senderReport(side.ssrc, side.counter)).then((r) => {
              if (r.rc === 0 && r.packet !== undefined) endpoints.sendTo(side.id, target, side.relayPort, Buffer.from(r.packet, 'hex'));
            }, () => undefined);
          }
        }
        for (const [n, side] of call.sides.entries()) {
          side.seq += 1;
          side.counter += 1;
          call.sent[n] += 1;
          const payload = randomBytes(40);
          payload.writeUInt32BE(side.counter, 0);
          void peer.packet('protectRtp', side.sendSession, rtp(side.ssrc, side.seq, payload)).then((r) => {
            if (r.rc !== 0 || r.packet === undefined) return;
            if (killedAt !== 0 && side.firstSendAfter === 0) side.firstSendAfter = Date.now();
            endpoints.sendTo(side.id, target, side.relayPort, Buffer.from(r.packet, 'hex'));
          }, () => undefined);
        }
      }
    }, PTIME_MS);
  }

  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  /** A window of sender counters per side: [start, end]. */
  type Window = Map<Side, [number, number]>;
  const counters = (): Window => new Map([...sideById.values()].map((s) => [s, [s.counter + 1, -1]]));
  const closeWindow = (w: Window): void => {
    for (const [s, range] of w) range[1] = s.counter;
  };
  const receiverOf = (s: Side): Side => callOf.get(s.id.split('/')[0])!.sides.find((x) => x !== s)!;
  const missing = (w: Window): number => {
    let n = 0;
    for (const [s, [a, b]] of w) for (let c = a; c <= b; c++) if (receiverOf(s).got[c] !== 1) n += 1;
    return n;
  };
  const sentIn = (w: Window): number => [...w.values()].reduce((n, [a, b]) => n + b - a + 1, 0);
  const totalReceived = (): number => calls.reduce((n, c) => n + c.sides[0].received + c.sides[1].received, 0);
  const totalFailures = (): number => calls.reduce((n, c) => n + c.sides[0].failures + c.sides[1].failures, 0);

  it('takes over 20 calls within 2 s, every packet decrypts, indexes only grow, status unchanged, keys sealed', async () => {
    for (let i = 0; i < CALLS; i++) calls.push(await setUp(i));
    // One more call that carries no media at all (a leg waiting for its peer): media cannot tell
    // the standby to take it; keepalived's notify_master does, with POST /v1/cluster/activate.
    await active.ok('POST', '/v1/calls', { id: SILENT });
    const silentPort = await endpoints.bind(`${SILENT}/A`, ENDPOINT_ADDRESS);
    await active.ok('POST', `/v1/calls/${SILENT}/legs`, { id: 'A', device: phone('A'), keying: 'managed', streams: [{ kind: 'audio', remote: { address: ENDPOINT_ADDRESS, port: silentPort }, rtcpMux: true }] });
    // The standby holds every call (foreign) before anything fails.
    for (let i = 0; i < 100; i++) {
      const st = await standby.ok<{ calls: { foreign: number } }>('GET', '/v1/cluster');
      if (st.calls.foreign === CALLS + 1) break;
      await sleep(100);
    }
    expect((await standby.ok<{ calls: { foreign: number } }>('GET', '/v1/cluster')).calls.foreign).toBe(CALLS + 1);

    startMedia();
    await sleep(3_000);
    const beforeKill = totalReceived();
    console.log(calls.map((c) => `${c.mode}/${c.suite}: sent ${c.sent.join('+')} rx ${c.sides[0].received}+${c.sides[1].received} fail ${c.sides[0].failures}+${c.sides[1].failures}`).join('\n'));
    // Media flows both ways on every call (a recrypted stream's first packets wait for the first
    // index reservation, one Redis round trip: counted in the losses printed at the end).
    for (const side of sideById.values()) expect(side.received).toBeGreaterThan(10);
    expect(beforeKill).toBeGreaterThan(calls.reduce((n, c) => n + c.sent[0] + c.sent[1], 0) * 0.6);

    // kill -9 the active; move the floating address to the standby (keepalived's job).
    await active.kill9AndWait();
    killedAt = Date.now();
    lab.moveFloatingToStandby();
    await sleep(3_000);

    // From the failure (or, when the test's own protect pipeline lagged, from the sender's first
    // packet after it) to the first packet received through the standby, per receiving side.
    const takeover = [...sideById.entries()].map(([id, side]) => {
      const sender = callOf.get(id.split('/')[0])!.sides.find((s) => s !== side)!;
      return (firstAfter.get(id) ?? Number.POSITIVE_INFINITY) - Math.max(killedAt, sender.firstSendAfter);
    });
    console.log(`takeover per receiving side (ms): ${takeover.join(' ')}`);
    const tookOver = [...standby.output.matchAll(/"time":(\d+),[^\n]*"callId":"([^"]+)","why":"(\w+)","msg":"took over call"/g)].map((m) => `${m[2]}:${m[3]}@${Number(m[1]) - killedAt}`);
    console.log(`standby took over: ${tookOver.join(' ')}`);
    const worst = Math.max(...takeover);
    // Every stream flows again through the standby within 2 s.
    expect(worst).toBeLessThan(2_000);
    const cluster = await standby.ok<{ calls: { owned: number; foreign: number } }>('GET', '/v1/cluster');
    expect(cluster.calls).toEqual({ owned: CALLS, foreign: 1 });

    // The silent call is still foreign: activate it explicitly, as keepalived's notify_master would.
    const activateStart = Date.now();
    const activation = await standby.ok<{ activated: string[]; cluster: { calls: { owned: number; foreign: number } } }>('POST', '/v1/cluster/activate', { callIds: [SILENT] });
    const activateMs = Date.now() - activateStart;
    expect(activation.activated).toEqual([SILENT]);
    expect(activation.cluster.calls).toEqual({ owned: CALLS + 1, foreign: 0 });
    const silentRecord = JSON.parse(redisCli(lab.redisSocket, ['HGET', `srtp-relay:call:${SILENT}`, 'record'], true)) as { owner: string };
    expect(silentRecord.owner).toBe('node-b');
    // The log line reaches our pipe from the child asynchronously: wait for it (bounded).
    const tookOverLine = new RegExp(`"callId":"${SILENT}","why":"request","msg":"took over call"`);
    for (const end = Date.now() + 3000; !tookOverLine.test(standby.output) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
    expect(standby.output).toMatch(tookOverLine);
    console.log(`POST /v1/cluster/activate of the silent call: ${activateMs} ms`);
    await standby.ok('DELETE', `/v1/calls/${SILENT}`);

    // SRTCP: every side got sender reports before and after the takeover, all decrypted by
    // libsrtp; per SSRC every SRTCP index after the takeover is above every one before it.
    for (const side of sideById.values()) {
      expect(side.rtcp.indexes.size).toBeGreaterThanOrEqual(1);
      for (const [, st] of side.rtcp.indexes) {
        expect(st.before).toBeGreaterThanOrEqual(0);
        expect(st.afterMin).toBeLessThan(Number.MAX_SAFE_INTEGER);
        expect(st.afterMin).toBeGreaterThan(st.before);
      }
    }

    // No index reuse: per SSRC, every index after the takeover is above every one before it.
    for (const side of sideById.values()) {
      for (const [, st] of side.indexes) {
        expect(st.before).toBeGreaterThanOrEqual(0);
        expect(st.afterMin).toBeGreaterThan(st.before);
      }
    }
    for (const call of calls) expect((await standby.ok<{ status: string }>('GET', `/v1/calls/${call.id}/security`)).status).toBe(call.security);

    // A Redis outage of 10 s, then a Redis restart (empty: the standby writes its calls again): no media lost.
    const outageWindow = counters();
    await lab.stopRedis();
    await sleep(2_000);
    // Loud: /healthz degraded with the reason, the store metric at 0; media goes on.
    const down = await standby.api<{ reasons: string[] }>('GET', '/healthz');
    expect(down.status).toBe(503);
    expect(down.body.reasons).toContain('store_unreachable');
    expect(await metricsText(standby)).toMatch(/srtp_relay_store_up\{kind="redis"\} 0/);
    await sleep(8_000);
    await lab.startRedis();
    closeWindow(outageWindow);
    await sleep(2_000);
    const health = await standby.ok<{ cluster: { store: { connected: boolean } } }>('GET', '/healthz');
    expect(health.cluster.store.connected).toBe(true);
    expect(await metricsText(standby)).toMatch(/srtp_relay_store_up\{kind="redis"\} 1/);
    // The restarted Redis was empty: the standby wrote every call (record and index table) again.
    const keysAfterRestart = redisKeys(lab.redisSocket);
    for (const call of calls) expect(keysAfterRestart).toEqual(expect.arrayContaining([`srtp-relay:call:${call.id}`, `srtp-relay:idx:${call.id}`]));

    // A quick Redis restart (down and up again at once) during calls: no media lost either.
    const restartWindow = counters();
    await lab.stopRedis();
    await lab.startRedis();
    await sleep(2_000);
    closeWindow(restartWindow);
    expect(redisKeys(lab.redisSocket).length).toBe(2 * CALLS);

    if (sending !== null) clearInterval(sending);
    sending = null;
    await sleep(1_500);
    expect(totalFailures()).toBe(0);
    const sides = [...sideById.values()];
    console.log(`SRTCP: sent ${sides.reduce((n, x) => n + x.rtcp.sent, 0)}, received ${sides.reduce((n, x) => n + x.rtcp.received, 0)}, failed ${sides.reduce((n, x) => n + x.rtcp.failures, 0)}; index jump at takeover per SSRC: ${sides.flatMap((x) => [...x.rtcp.indexes.values()].map((st) => st.afterMin - st.before)).join(' ')}`);
    expect(sides.reduce((n, x) => n + x.rtcp.failures, 0)).toBe(0);
    // No media lost while Redis was out for 10 s, nor across the quick restart: every packet
    // the endpoints sent in those windows arrived and decrypted.
    const outageLost = missing(outageWindow);
    const restartLost = missing(restartWindow);
    console.log(`lost in the 10 s Redis outage: ${outageLost} of ${sentIn(outageWindow)}; across the Redis restart: ${restartLost} of ${sentIn(restartWindow)}`);
    expect(outageLost).toBe(0);
    expect(restartLost).toBe(0);

    // The Redis contents: no key or salt in any encoding; the positive control finds one.
    const dump = redisDump(lab.redisSocket);
    expect(dump.length).toBeGreaterThan(0);
    const secrets = [...sideById.values()].flatMap((s) => s.keys);
    expect(secrets.length).toBeGreaterThan(0);
    for (const k of secrets) expect(findSecret(dump, k)).toBeNull();
    expect(findSecret(Buffer.concat([dump, Buffer.from(Buffer.from(secrets[0].key + secrets[0].salt, 'hex').toString('base64'))]), secrets[0])).toBe('base64');

    // Calls end on the standby: ports back in the pool, keys gone from Redis.
    const portsBefore = (await standby.ok<{ portsAvailable: number }>('GET', '/healthz')).portsAvailable;
    for (const call of calls) await standby.ok('DELETE', `/v1/calls/${call.id}`);
    const healthAfter = await standby.ok<{ portsAvailable: number; calls: number }>('GET', '/healthz');
    expect(healthAfter.calls).toBe(0);
    expect(healthAfter.portsAvailable).toBeGreaterThan(portsBefore);
    await sleep(300);
    expect(redisKeys(lab.redisSocket)).toEqual([]);

    const lost = calls.map((c) => c.sent[0] + c.sent[1] - c.sides[0].received - c.sides[1].received);
    // Lost across the failover: per direction, the sender counters between the last packet received before the kill and the first after.
    const failoverLost = calls.map((c) => c.sides.reduce((n, s) => n + (s.firstAfter - s.lastBefore - 1), 0));
    const stat = (xs: number[]): string => `min ${Math.min(...xs)} max ${Math.max(...xs)} mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)}`;
    console.log(`HA failover: takeover ${Math.min(...takeover)}..${worst} ms after kill -9 (median ${takeover.sort((a, b) => a - b)[Math.floor(takeover.length / 2)]} ms, ${PTIME_MS} ms packets); packets lost per call across the failover (both directions): ${stat(failoverLost)}; over the whole run (call start, failover, Redis outage and restart): ${stat(lost)}`);
  });
});

async function metricsText(node: ServeNode): Promise<string> {
  const r = await node.api<unknown>('GET', '/metrics');
  return typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
}

function redisCli(socket: string, args: string[], raw = false): string {
  const r = spawnSync('redis-cli', ['-s', socket, raw ? '--raw' : '--no-raw', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function redisKeys(socket: string): string[] {
  return redisCli(socket, ['--scan'], true).split('\n').filter((l) => l !== '');
}

/** Every key's name and DUMP serialization (values, raw bytes) and its readable form. */
function redisDump(socket: string): Buffer {
  const parts: Buffer[] = [];
  for (const key of redisKeys(socket)) {
    parts.push(Buffer.from(key));
    const dump = spawnSync('redis-cli', ['-s', socket, '--raw', 'DUMP', key]);
    parts.push(dump.stdout);
    parts.push(Buffer.from(redisCli(socket, ['HGETALL', key])), Buffer.from(redisCli(socket, ['HGETALL', key], true)));
  }
  return Buffer.concat(parts);
}

/** Where a key or its salt appears: raw bytes, hex (either case), base64 (padded or not, url-safe). */
function findSecret(haystack: Buffer, k: PeerKey): string | null {
  const text = haystack.toString('latin1');
  for (const hex of [k.key, k.salt, k.key + k.salt]) {
    const raw = Buffer.from(hex, 'hex');
    if (haystack.includes(raw)) return 'raw';
    if (text.toLowerCase().includes(hex.toLowerCase())) return 'hex';
    const b64 = raw.toString('base64');
    for (const form of [b64, b64.replace(/=+$/, ''), raw.toString('base64url')]) if (text.includes(form.slice(0, Math.max(16, form.length - 4)))) return 'base64';
  }
  return null;
}

/**
 * Does the relay authenticate what it forwards? One extra call per SRTP mode, before the ramp:
 * endpoint A sends 20 packets with valid RTP headers and random tags (forgeries), then one
 * authentic SRTP packet 10 times (replays). Endpoint B counts what the relay lets through.
 * A verifying relay forwards 0 forgeries and 1 of the 10 copies (or 0 of them, re-protected,
 * when it re-keys, then still 1). This is what makes "passthrough" more or less work.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { SrtpStatus } from '../../srtp';
import type { ModeSpec } from './bench-modes';
import type { RelayUnderTest } from './relay-under-test';
import { sdesContext } from './sdes-key';

export interface ForgeryResult {
  readonly forgedSent: number;
  readonly forgedForwarded: number;
  readonly replaysSent: number;
  readonly replaysForwarded: number;
}

const FORGED = 20;
const COPIES = 10;
/** Far from the ramp's call indexes. */
const PROBE_CALL_INDEX = 1_000_000;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function bound(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  return s;
}

function rtp(seq: number, ssrc: number, fill: Buffer): Buffer {
  const p = Buffer.alloc(172);
  fill.copy(p, 12, 0, 160);
  p[0] = 0x80;
  p.writeUInt16BE(seq, 2);
  p.writeUInt32BE(seq * 160, 4);
  p.writeUInt32BE(ssrc, 8);
  return p;
}

export async function probeForgery(relay: RelayUnderTest, spec: ModeSpec): Promise<ForgeryResult | null> {
  if (spec.suiteA === null) return null;
  const a = await bound();
  const b = await bound();
  let arrived = 0;
  b.on('message', () => {
    arrived += 1;
  });
  try {
    const [cfg] = await relay.addCalls(PROBE_CALL_INDEX, [{ a: a.address().port, b: b.address().port }], spec);
    const send = (p: Buffer): void => a.send(p, cfg.a.relayPort, cfg.a.relayAddress);
    if (cfg.a.send === null) return null;
    const ctx = sdesContext(cfg.a.send);
    const ssrc = 0x0f0f0f0f;
    try {
      // One authentic packet first, so a relay that learns or latches has seen the stream.
      ctx.protectRtp(rtp(1000, ssrc, randomBytes(160)));
      send(Buffer.from(ctx.output.subarray(0, ctx.outputLength)));
      await sleep(100);
      const before = arrived;
      for (let i = 0; i < FORGED; i++) {
        const p = Buffer.concat([rtp(1001 + i, ssrc, randomBytes(160)), randomBytes(10)]); // random payload and tag
        send(p);
      }
      await sleep(200);
      const forgedForwarded = arrived - before;
      const st = ctx.protectRtp(rtp(1100, ssrc, randomBytes(160)));
      if (st !== SrtpStatus.Ok) throw new Error('probe could not protect its own packet');
      const authentic = Buffer.from(ctx.output.subarray(0, ctx.outputLength));
      const mid = arrived;
      for (let i = 0; i < COPIES; i++) send(authentic);
      await sleep(200);
      return { forgedSent: FORGED, forgedForwarded, replaysSent: COPIES, replaysForwarded: arrived - mid };
    } finally {
      ctx.close();
    }
  } finally {
    a.close();
    b.close();
  }
}

/**
 * Differential runs of our SrtpContext against libsrtp (through LibsrtpPeer): both sides protect
 * the same packets (outputs must be byte-equal), then each side's receiver gets the other
 * side's packets in the same hostile network order (reordered, lost, delayed past the replay
 * window, duplicated, tampered, truncated) and must reach the same verdict, and the same
 * plaintext when it accepts.
 */
import type { SrtpContext } from '../../src/srtp';
import { engineVerdict, libsrtpVerdict, runEngine, type Op } from './engine-adapter';
import type { LibsrtpPeer } from './libsrtp-peer';
import { buildRtcp, buildRtp, hex, Prng, randomRtpShape } from './packet-generator';

export interface Plain {
  plain: Buffer;
  /** Key used to protect (MKI contexts). */
  mkiIndex?: number;
  /** Probe packets are delivered in order and held back as the probe asks, never shuffled. */
  probe?: boolean;
}

export interface Sent extends Plain {
  /** Our protected packet (what libsrtp's receiver gets). */
  ours: Buffer;
  /** libsrtp's protected packet (what our receiver gets). */
  theirs: Buffer;
}

export interface Delivery {
  label: string;
  toOurs: Buffer;
  toLibsrtp: Buffer;
  plain: Buffer;
  /** Malformed input: any rejection by both agrees (see `deliverBoth`). */
  lenient: boolean;
}

export interface RunLog {
  seed: number;
  scenario: string;
  mismatches: string[];
  protected: number;
  delivered: number;
  verdicts: Record<string, number>;
}

export function newLog(seed: number, scenario: string): RunLog {
  return { seed, scenario, mismatches: [], protected: 0, delivered: 0, verdicts: {} };
}

function note(log: RunLog, msg: string): void {
  if (log.mismatches.length < 20) log.mismatches.push(`[seed ${log.seed}] ${log.scenario}: ${msg}`);
  else if (log.mismatches.length === 20) log.mismatches.push('... more mismatches omitted');
}

/** Protect every packet with both senders; the outputs must be byte-equal. */
export async function protectBoth(
  log: RunLog, kind: 'rtp' | 'rtcp', plains: readonly Plain[], ourTx: SrtpContext, peer: LibsrtpPeer, libTx: number,
): Promise<Sent[]> {
  const op: Op = kind === 'rtp' ? 'protectRtp' : 'protectRtcp';
  const hasMki = plains.some((p) => p.mkiIndex !== undefined);
  const theirsP = peer.many(op, libTx, plains.map((p) => p.plain), hasMki ? plains.map((p) => p.mkiIndex ?? 0) : undefined);
  const ours = plains.map((p) => {
    if (p.mkiIndex !== undefined) ourTx.setActiveKey(p.mkiIndex);
    return runEngine(ourTx, op, p.plain);
  });
  const theirs = await theirsP;
  const sent: Sent[] = [];
  plains.forEach((p, i) => {
    const o = ours[i];
    const t = theirs[i];
    if (o === undefined || t === undefined) throw new Error('lost a result');
    log.protected++;
    const tHex = t.packet ?? '';
    if (engineVerdict(o.status) !== libsrtpVerdict(t.rc) || (o.packet !== undefined && hex(o.packet) !== tHex)) {
      note(log, `${op} #${i} mki=${String(p.mkiIndex)} plain=${hex(p.plain)}\n  ours   (${engineVerdict(o.status)}) ${hex(o.packet)}\n  libsrtp(${t.status}) ${tHex || '(none)'}`);
    }
    sent.push({ ...p, ours: o.packet ?? Buffer.from(tHex, 'hex'), theirs: t.packet !== undefined ? Buffer.from(t.packet, 'hex') : (o.packet ?? Buffer.alloc(0)) });
  });
  return sent;
}

/** Byte ranges of a protected packet that a tamper may hit. */
export interface Layout {
  /** Header bytes (12 for RTP; 8 for RTCP). */
  header: number;
  /** Bytes at the end: tag (+ MKI) (+ SRTCP E|index). */
  trailer: number;
  tag: number;
}

function flipBit(rng: Prng, b: Buffer, from: number, to: number): { packet: Buffer; at: number; bit: number } {
  const c = Buffer.from(b);
  const at = rng.int(from, to - 1);
  const bit = rng.int(0, 7);
  c[at] = (c[at] as number) ^ (1 << bit);
  return { packet: c, at, bit };
}

/** RTP header length including CSRCs and the header extension (RFC 3550 §5.1, §5.3.1). */
function rtpHeaderLength(p: Buffer): number {
  let n = 12 + 4 * ((p[0] as number) & 0x0f);
  if (((p[0] as number) & 0x10) !== 0 && p.length >= n + 4) n += 4 + 4 * p.readUInt16BE(n + 2);
  return Math.min(n, p.length);
}

/**
 * Flip one bit in one region. `lenient` marks the flips where the two implementations may
 * legitimately reject for different reasons: header bits (we check the RTP header's structure
 * first, libsrtp checks replay first and never looks at the version), the MKI (we look the key
 * up before the replay check, libsrtp after it) and the SRTCP E flag (libsrtp refuses an E flag
 * that contradicts its policy with cant_check before the tag; we fail the tag, which covers it).
 */
function tamper(rng: Prng, s: Sent, layout: Layout): { label: string; ours: Buffer; theirs: Buffer; lenient: boolean } {
  const len = s.ours.length;
  const rtp = layout.header === 12;
  const header = rtp ? rtpHeaderLength(s.plain) : layout.header;
  const regions: Array<['header' | 'payload' | 'trailer' | 'tag', number, number]> = [['header', 0, header]];
  if (layout.tag > 0) regions.push(['tag', len - layout.tag, len]);
  if (len - layout.trailer > header) regions.push(['payload', header, len - layout.trailer]);
  if (layout.trailer > layout.tag) regions.push(['trailer', len - layout.trailer, len - layout.tag]);
  const [name, from, to] = rng.pick(regions);
  // Same bit in both copies: they are byte-equal unless protect already mismatched.
  const state = rng.u32();
  const a = flipBit(new Prng(state), s.ours, from, to);
  const b = flipBit(new Prng(state), s.theirs, from, to);
  const eFlag = !rtp && name === 'trailer' && a.at === from && a.bit === 7;
  const mki = name === 'trailer' && !eFlag && (rtp || a.at >= from + 4);
  return { label: `tampered-${name}${eFlag ? '-E' : ''}`, ours: a.packet, theirs: b.packet, lenient: name === 'header' || eFlag || mki };
}

function truncate(rng: Prng, s: Sent, layout: Layout): { label: string; ours: Buffer; theirs: Buffer } {
  const len = s.ours.length;
  const cut = rng.pick([1, 2, layout.tag - 1, layout.tag, layout.tag + 1, layout.trailer + 1, rng.int(1, Math.max(1, len))]);
  const keep = Math.max(0, len - Math.max(1, cut));
  return { label: `truncated-${len}->${keep}`, ours: s.ours.subarray(0, keep), theirs: s.theirs.subarray(0, keep) };
}

export interface NetworkOptions {
  reorder?: number;
  drop?: number;
  delay?: number;
  duplicate?: number;
  tamper?: number;
  truncate?: number;
  /** Extra deliveries for the probe packets, as offsets from the last probe packet. */
  probeHoldBack?: number[];
  /**
   * UNAUTHENTICATED_SRTP: a packet whose index both receivers misestimate (a duplicate from more
   * than 2^15 back) is accepted as garbage by both; then equal outputs are enough.
   */
  unauthenticated?: boolean;
}

/**
 * A hostile network: receivers get packets reordered, lost, delayed (some past the replay
 * window), duplicated, and tampered or truncated copies (always before the genuine packet, so
 * a state change caused by a forged packet would show up as a later disagreement).
 */
export function network(rng: Prng, sent: readonly Sent[], layout: Layout, o: NetworkOptions): Delivery[] {
  const normal = sent.filter((s) => s.probe !== true);
  const probe = sent.filter((s) => s.probe === true);
  const order: Sent[] = [];
  for (const s of normal) if (!rng.chance(o.drop ?? 0.02)) order.push(s);
  for (let i = 0; i < order.length; i++) {
    if (rng.chance(o.reorder ?? 0.08)) {
      const j = Math.min(order.length - 1, i + rng.int(1, 6));
      [order[i], order[j]] = [order[j] as Sent, order[i] as Sent];
    }
  }
  for (let i = 0; i < order.length; i++) {
    if (rng.chance(o.delay ?? 0.01)) {
      const [s] = order.splice(i, 1);
      order.splice(Math.min(order.length, i + rng.int(60, 320)), 0, s as Sent);
    }
  }
  const out: Delivery[] = [];
  const genuine = (s: Sent, label: string): Delivery => ({ label, toOurs: s.theirs, toLibsrtp: s.ours, plain: s.plain, lenient: false });
  for (const s of order) {
    if (rng.chance(o.tamper ?? 0.05)) {
      const t = tamper(rng, s, layout);
      out.push({ label: t.label, toOurs: t.theirs, toLibsrtp: t.ours, plain: s.plain, lenient: t.lenient });
    }
    if (rng.chance(o.truncate ?? 0.01)) {
      const t = truncate(rng, s, layout);
      out.push({ label: t.label, toOurs: t.theirs, toLibsrtp: t.ours, plain: s.plain, lenient: true });
    }
    out.push(genuine(s, 'genuine'));
    if (out.length > 2 && rng.chance(o.duplicate ?? 0.03)) {
      const back = out[Math.max(0, out.length - 1 - rng.int(1, 400))] as Delivery;
      // A replay of anything but a genuine packet may be refused for other reasons first.
      out.push({ ...back, label: `duplicate-of-${back.label}`, lenient: back.lenient || back.label !== 'genuine' });
    }
  }
  if (probe.length > 0) {
    const held = new Set((o.probeHoldBack ?? []).map((k) => probe.length - 1 - k));
    probe.forEach((s, i) => { if (!held.has(i)) out.push(genuine(s, 'probe')); });
    for (const k of o.probeHoldBack ?? []) {
      const s = probe[probe.length - 1 - k];
      if (s !== undefined) out.push(genuine(s, `probe-last-minus-${k}`));
    }
    for (const k of [...(o.probeHoldBack ?? []), 0]) {
      const s = probe[probe.length - 1 - k];
      if (s !== undefined) out.push(genuine(s, `probe-replay-last-minus-${k}`));
    }
  }
  return out;
}

/** Deliver to both receivers; verdicts must agree, and accepted packets decrypt to the plaintext. */
export async function deliverBoth(
  log: RunLog, kind: 'rtp' | 'rtcp', deliveries: readonly Delivery[], ourRx: SrtpContext, peer: LibsrtpPeer, libRx: number,
  unauthenticated = false,
): Promise<void> {
  const op: Op = kind === 'rtp' ? 'unprotectRtp' : 'unprotectRtcp';
  const theirsP = peer.many(op, libRx, deliveries.map((d) => d.toLibsrtp));
  const ours = deliveries.map((d) => runEngine(ourRx, op, d.toOurs));
  const theirs = await theirsP;
  deliveries.forEach((d, i) => {
    const o = ours[i];
    const t = theirs[i];
    if (o === undefined || t === undefined) throw new Error('lost a result');
    log.delivered++;
    const ov = engineVerdict(o.status);
    const tv = libsrtpVerdict(t.rc);
    const key = `${d.label.replace(/-\d+->\d+$/, '').replace(/last-minus-\d+/, 'N')}:${ov}`;
    log.verdicts[key] = (log.verdicts[key] ?? 0) + 1;
    // Malformed input (see `tamper`, `truncate`) only has to be rejected by both: libsrtp says
    // bad_param / parse_err / cant_check / cipher_fail, no_ctx when a flip changed the SSRC under
    // a specific-SSRC policy, bad_mki when truncation moved the MKI; we may say auth_failed.
    // Our SRTCP E-flag policy check (PolicyMismatch) runs before the tag; libsrtp's AEAD path has
    // none, so a flipped E bit there fails its tag instead: both reject.
    const policyFirst = ov === 'other:policy_mismatch' && tv !== 'ok';
    // We look the MKI up before the replay check, libsrtp after it: a flip that lands in an
    // AEAD packet's trailing MKI is "unknown MKI" to us and may be replay_old to libsrtp.
    const mkiFirst = ov === 'mki' && tv !== 'ok';
    const rejectAlike = (d.lenient && ov !== 'ok' && tv !== 'ok') || policyFirst || mkiFirst;
    if (ov !== tv && !rejectAlike) {
      note(log, `${op} delivery #${i} (${d.label}): ours=${ov} libsrtp=${tv}(${t.status})\n  to ours:    ${hex(d.toOurs)}\n  to libsrtp: ${hex(d.toLibsrtp)}\n  plain:      ${hex(d.plain)}`);
      return;
    }
    if (ov === 'ok' && unauthenticated && hex(o.packet) === t.packet) return;
    if (ov === 'ok' && !d.lenient && !d.label.includes('tampered')) {
      if (hex(o.packet) !== hex(d.plain)) note(log, `${op} delivery #${i} (${d.label}): our plaintext ${hex(o.packet)} != ${hex(d.plain)}`);
      if (t.packet !== hex(d.plain)) note(log, `${op} delivery #${i} (${d.label}): libsrtp plaintext ${String(t.packet)} != ${hex(d.plain)}`);
    }
  });
}

export interface StreamPlan {
  ssrcs: number;
  packets: number;
  /** Probe stream length (contiguous sequence numbers, appended after the others). */
  probe: number;
  /** Pick the key (MKI index) for each packet. */
  mkiIndex?: (rng: Prng) => number | undefined;
}

/**
 * RTP send order: several SSRCs interleaved; each stream moves forward with loss bursts and rare
 * large jumps (under 2^15, so ROC estimation stays unambiguous), one stream starts just below
 * the 16-bit wrap and jumps make others roll over too, so ROCs change along the way.
 */
export function rtpPlan(rng: Prng, plan: StreamPlan): Plain[] {
  const streams = Array.from({ length: plan.ssrcs }, (_, i) => ({
    ssrc: rng.u32(),
    seq: i === 0 ? 0x10000 - rng.int(30, 400) : rng.int(0, 0xffff),
    ts: rng.u32(),
  }));
  const out: Plain[] = [];
  for (let n = 0; n < plan.packets; n++) {
    const st = rng.pick(streams);
    if (rng.chance(0.04)) st.seq += rng.int(2, 40);
    else if (rng.chance(0.004)) st.seq += rng.int(5000, 30000);
    else st.seq += 1;
    st.ts = (st.ts + rng.int(0, 3000)) >>> 0;
    const plain = buildRtp(rng, randomRtpShape(rng, st.ssrc, st.seq & 0xffff, st.ts));
    out.push({ plain, mkiIndex: plan.mkiIndex?.(rng) });
  }
  const probe = { ssrc: rng.u32(), seq: rng.int(0, 0xffff), ts: rng.u32() };
  for (let n = 0; n < plan.probe; n++) {
    probe.seq += 1;
    const plain = buildRtp(rng, randomRtpShape(rng, probe.ssrc, probe.seq & 0xffff, probe.ts));
    out.push({ plain, mkiIndex: plan.mkiIndex?.(rng), probe: true });
  }
  return out;
}

/** RTCP send order: SR, RR and compound packets from a few SSRCs, then a probe stream. */
export function rtcpPlan(rng: Prng, plan: StreamPlan): Plain[] {
  const ssrcs = Array.from({ length: plan.ssrcs }, () => rng.u32());
  const out: Plain[] = [];
  for (let n = 0; n < plan.packets; n++) out.push({ plain: buildRtcp(rng, rng.pick(ssrcs)).packet, mkiIndex: plan.mkiIndex?.(rng) });
  const probe = rng.u32();
  for (let n = 0; n < plan.probe; n++) out.push({ plain: buildRtcp(rng, probe).packet, mkiIndex: plan.mkiIndex?.(rng), probe: true });
  return out;
}

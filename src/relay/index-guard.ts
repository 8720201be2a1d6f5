/**
 * SRTP index reservations of one leg, in the media worker (docs/ha.md). With an HA store, the
 * relay never protects a packet whose index (RFC 3711 §3.3.1; SRTCP §3.4) the control plane has
 * not first persisted a reservation for: per outbound SSRC a limit, raised a block at a time.
 * The packet path never waits for I/O: it asks for the next block when half of the current one
 * is used, and a packet beyond the confirmed limit is dropped (counted), never protected, so a
 * standby that starts above the last reserved block can never repeat a (key, SSRC, index)
 * (RFC 3711 §9.1; RFC 7714 §8 — a repeated GCM nonce reveals the authentication key).
 *
 * It also reports inbound checkpoints (the highest accepted index every half block), from which
 * a standby restarts its replay windows and ROCs, and, after a takeover, shifts the sequence
 * numbers of recrypted RTP so that the first index protected is just above the old reservation.
 *
 * Fixed-size typed arrays per direction (MAX_TRACKED_SSRCS): a lookup is a short scan, and
 * the per-packet calls allocate nothing; only the rare callbacks (a request, a checkpoint) do.
 */
/** Default reservation block: 2^12 packets per SSRC (~80 s of 20 ms audio). */
export const DEFAULT_INDEX_BLOCK = 4096;

/** SSRCs per direction and protocol a leg reserves for (as media-leg.ts MAX_TRACKED_SSRCS); others are dropped. */
const SLOTS = 16;
const SEQ_MOD = 0x10000;

/** One table of SSRC slots (outbound RTP, outbound RTCP, inbound RTP, inbound RTCP). */
class SlotTable {
  readonly ssrc = new Uint32Array(SLOTS);
  /** Outbound: reserved limit (-1 none). Inbound: last checkpoint reported (-1 none). */
  readonly value = new Float64Array(SLOTS).fill(-1);
  /** Outbound: limit asked for and not granted yet (-1 none). */
  readonly asked = new Float64Array(SLOTS).fill(-1);
  /** Outbound RTP after a takeover: the floor the shift starts above (-1 none) and the shift. */
  readonly floor = new Float64Array(SLOTS).fill(-1);
  readonly shift = new Int32Array(SLOTS).fill(-1);
  count = 0;

  /** Slot of `ssrc`, created when `create`; -1 when absent or the table is full. */
  find(ssrc: number, create: boolean): number {
    const list = this.ssrc;
    const n = this.count;
    for (let i = 0; i < n; i++) if (list[i] === ssrc) return i;
    if (!create || n >= SLOTS) return -1;
    list[n] = ssrc;
    this.count = n + 1;
    return n;
  }
}

export type ReserveListener = (ssrc: number, rtcp: boolean, upTo: number) => void;
export type CheckpointListener = (ssrc: number, rtcp: boolean, index: number) => void;

/** What the guard asks of the outbound context (SrtpContext.peekProtectIndex). */
export interface IndexPeek {
  peekProtectIndex(ssrc: number, seq: number, rtcp: boolean): number;
}

export class IndexGuard {
  private readonly outRtp = new SlotTable();
  private readonly outRtcp = new SlotTable();
  private readonly inRtp = new SlotTable();
  private readonly inRtcp = new SlotTable();

  constructor(
    readonly block: number,
    private readonly onReserve: ReserveListener,
    private readonly onCheckpoint: CheckpointListener,
  ) {}

  /**
   * May the relay protect this packet now? Applies a takeover's sequence shift to the packet
   * (in place: it is the relay's own buffer) first. False: drop it (no confirmed reservation
   * covers its index; one has been asked for).
   */
  allowProtect(ctx: IndexPeek, packet: Buffer, rtcp: boolean): boolean {
    const table = rtcp ? this.outRtcp : this.outRtp;
    const ssrc = rtcp ? packet.readUInt32BE(4) : packet.readUInt32BE(8);
    const i = table.find(ssrc, true);
    if (i < 0) return false;
    const limit = table.value[i] as number;
    let seq = rtcp ? 0 : packet.readUInt16BE(2);
    if (!rtcp && table.floor[i] >= 0) {
      // After a takeover (docs/ha.md): once a reservation above the old one is confirmed, the
      // first packet's sequence number moves to just above the floor and every later one by
      // the same amount, so the receiver sees a forward jump, never an index it has seen.
      if (limit < 0) {
        this.ask(table, i, ssrc, rtcp, (table.floor[i] as number) + 1, (table.floor[i] as number) + this.block);
        return false;
      }
      if (table.shift[i] < 0) table.shift[i] = ((((table.floor[i] as number) + 1) % SEQ_MOD) - seq + SEQ_MOD) % SEQ_MOD;
      seq = (seq + (table.shift[i] as number)) % SEQ_MOD;
      packet.writeUInt16BE(seq, 2);
    }
    const index = ctx.peekProtectIndex(ssrc, seq, rtcp);
    if (index < 0) return true; // past the last ROC: the context refuses it itself
    if (index > limit) {
      this.ask(table, i, ssrc, rtcp, index, index + this.block);
      return false;
    }
    if (index > limit - this.block / 2) this.ask(table, i, ssrc, rtcp, limit + 1, limit + this.block);
    return true;
  }

  /** An inbound packet authenticated and `highest` is now its stream's top index. */
  noteInbound(ssrc: number, rtcp: boolean, highest: number): void {
    const table = rtcp ? this.inRtcp : this.inRtp;
    const i = table.find(ssrc, true);
    if (i < 0) return;
    const last = table.value[i] as number;
    if (last >= 0 && highest < last + this.block / 2) return;
    table.value[i] = highest;
    this.onCheckpoint(ssrc, rtcp, highest);
  }

  /** The control plane persisted a reservation: protect up to `upTo`. Only raises. */
  grant(ssrc: number, rtcp: boolean, upTo: number): void {
    const table = rtcp ? this.outRtcp : this.outRtp;
    const i = table.find(ssrc, true);
    if (i < 0) return;
    if (upTo > (table.value[i] as number)) table.value[i] = upTo;
    if ((table.asked[i] as number) <= upTo) table.asked[i] = -1;
  }

  /**
   * Takeover (a standby restored this leg): an outbound stream continues above `floor` — the
   * old node's reserved limit — once a new reservation above it is confirmed. Only raises; a
   * stream that already protected here keeps its shift.
   */
  resumeOutbound(ssrc: number, rtcp: boolean, floor: number): void {
    const table = rtcp ? this.outRtcp : this.outRtp;
    const i = table.find(ssrc, true);
    if (i < 0) return;
    if (floor > (table.floor[i] as number) && table.shift[i] < 0) table.floor[i] = floor;
  }

  /** Inbound checkpoints restored from the store count as reported. */
  resumeInbound(ssrc: number, rtcp: boolean, index: number): void {
    const table = rtcp ? this.inRtcp : this.inRtp;
    const i = table.find(ssrc, true);
    if (i >= 0 && index > (table.value[i] as number)) table.value[i] = index;
  }

  /** Ask for a limit of `upTo` unless a request still outstanding already covers index `need`. */
  private ask(table: SlotTable, i: number, ssrc: number, rtcp: boolean, need: number, upTo: number): void {
    if ((table.asked[i] as number) >= need) return;
    table.asked[i] = upTo;
    this.onReserve(ssrc, rtcp, upTo);
  }
}

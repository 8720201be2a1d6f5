/** Per-SSRC state of one direction of a context (RFC 3711 §3.2.3 cryptographic context). */
import { KeystreamAhead } from './keystream-ahead';
import { ReplayWindow } from './replay-window';
import { RolloverState } from './rollover-counter';
import type { SrtpCipher } from './srtp-cipher';
import type { WordViews } from './word-xor';

export class StreamState {
  readonly ssrc: number;
  /** SRTP only: ROC and highest sequence number. */
  readonly rollover: RolloverState;
  readonly replay: ReplayWindow;
  /** SRTCP sender only: last SRTCP index used (RFC 3711 §3.4; libsrtp's first packet is 1). */
  srtcpIndex = 0;
  /** Key derivation rate != 0: cipher derived for (keyIndex, r), cached here. */
  kdrCipher: SrtpCipher | null = null;
  kdrKeyIndex = -1;
  kdrR = -1;
  /** AES keystream for the next indexes of this stream. */
  ahead: KeystreamAhead;

  /** `aheadBytes`: keystream computed ahead per refill, SRTP_AHEAD_BYTES or SRTCP_AHEAD_BYTES. */
  constructor(ssrc: number, roc: number, windowSize: number, views: WordViews, aheadBytes: number) {
    this.ssrc = ssrc;
    this.rollover = new RolloverState(roc);
    this.replay = new ReplayWindow(windowSize);
    this.ahead = new KeystreamAhead(views, aheadBytes);
  }

  /**
   * A new stream for the scratch state's SSRC, once that SSRC's first packet authenticated:
   * it takes the scratch's derived cipher and computed keystream, so no work is repeated.
   */
  static promote(scratch: StreamState, windowSize: number, views: WordViews, aheadBytes: number): StreamState {
    const state = new StreamState(scratch.ssrc, scratch.rollover.roc, windowSize, views, aheadBytes);
    state.kdrCipher = scratch.kdrCipher;
    state.kdrKeyIndex = scratch.kdrKeyIndex;
    state.kdrR = scratch.kdrR;
    scratch.kdrCipher = null;
    const ahead = state.ahead;
    state.ahead = scratch.ahead;
    scratch.ahead = ahead;
    return state;
  }

  /** Become a fresh stream for `ssrc` (used for the scratch state of unknown SSRCs). */
  resetTo(ssrc: number, roc: number): void {
    (this as { ssrc: number }).ssrc = ssrc;
    this.rollover.set(roc);
    this.replay.reset();
    this.srtcpIndex = 0;
    this.ahead.reset();
  }

  wipe(): void {
    this.ahead.wipe();
    this.kdrCipher?.wipe();
    this.kdrCipher = null;
  }
}

/** Wipe every stream of a per-SSRC map (a transform's inbound or outbound streams), if it was made. */
export function wipeStreams(map: Map<number, StreamState> | null): void {
  if (map === null) return;
  for (const st of map.values()) st.wipe();
  map.clear();
}

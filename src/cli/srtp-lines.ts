/**
 * The line protocol behind `srtp-relay srtp protect|unprotect`: one packet as hex per input
 * line, one result per output line (hex, or `error CODE`). State (ROC, replay window, SRTCP
 * index) carries across lines, as it would on the wire.
 */
import { readUint32 } from '../rtp/rtp-header';
import { SrtpContext, SrtpStatus, srtpStatusName, type SrtpContextOptions } from '../srtp';

export type SrtpLineOperation = 'protect' | 'unprotect';

export interface SrtpLineOptions {
  readonly operation: SrtpLineOperation;
  readonly rtcp: boolean;
  /** ROC given to every SSRC when it is first seen (late joiner, RFC 3711 §3.3.1). */
  readonly roc?: number;
  readonly context: SrtpContextOptions;
}

export class SrtpLineProcessor {
  private readonly ctx: SrtpContext;
  private readonly options: SrtpLineOptions;
  private readonly seen = new Set<number>();

  constructor(options: SrtpLineOptions) {
    this.options = options;
    this.ctx = new SrtpContext(options.context);
  }

  /** Result line for one input line, or null for a blank line. */
  process(line: string): string | null {
    const text = line.trim();
    if (text === '') return null;
    if (!/^([0-9a-fA-F]{2})+$/.test(text)) return `error ${srtpStatusName(SrtpStatus.Malformed)}`;
    const packet = Buffer.from(text, 'hex');
    const { operation, rtcp, roc } = this.options;
    if (!rtcp && roc !== undefined && packet.length >= 12) {
      const ssrc = readUint32(packet, 8);
      if (!this.seen.has(ssrc)) {
        this.seen.add(ssrc);
        this.ctx.setRoc(ssrc, roc, operation === 'protect' ? 'outbound' : 'inbound');
      }
    }
    let status: SrtpStatus;
    if (operation === 'protect') status = rtcp ? this.ctx.protectRtcp(packet) : this.ctx.protectRtp(packet);
    else status = rtcp ? this.ctx.unprotectRtcp(packet) : this.ctx.unprotectRtp(packet);
    if (status !== SrtpStatus.Ok) return `error ${srtpStatusName(status)}`;
    return Buffer.from(this.ctx.output.buffer, this.ctx.output.byteOffset, this.ctx.outputLength).toString('hex');
  }

  close(): void {
    this.ctx.close();
  }
}

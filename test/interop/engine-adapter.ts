/**
 * Thin adapter over our SrtpContext for the interop tests: one call per packet returning the
 * status and a copy of the output, plus the verdict categories both implementations map to.
 */
import { SrtpContext, SrtpStatus, srtpStatusName, type SrtpContextOptions } from '../../src/srtp';
import { LIBSRTP } from './libsrtp-peer';

export type Op = 'protectRtp' | 'unprotectRtp' | 'protectRtcp' | 'unprotectRtcp';

export interface EngineResult {
  status: SrtpStatus;
  packet?: Buffer;
}

export function runEngine(ctx: SrtpContext, op: Op, packet: Uint8Array): EngineResult {
  const status = ctx[op](packet);
  if (status !== SrtpStatus.Ok) return { status };
  return { status, packet: Buffer.from(ctx.output.subarray(0, ctx.outputLength)) };
}

export function newContext(options: SrtpContextOptions): SrtpContext {
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (v !== undefined) clean[k] = v;
  return new SrtpContext(clean as unknown as SrtpContextOptions);
}

/**
 * What a receiver decided, in terms both implementations share. libsrtp checks the replay
 * window before the tag (as we do: check -> authenticate -> commit), so replayed and too-old
 * packets get the same verdict even when tampered.
 */
export type Verdict = 'ok' | 'auth' | 'replay' | 'old' | 'malformed' | 'mki' | 'nostream' | string;

export function engineVerdict(st: SrtpStatus): Verdict {
  switch (st) {
    case SrtpStatus.Ok: return 'ok';
    case SrtpStatus.AuthFailed: return 'auth';
    case SrtpStatus.Replayed: return 'replay';
    case SrtpStatus.TooOld: return 'old';
    case SrtpStatus.TooShort:
    case SrtpStatus.Malformed: return 'malformed';
    case SrtpStatus.UnknownMki: return 'mki';
    default: return `other:${srtpStatusName(st)}`;
  }
}

export function libsrtpVerdict(rc: number): Verdict {
  switch (rc) {
    case LIBSRTP.ok: return 'ok';
    case LIBSRTP.authFail: return 'auth';
    case LIBSRTP.replayFail: return 'replay';
    case LIBSRTP.replayOld: return 'old';
    case LIBSRTP.badParam:
    case LIBSRTP.parseErr:
    case LIBSRTP.cantCheck:
    case LIBSRTP.cipherFail: return 'malformed';
    case LIBSRTP.noCtx: return 'nostream';
    case LIBSRTP.badMki: return 'mki';
    default: return `other:libsrtp_${rc}`;
  }
}

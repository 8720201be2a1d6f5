/**
 * Which packet I/O a media worker runs on, decided once when it starts: `native` when asked
 * for or when `auto` finds the addon loadable, else `dgram`. `native` asked for explicitly and
 * unavailable is an error (the operator asked for it); `auto` falls back and says why, which
 * the relay logs once and reports in /healthz, the metrics and bench reports.
 */
import { RelayError, RelayErrorCode } from '../errors';
import type { ScratchBuffers } from '../scratch-buffers';
import { DgramIo } from './dgram-io';
import { loadNativeBinding } from './native-binding';
import { NativeIo } from './native-io';
import { isIoBackendChoice, type IoBackendChoice, type PacketIo } from './packet-io';

/** The environment variable operators and CI set: dgram | native | auto. */
export const IO_ENV = 'SRTP_RELAY_IO';

/** The choice from an explicit option, else SRTP_RELAY_IO, else auto; a bad value is an error. */
export function resolveIoChoice(option: string | undefined, env: NodeJS.ProcessEnv = process.env): IoBackendChoice {
  const v = option ?? (env[IO_ENV] === undefined || env[IO_ENV] === '' ? 'auto' : env[IO_ENV]);
  if (!isIoBackendChoice(v)) throw new RelayError(RelayErrorCode.BadOption, `packet I/O must be auto, native or dgram, got "${String(v)}"${option === undefined ? ` (from ${IO_ENV})` : ''}`);
  return v;
}

export interface SelectedIo {
  readonly io: PacketIo;
  /** Why `auto` did not get the native backend (null when it did, or dgram was asked for). */
  readonly fallback: string | null;
}

export function createPacketIo(choice: IoBackendChoice, scratch: ScratchBuffers): SelectedIo {
  if (choice === 'dgram') return { io: new DgramIo(scratch), fallback: null };
  const { binding, reason } = loadNativeBinding();
  if (binding !== null) {
    try {
      return { io: new NativeIo(binding), fallback: null };
    } catch (err) {
      if (choice === 'native') throw new RelayError(RelayErrorCode.BadOption, `native packet I/O unavailable: ${(err as Error).message}`);
      return { io: new DgramIo(scratch), fallback: `native packet I/O failed to start: ${(err as Error).message}` };
    }
  }
  if (choice === 'native') throw new RelayError(RelayErrorCode.BadOption, `native packet I/O unavailable: ${String(reason)}`);
  return { io: new DgramIo(scratch), fallback: reason };
}

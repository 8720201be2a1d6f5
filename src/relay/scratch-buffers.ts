/**
 * The two output buffers a media worker's packet path writes into: `unprotected` receives
 * unprotect output, `protected` receives protect output. Preallocated once per worker (packets
 * are handled one at a time on its event loop), so the steady state allocates nothing.
 *
 * dgram normally hands a datagram to the kernel synchronously (uv_udp_try_send) and the buffer
 * is free again when `send` returns. When the kernel queue is full the send is queued and the
 * buffer stays referenced until it completes; then the path calls `renew*()` so the queued
 * datagram is not overwritten by the next packet.
 */
/** Largest UDP payload plus room for the largest SRTP tag, MKI and SRTCP index. */
export const SCRATCH_SIZE = 65536 + 512;

export class ScratchBuffers {
  unprotected: Buffer = Buffer.allocUnsafeSlow(SCRATCH_SIZE);
  protected: Buffer = Buffer.allocUnsafeSlow(SCRATCH_SIZE);
  /** How often a queued send forced a new buffer (diagnostics). */
  renewals = 0;

  renewUnprotected(): void {
    this.unprotected = Buffer.allocUnsafeSlow(SCRATCH_SIZE);
    this.renewals += 1;
  }

  renewProtected(): void {
    this.protected = Buffer.allocUnsafeSlow(SCRATCH_SIZE);
    this.renewals += 1;
  }

  /** Packets pass through these buffers in clear; clear them when the worker stops. */
  wipe(): void {
    this.unprotected.fill(0);
    this.protected.fill(0);
  }
}

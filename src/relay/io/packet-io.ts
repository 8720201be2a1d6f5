/**
 * The socket layer of a media worker, behind one interface with two backends:
 *
 * - `dgram` (`dgram-io.ts`): node:dgram, one system call and one JavaScript callback per
 *   datagram. Always available.
 * - `native` (`native-io.ts`): our N-API addon (`native/`), recvmmsg into a preallocated ring,
 *   one JavaScript call per loop iteration for every datagram that arrived on any socket of the
 *   worker, sends collected and flushed with sendmmsg. Linux, built during `npm ci`.
 *
 * The packet path (`../packet-path.ts`) is the same for both: it is handed each datagram with
 * its length and source, writes any output it sends into `sendBuffer()`, and sends with
 * `MediaSocket.send`. Send outcomes come back through `SocketCallbacks.sent`.
 */
export type IoBackendName = 'dgram' | 'native';
/** What an operator asks for: `auto` takes `native` when the addon loads, else `dgram`. */
export type IoBackendChoice = IoBackendName | 'auto';
export const IO_BACKEND_CHOICES: readonly IoBackendChoice[] = ['auto', 'native', 'dgram'];

export function isIoBackendChoice(v: unknown): v is IoBackendChoice {
  return typeof v === 'string' && (IO_BACKEND_CHOICES as readonly string[]).includes(v);
}

/** Bound once per socket (no closure per packet). */
export interface SocketCallbacks {
  /**
   * A datagram: its bytes are `packet[0, length)` (a native ring slot is longer than the
   * datagram). The bytes are valid only during the call.
   */
  readonly packet: (packet: Buffer, length: number, address: string, port: number) => void;
  /** A datagram longer than the backend's receive slot arrived and was cut: it is dropped. */
  readonly truncated: (length: number, address: string, port: number) => void;
  /** A datagram left (`error` null, `bytes` sent) or the kernel refused it (`error`: errno name). */
  readonly sent: (error: string | null, bytes: number) => void;
}

export interface MediaSocket {
  /** Start delivering datagrams. Called once. */
  start(callbacks: SocketCallbacks): void;
  /**
   * Send `buf[offset, offset + length)` to address:port. Never throws for a refused datagram:
   * the outcome goes to `sent` (maybe later: the native backend flushes after the batch).
   */
  send(buf: Buffer, offset: number, length: number, port: number, address: string): void;
  /** Idempotent. Datagrams not yet delivered are dropped. */
  close(): void;
}

export interface PacketIo {
  readonly name: IoBackendName;
  /** Bind a UDP socket exclusively; rejects with an Error whose `code` is the errno name. */
  bind(family: 4 | 6, address: string, port: number): Promise<MediaSocket>;
  /**
   * Where to write a packet that will be sent next (protect / unprotect output). Valid until
   * the `send` that takes it; at least `minSendBufferSize` bytes.
   */
  sendBuffer(): Buffer;
  /** Close every socket and release the buffers. Idempotent. */
  close(): void;
}

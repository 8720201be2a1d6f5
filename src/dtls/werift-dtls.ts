/**
 * The one place that touches werift's DTLS 1.2 (RFC 6347) stack. We use its handshake (flights,
 * cipher suites, certificate handling) and its TLS exporter (RFC 5705), never its SRTP: the keys
 * it exports become our own SrtpContexts (`webrtc-transport.ts`).
 *
 * werift has no public API for some of what DTLS-SRTP needs, so this adapter reaches in:
 * - `DtlsSocket.exportKeyingMaterial(label, length)` (declared, undocumented),
 * - `socket.srtp.srtpProfile` (the profile `use_srtp` negotiated, RFC 5764 §4.1.3),
 * - `socket.cipher.remoteCertificate` via the `remoteCertificate` getter (DER of the peer's leaf),
 * - `socket.connected`, `socket.dtls.recordSequenceNumber`, `socket.cipher.encryptPacket` and
 *   `lib/dtls/src/record/builder.js` `createPlaintext` to send a close_notify alert, which werift's
 *   own `close()` does not do.
 * `WERIFT_REACH_INS` lists them; test/unit/dtls/werift-reach.test.ts fails when a werift upgrade
 * moves one.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DtlsClient, DtlsSocket } from 'werift';
import { werift } from './werift-module';
import type { DtlsCertificate } from './dtls-certificate';

export type DtlsRole = 'client' | 'server';

/** What the rest of our code sees of a DTLS association. */
export interface DtlsSession {
  /** Feed one received DTLS datagram. */
  receive(datagram: Buffer): void;
  /** The client starts the handshake (RFC 6347 §4.2.1); a server waits for the ClientHello. */
  start(): void;
  readonly connected: boolean;
  /** Negotiated DTLS-SRTP profile id, once connected. */
  selectedProfileId(): number | undefined;
  /** DER of the peer's certificate, once it sent one. */
  remoteCertificateDer(): Buffer | undefined;
  /** RFC 5705 exporter output (RFC 5764 §4.2 label `EXTRACTOR-dtls_srtp`, no context). */
  exportKeyingMaterial(label: string, length: number): Buffer;
  /** Send close_notify (RFC 5246 §7.2.1) when connected, then stop. Idempotent. */
  close(): void;
}

export interface DtlsSessionOptions {
  readonly role: DtlsRole;
  readonly certificate: DtlsCertificate;
  /** DTLS-SRTP profile ids in our preference order. */
  readonly profileIds: readonly number[];
  /** Every datagram werift wants on the wire goes here. */
  readonly send: (datagram: Buffer) => void;
  readonly onConnected: () => void;
  readonly onError: (reason: string) => void;
  /** The peer sent an alert (close_notify or fatal). */
  readonly onClosed: () => void;
}

/** Names of werift internals this adapter depends on (checked by the reach-in test). */
export const WERIFT_REACH_INS = [
  'DtlsSocket.prototype.exportKeyingMaterial',
  'DtlsSocket.prototype.remoteCertificate',
  'DtlsSocket#srtp.srtpProfile',
  'DtlsSocket#connected',
  'DtlsSocket#dtls.recordSequenceNumber',
  'DtlsSocket#cipher.encryptPacket',
  'DtlsSocket#transport.socket.onData',
  'lib/dtls/src/record/builder.js createPlaintext',
] as const;

const ALERT = 21;
const CLOSE_NOTIFY = Buffer.from([1, 0]); // level warning, description close_notify (RFC 5246 §7.2)

interface Plaintext {
  serialize(): Buffer;
}
type CreatePlaintext = (dtls: unknown) => (fragments: { type: number; fragment: Buffer }[], seq: number) => Plaintext[];

let builder: { createPlaintext: CreatePlaintext } | null = null;
/** werift's record builder: not exported by the package, so loaded by path (package `exports` stop a bare subpath). */
export function weriftRecordBuilder(): { createPlaintext: CreatePlaintext } {
  if (builder === null) {
    const req = createRequire(__filename);
    const main = req.resolve('werift');
    builder = req(path.join(path.dirname(main), '../../dtls/src/record/builder.js')) as { createPlaintext: CreatePlaintext };
    if (typeof builder.createPlaintext !== 'function') throw new Error('werift record builder has no createPlaintext');
  }
  return builder;
}

/** werift's Transport, pointed at our send function; werift installs its receive callback in `onData`. */
class SendTransport {
  readonly type = 'udp';
  closed = false;
  onData: (data: Buffer) => void = () => undefined;
  readonly address = { address: '0.0.0.0', family: 'IPv4', port: 0 };

  constructor(private readonly out: (datagram: Buffer) => void) {}

  readonly send = async (data: Buffer): Promise<void> => {
    if (!this.closed) this.out(data);
  };

  readonly close = async (): Promise<void> => {
    this.closed = true;
  };
}

interface SocketInternals {
  connected: boolean;
  srtp: { srtpProfile?: number };
  dtls: { recordSequenceNumber: number };
  cipher: { encryptPacket(p: Plaintext): Plaintext };
  transport: { socket: SendTransport };
}

class WeriftDtlsSession implements DtlsSession {
  private readonly socket: DtlsSocket;
  private readonly transport: SendTransport;
  private closed = false;

  constructor(private readonly options: DtlsSessionOptions) {
    this.transport = new SendTransport(options.send);
    const common: ConstructorParameters<typeof DtlsClient>[0] = {
      cert: options.certificate.certPem,
      key: options.certificate.keyPem,
      signatureHash: options.certificate.signatureHash as ConstructorParameters<typeof DtlsClient>[0]['signatureHash'],
      transport: this.transport,
      srtpProfiles: [...options.profileIds] as never[],
      // RFC 7627: the exporter's master secret binds the handshake transcript.
      extendedMasterSecret: true,
    };
    // A server asks for the client's certificate: its fingerprint is what authenticates the peer (RFC 5763 §5).
    this.socket = options.role === 'server' ? new (werift().DtlsServer)({ ...common, certificateRequest: true }) : new (werift().DtlsClient)(common);
    this.socket.onConnect.subscribe(() => {
      if (!this.closed) options.onConnected();
    });
    this.socket.onError.subscribe((err: unknown) => {
      if (!this.closed) options.onError(err instanceof Error ? err.message : String(err));
    });
    this.socket.onClose.subscribe(() => {
      if (!this.closed) options.onClosed();
    });
  }

  private get internals(): SocketInternals {
    return this.socket as unknown as SocketInternals;
  }

  receive(datagram: Buffer): void {
    if (this.closed) return;
    this.transport.onData(datagram);
  }

  start(): void {
    if (this.options.role !== 'client' || this.closed) return;
    (this.socket as DtlsClient).connect().catch((err: unknown) => {
      if (!this.closed) this.options.onError(err instanceof Error ? err.message : String(err));
    });
  }

  get connected(): boolean {
    return this.internals.connected === true;
  }

  selectedProfileId(): number | undefined {
    return this.internals.srtp.srtpProfile;
  }

  remoteCertificateDer(): Buffer | undefined {
    return this.socket.remoteCertificate;
  }

  exportKeyingMaterial(label: string, length: number): Buffer {
    return this.socket.exportKeyingMaterial(label, length);
  }

  close(): void {
    if (this.closed) return;
    if (this.connected) {
      try {
        const s = this.internals;
        const record = weriftRecordBuilder().createPlaintext(s.dtls)([{ type: ALERT, fragment: CLOSE_NOTIFY }], ++s.dtls.recordSequenceNumber)[0];
        this.options.send(s.cipher.encryptPacket(record).serialize());
      } catch {
        // best effort: the peer also learns of the end from ICE consent expiry (RFC 7675)
      }
    }
    this.closed = true;
    this.socket.onConnect.allUnsubscribe();
    this.socket.onError.allUnsubscribe();
    this.socket.onClose.allUnsubscribe();
    void this.transport.close();
  }
}

export function createDtlsSession(options: DtlsSessionOptions): DtlsSession {
  return new WeriftDtlsSession(options);
}

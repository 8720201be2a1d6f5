/** Events a media worker reports for WebRTC legs (forwarded by MediaRelay). Never key bytes. */
import type { DtlsRole } from './werift-dtls';

export interface DtlsWorkerEvent {
  readonly type: 'dtls';
  readonly callId: string;
  readonly legId: string;
  /** `connected`: handshake done, fingerprint verified, SRTP contexts built. */
  readonly state: 'connected' | 'failed' | 'closed';
  readonly role: DtlsRole;
  /** Negotiated SRTP profile (canonical name), when connected. */
  readonly profile: string | null;
  readonly reason: string | null;
  /** From the leg's first authenticated ICE check to keys in place (ICE + DTLS), when connected. */
  readonly connectMs: number | null;
}

export interface IceWorkerEvent {
  readonly type: 'ice';
  readonly callId: string;
  readonly legId: string;
  /** The peer's address learned from an authenticated check: where media now goes. */
  readonly address: string;
  readonly port: number;
  /** The check carried USE-CANDIDATE (RFC 8445 §7.3.1.5). */
  readonly nominated: boolean;
}

export type WebrtcWorkerEvent = DtlsWorkerEvent | IceWorkerEvent;

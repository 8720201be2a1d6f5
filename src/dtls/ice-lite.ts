/**
 * The relay's side of ICE on a WebRTC leg: ICE-lite (RFC 8445 §2.5), so it only answers the
 * peer's connectivity checks and never sends its own. A Binding request counts only when its
 * MESSAGE-INTEGRITY verifies under our short-term password and its USERNAME is
 * `<our ufrag>:<peer ufrag>` (RFC 8445 §7.3, RFC 5389 §10.1.2); only then does the caller learn
 * the source as the peer's address. STUN parsing and signing are werift's (`werift-ice.ts`).
 */
import { randomBytes } from 'node:crypto';
import { bindingSuccess, parseBindingRequest } from './werift-ice';

export interface IceCredentials {
  readonly ufrag: string;
  readonly pwd: string;
}

export enum IceVerdict {
  /** Authenticated check; answered. */
  Checked = 0,
  /** Authenticated check carrying USE-CANDIDATE (RFC 8445 §7.3.1.5): the peer nominates this pair. */
  Nominated = 1,
  /** Not a Binding request, bad integrity, wrong USERNAME, or a response we never asked for: dropped. */
  Rejected = 2,
}

export interface IceOutcome {
  readonly verdict: IceVerdict;
  /** The signed Binding success response to send back (only for an authenticated check). */
  readonly response: Buffer | null;
}

const REJECTED: IceOutcome = Object.freeze({ verdict: IceVerdict.Rejected, response: null });

/**
 * ICE credentials: a ufrag of 4+ and a password of 22+ ice-chars (RFC 8839 §5.4); ours are
 * 8 and 24 characters of base64url from a CSPRNG (about 144 bits in the password).
 */
export function createIceCredentials(): IceCredentials {
  return { ufrag: randomBytes(6).toString('base64url'), pwd: randomBytes(18).toString('base64url') };
}

export class IceLiteResponder {
  private readonly key: Buffer;
  private readonly expectedUsername: string | null;
  private readonly usernamePrefix: string;

  constructor(local: IceCredentials, remoteUfrag: string | null) {
    this.key = Buffer.from(local.pwd, 'utf8');
    this.expectedUsername = remoteUfrag === null ? null : `${local.ufrag}:${remoteUfrag}`;
    this.usernamePrefix = `${local.ufrag}:`;
  }

  /** Answer a check from `address`:`port`, or reject it. Never throws. */
  check(packet: Buffer, address: string, port: number): IceOutcome {
    const req = parseBindingRequest(packet, this.key);
    if (req === null) return REJECTED;
    const u = req.username;
    // Without the peer's ufrag (not signaled) the prefix is all we can check; integrity under
    // our password is what authenticates the check either way.
    if (this.expectedUsername !== null ? u !== this.expectedUsername : !u.startsWith(this.usernamePrefix)) return REJECTED;
    const response = bindingSuccess(req.transactionId, address, port, this.key);
    return { verdict: req.useCandidate ? IceVerdict.Nominated : IceVerdict.Checked, response };
  }

  /** Forget the password (the leg closed). */
  wipe(): void {
    this.key.fill(0);
  }
}

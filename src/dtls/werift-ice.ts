/**
 * The STUN pieces of werift's ICE we use (RFC 5389 message format, MESSAGE-INTEGRITY,
 * FINGERPRINT), through werift's public exports only. Isolated here so a werift upgrade that
 * changes them breaks one file (and test/unit/dtls/werift-reach.test.ts).
 */
import type { Message } from 'werift';
import { werift } from './werift-module';

export interface BindingRequest {
  readonly transactionId: Buffer;
  readonly username: string;
  readonly useCandidate: boolean;
}

/**
 * A Binding request whose MESSAGE-INTEGRITY verifies under `key` (werift's parser refuses a
 * message without it when given a key, and checks FINGERPRINT when present); null otherwise.
 */
export function parseBindingRequest(packet: Buffer, key: Buffer): BindingRequest | null {
  const { classes, methods, parseMessage } = werift();
  let msg: Message | undefined;
  try {
    msg = parseMessage(packet, key);
  } catch {
    return null;
  }
  if (msg === undefined || msg.messageMethod !== methods.BINDING || msg.messageClass !== classes.REQUEST) return null;
  const username: unknown = msg.getAttributeValue('USERNAME');
  if (typeof username !== 'string') return null;
  return { transactionId: msg.transactionId, username, useCandidate: msg.attributesKeys.includes('USE-CANDIDATE') };
}

/** Binding success response: XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY under `key`, FINGERPRINT (RFC 8445 §7.3.1.1). */
export function bindingSuccess(transactionId: Buffer, address: string, port: number, key: Buffer): Buffer {
  const { classes, Message: StunMessage, methods } = werift();
  return new StunMessage(methods.BINDING, classes.RESPONSE, transactionId)
    .setAttribute('XOR-MAPPED-ADDRESS', [address, port])
    .addMessageIntegrity(key)
    .addFingerprint().bytes;
}

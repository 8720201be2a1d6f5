/**
 * ICE-lite checks (RFC 8445 §7.3, RFC 5389 §10.1): only a Binding request with our USERNAME
 * prefix and MESSAGE-INTEGRITY under our password is answered; the answer is signed with the same
 * password and maps the source address. Requests are built with werift's STUN encoder.
 */
import { createIceCredentials, IceLiteResponder, IceVerdict } from '../../../src/dtls/ice-lite';
import { classifyFirstOctet, PortProtocol } from '../../../src/dtls/demux';
import { werift } from '../../../src/dtls/werift-module';

function request(username: string, pwd: string, useCandidate: boolean): Buffer {
  const { Message, methods, classes } = werift();
  const m = new Message(methods.BINDING, classes.REQUEST).setAttribute('USERNAME', username).setAttribute('PRIORITY', 1853824767).setAttribute('ICE-CONTROLLING', BigInt(1));
  if (useCandidate) m.setAttribute('USE-CANDIDATE', null);
  return m.addMessageIntegrity(Buffer.from(pwd, 'utf8')).addFingerprint().bytes;
}

describe('IceLiteResponder', () => {
  const local = createIceCredentials();
  const responder = new IceLiteResponder(local, 'peer');

  test('credentials: ufrag and pwd long enough (RFC 8839 §5.4), fresh each time', () => {
    const other = createIceCredentials();
    expect(local.ufrag.length).toBeGreaterThanOrEqual(4);
    expect(local.pwd.length).toBeGreaterThanOrEqual(22);
    expect(other.pwd).not.toBe(local.pwd);
  });

  test('an authenticated check is answered with a signed success response mapping the source', () => {
    const out = responder.check(request(`${local.ufrag}:peer`, local.pwd, false), '127.0.0.1', 40000);
    expect(out.verdict).toBe(IceVerdict.Checked);
    const { parseMessage, classes, methods } = werift();
    const resp = parseMessage(out.response!, Buffer.from(local.pwd, 'utf8'));
    expect(resp?.messageClass).toBe(classes.RESPONSE);
    expect(resp?.messageMethod).toBe(methods.BINDING);
    expect(resp?.getAttributeValue('XOR-MAPPED-ADDRESS')).toEqual(['127.0.0.1', 40000]);
    // Signed with our password: a wrong key does not verify it.
    expect(parseMessage(out.response!, Buffer.from('not-the-password', 'utf8'))).toBeUndefined();
  });

  test('USE-CANDIDATE is a nomination', () => {
    expect(responder.check(request(`${local.ufrag}:peer`, local.pwd, true), '127.0.0.1', 40000).verdict).toBe(IceVerdict.Nominated);
  });

  test.each([
    ['wrong password', `:peer`, 'x'.repeat(24)],
    ['wrong USERNAME (other ufrag)', 'abcd:peer', ''],
    ['wrong USERNAME (other peer)', ':mallory', ''],
  ])('rejected: %s', (_n, user, pwd) => {
    const username = user.startsWith(':') ? `${local.ufrag}${user}` : user;
    const out = responder.check(request(username, pwd === '' ? local.pwd : pwd, false), '127.0.0.1', 40000);
    expect(out).toEqual({ verdict: IceVerdict.Rejected, response: null });
  });

  test('rejected: no MESSAGE-INTEGRITY, garbage, a response', () => {
    const { Message, methods, classes } = werift();
    const unsigned = new Message(methods.BINDING, classes.REQUEST).setAttribute('USERNAME', `${local.ufrag}:peer`).addFingerprint().bytes;
    expect(responder.check(unsigned, '127.0.0.1', 1).verdict).toBe(IceVerdict.Rejected);
    expect(responder.check(Buffer.from([0, 1, 0, 0, 1, 2, 3]), '127.0.0.1', 1).verdict).toBe(IceVerdict.Rejected);
    const response = new Message(methods.BINDING, classes.RESPONSE).setAttribute('USERNAME', `${local.ufrag}:peer`).addMessageIntegrity(Buffer.from(local.pwd)).bytes;
    expect(responder.check(response, '127.0.0.1', 1).verdict).toBe(IceVerdict.Rejected);
  });
});

describe('RFC 7983 demux', () => {
  test.each([
    [0, PortProtocol.Stun], [3, PortProtocol.Stun], [20, PortProtocol.Dtls], [22, PortProtocol.Dtls], [63, PortProtocol.Dtls],
    [128, PortProtocol.Media], [191, PortProtocol.Media], [16, PortProtocol.Other], [64, PortProtocol.Other], [192, PortProtocol.Other], [255, PortProtocol.Other],
  ])('first octet %d', (b, expected) => {
    expect(classifyFirstOctet(Buffer.from([b, 0]), 2)).toBe(expected);
  });
  test('empty datagram', () => expect(classifyFirstOctet(Buffer.alloc(0), 0)).toBe(PortProtocol.Other));
});

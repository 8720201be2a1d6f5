import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bdecode, type NgDict } from '../../../src/ng/bencode';
import { NgError, NgErrorCode } from '../../../src/ng/errors';
import { splitFrame } from '../../../src/ng/framing';
import { parseRequest } from '../../../src/ng/request-parser';
import type { NgAnswerRequest, NgDeleteRequest, NgOfferRequest } from '../../../src/ng/requests';

const vectors = JSON.parse(readFileSync(join(__dirname, '../../vectors/ng-kamailio-5.6.json'), 'utf8')) as { messages: Record<string, { latin1: string }> };

function wire(name: string): NgDict {
  const frame = splitFrame(Buffer.from(vectors.messages[name].latin1, 'latin1'));
  return bdecode(frame.body) as NgDict;
}

function parseError(dict: NgDict): NgError {
  try {
    parseRequest(dict);
  } catch (err) {
    return err as NgError;
  }
  throw new Error('parseRequest did not throw');
}

const base = { command: 'offer', 'call-id': 'c1', 'from-tag': 'f1', sdp: 'v=0\r\n' };

describe('ng request normalisation', () => {
  it('decodes and normalises the Kamailio 5.6 offer captured on the wire', () => {
    const { request, warnings } = parseRequest(wire('offer'));
    expect(warnings).toEqual([]);
    const offer = request as NgOfferRequest;
    expect(offer.command).toBe('offer');
    expect(offer.callId).toBe('e08d5f3bd764ba44');
    expect(offer.fromTag).toBe('5d7fca859ab377e6');
    expect(offer.toTag).toBeUndefined();
    expect(offer.sdp).toMatch(/^v=0\r\n[\s\S]*m=audio 37048 RTP\/SAVP 0 101\r\n[\s\S]*a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/);
    expect(offer.transportProtocol).toBe('RTP/AVP');
    expect(offer.ice).toBe('remove');
    expect(offer.replace).toEqual(['origin', 'session-connection']);
    expect(offer.receivedFrom).toEqual({ family: 'IP4', address: '127.0.0.1' });
    expect(offer.supportsLoadLimit).toBe(true);
    expect(offer.sdes.pad).toBe(false);
  });

  it('decodes the Kamailio 5.6 answer (to-tag, SDES pad) and delete (no to-tag)', () => {
    const answer = parseRequest(wire('answer')).request as NgAnswerRequest;
    expect(answer.command).toBe('answer');
    expect(answer.toTag).toBe('86baeb958d4acef3');
    expect(answer.sdes.pad).toBe(true);
    expect(answer.transportProtocol).toBeUndefined();
    const del = parseRequest(wire('delete')).request as NgDeleteRequest;
    expect(del).toEqual({ command: 'delete', callId: 'e08d5f3bd764ba44', fromTag: '5d7fca859ab377e6', fatal: false, fast: false, honourToTag: false });
    expect(parseRequest(wire('ping')).request).toEqual({ command: 'ping' });
  });

  it('treats spaces, hyphens and underscores in keys alike', () => {
    for (const key of ['transport-protocol', 'transport protocol', 'transport_protocol', 'Transport Protocol']) {
      const offer = parseRequest({ ...base, [key]: 'RTP/SAVP' }).request as NgOfferRequest;
      expect(offer.transportProtocol).toBe('RTP/SAVP');
    }
    const r = parseRequest({ command: 'offer', call_id: 'c2', 'from tag': 'f2', sdp: 'v=0', 'received from': ['IP6', '::1'], 'rtcp_mux': ['demux'] }).request as NgOfferRequest;
    expect(r.callId).toBe('c2');
    expect(r.fromTag).toBe('f2');
    expect(r.receivedFrom).toEqual({ family: 'IP6', address: '::1' });
    expect(r.rtcpMux).toEqual(['demux']);
  });

  it('turns prefixed and key=value flags into the keys they stand for', () => {
    const r = parseRequest({
      ...base,
      flags: ['SDES-no-AES_CM_128_HMAC_SHA1_80', 'SDES-only-AES_CM_128_HMAC_SHA1_32', 'SDES-pad', 'replace-origin', 'rtcp-mux-demux', 'trust address', 'transport-protocol=RTP/SAVP', 'ICE=force', 'DTLS=off', 'srtp-relay-device=phone'],
      SDES: ['lifetime', 'unencrypted_srtcp', 'encrypted_srtp', 'order:AEAD_AES_256_GCM;AES_CM_128_HMAC_SHA1_80'],
      replace: ['session connection'],
    }).request as NgOfferRequest;
    expect(r.sdes.excludeSuites).toEqual(['AES_CM_128_HMAC_SHA1_80']);
    expect(r.sdes.onlySuites).toEqual(['AES_CM_128_HMAC_SHA1_32']);
    expect(r.sdes.pad).toBe(true);
    expect(r.sdes.lifetime).toBe(true);
    expect(r.sdes.order).toEqual(['AEAD_AES_256_GCM', 'AES_CM_128_HMAC_SHA1_80']);
    expect(r.sdes.sessionParams).toEqual({ unencrypted_srtcp: true, unencrypted_srtp: false });
    expect(r.replace).toEqual(['origin', 'session-connection']);
    expect(r.rtcpMux).toEqual(['demux']);
    expect(r.flags).toEqual(['trust-address']);
    expect(r.transportProtocol).toBe('RTP/SAVP');
    expect(r.ice).toBe('force');
    expect(r.dtls).toBe('off');
    expect(r.params).toEqual({ 'srtp-relay-device': 'phone' });
  });

  it('reads a bare protocol name in flags as the transport protocol', () => {
    expect((parseRequest({ ...base, flags: ['RTP/SAVPF'] }).request as NgOfferRequest).transportProtocol).toBe('RTP/SAVPF');
  });

  it('parses direction, label, record call, supports and ICE lists', () => {
    const r = parseRequest({ ...base, direction: ['priv', 'pub'], label: 'caller', 'record call': 'yes', supports: ['load limit'], ICE: ['force', 'trickle'], DTLS: 'disable' }).request as NgOfferRequest;
    expect(r.direction).toEqual(['priv', 'pub']);
    expect(r.label).toBe('caller');
    expect(r.recordCall).toBe(true);
    expect(r.supportsLoadLimit).toBe(true);
    expect(r.ice).toBe('force');
    expect(r.iceOptions).toEqual(['trickle']);
    expect(r.dtls).toBe('off');
  });

  it('ignores unknown keys with a warning and keeps unknown suites with a warning', () => {
    const { request, warnings } = parseRequest({ ...base, 'frobnicate level': 'max', SDES: ['no-FOO_BAR'] });
    expect(request.command).toBe('offer');
    expect(warnings).toEqual(['unknown key "frobnicate level" ignored', 'SDES: unknown crypto suite "FOO_BAR"']);
  });

  it.each([
    ['no command', { 'call-id': 'c' }, NgErrorCode.UnknownCommand, /missing "command"/],
    ['an unknown command', { command: 'frobnicate' }, NgErrorCode.UnknownCommand, /unknown command "frobnicate"/],
    ['a command that is not a string', { command: 7 }, NgErrorCode.UnknownCommand, /must be a string/],
    ['an offer without call-id', { command: 'offer', 'from-tag': 'f', sdp: 'v=0' }, NgErrorCode.MissingKey, /missing "call-id"/],
    ['an offer with an empty call-id', { ...base, 'call-id': '' }, NgErrorCode.MissingKey, /missing "call-id"/],
    ['an offer without sdp', { command: 'offer', 'call-id': 'c', 'from-tag': 'f' }, NgErrorCode.MissingKey, /missing "sdp"/],
    ['an offer without from-tag', { command: 'offer', 'call-id': 'c', sdp: 'v=0' }, NgErrorCode.MissingKey, /missing "from-tag"/],
    ['an answer without to-tag', { ...base, command: 'answer' }, NgErrorCode.MissingKey, /missing "to-tag"/],
    ['a delete without call-id', { command: 'delete', 'from-tag': 'f' }, NgErrorCode.MissingKey, /missing "call-id"/],
    ['a query without call-id', { command: 'query' }, NgErrorCode.MissingKey, /missing "call-id"/],
    ['a bad transport protocol', { ...base, 'transport-protocol': 'RTP/XYZ' }, NgErrorCode.BadValue, /transport-protocol/],
    ['transport protocol accept in an offer', { ...base, 'transport-protocol': 'accept' }, NgErrorCode.BadValue, /transport-protocol/],
    ['a bad DTLS mode', { ...base, DTLS: 'sideways' }, NgErrorCode.BadValue, /DTLS/],
    ['a bad ICE mode', { ...base, ICE: 'sometimes' }, NgErrorCode.BadValue, /ICE/],
    ['a direction with one entry', { ...base, direction: ['pub'] }, NgErrorCode.BadValue, /direction/],
    ['received-from without family', { ...base, 'received-from': ['127.0.0.1'] }, NgErrorCode.BadValue, /received-from/],
    ['a bad rtcp-mux option', { ...base, 'rtcp-mux': ['sometimes'] }, NgErrorCode.BadValue, /rtcp-mux/],
    ['flags that are not strings', { ...base, flags: [1] }, NgErrorCode.BadValue, /flags/],
    ['a dictionary as call-id', { ...base, 'call-id': { a: 1 } }, NgErrorCode.BadValue, /call-id/],
    ['conflicting values for one key', { ...base, 'transport-protocol': 'RTP/AVP', flags: ['transport-protocol=RTP/SAVP'] }, NgErrorCode.BadValue, /conflicting/],
    ['a list limit of 0', { command: 'list', limit: 0 }, NgErrorCode.BadValue, /limit/],
    ['a negative delete delay', { command: 'delete', 'call-id': 'c', 'delete delay': -1 }, NgErrorCode.BadValue, /delete delay/],
  ])('rejects %s', (_name, dict, code, reason) => {
    const err = parseError(dict as NgDict);
    expect(err).toBeInstanceOf(NgError);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(reason);
  });

  it('parses delete flags and list limits', () => {
    expect(parseRequest({ command: 'delete', 'call-id': 'c', flags: ['fatal', 'fast', 'to-tag'], 'to-tag': 't', 'delete-delay': 0 }).request)
      .toEqual({ command: 'delete', callId: 'c', toTag: 't', fatal: true, fast: true, honourToTag: true, deleteDelay: 0 });
    expect(parseRequest({ command: 'list' }).request).toEqual({ command: 'list', limit: 32 });
    expect(parseRequest({ command: 'list', limit: 5 }).request).toEqual({ command: 'list', limit: 5 });
    expect(parseRequest({ command: 'statistics' }).request).toEqual({ command: 'statistics' });
  });
});

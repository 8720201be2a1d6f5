import { BencodeError, bdecode, bdecodeBytes, bdecodePrefix, bencode } from '../../../src/ng/bencode';

describe('ng bencode', () => {
  it('encodes dictionaries with keys in byte order and decodes them back', () => {
    const v = { sdp: 'v=0\r\n', command: 'offer', flags: ['trust-address', 'SDES-pad'], n: -42, z: 0, nested: { b: [1, 'x'], a: 'é' } };
    const enc = bencode(v);
    expect(enc.toString('utf8')).toBe('d7:command5:offer5:flagsl13:trust-address8:SDES-pade1:ni-42e6:nestedd1:a2:é1:bli1e1:xee3:sdp5:v=0\r\n1:zi0ee');
    expect(bdecode(enc)).toEqual(v);
  });

  it('decodes keys in any order (Kamailio does not sort them)', () => {
    const d = bdecode(Buffer.from('d7:command5:offer7:call-id2:c13:ICE6:removee')) as Record<string, unknown>;
    expect(d).toEqual({ command: 'offer', 'call-id': 'c1', ICE: 'remove' });
  });

  it('leaves out undefined dictionary values and encodes Buffers as byte strings', () => {
    expect(bencode({ a: undefined, b: Buffer.from([0, 255]) })).toEqual(Buffer.concat([Buffer.from('d1:b2:'), Buffer.from([0, 255]), Buffer.from('e')]));
    expect(() => bencode(1.5)).toThrow(BencodeError);
  });

  it('keeps raw bytes with bdecodeBytes', () => {
    const raw = Buffer.concat([Buffer.from('l2:'), Buffer.from([0xff, 0xfe]), Buffer.from('e')]);
    expect(bdecodeBytes(raw)).toEqual([Buffer.from([0xff, 0xfe])]);
  });

  it.each([
    ['truncated dictionary', 'd3:abc', true],
    ['string past the end', '10:abc', true],
    ['unterminated list', 'li1e', true],
    ['integer with leading zero', 'i03e', false],
    ['negative zero', 'i-0e', false],
    ['non-digit integer', 'i1x2e', false],
    ['string length with leading zero', '03:abc', false],
    ['non-string key', 'di1ei2ee', false],
    ['unknown type byte', 'x', false],
    ['duplicate key', 'd1:ai1e1:ai2ee', false],
    ['trailing bytes', 'i1ex', false],
    ['integer beyond 2^53', 'i99999999999999999e', false],
  ])('rejects %s with a BencodeError', (_name, input, incomplete) => {
    let caught: unknown;
    try {
      bdecode(Buffer.from(input, 'latin1'));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BencodeError);
    expect((caught as BencodeError).message).toMatch(/^bencode: /);
    expect((caught as BencodeError).incomplete).toBe(incomplete);
  });

  it('bounds nesting depth and input size', () => {
    const deep = Buffer.from(`${'l'.repeat(40)}${'e'.repeat(40)}`);
    expect(() => bdecode(deep)).toThrow(/nesting deeper than 32/);
    expect(bdecode(deep, { maxDepth: 64, maxBytes: 1000 })).toBeDefined();
    expect(() => bdecode(Buffer.from('5:abcde'), { maxDepth: 4, maxBytes: 4 })).toThrow(/exceeds 4/);
    expect(() => bdecode(Buffer.from('99999999999:x'))).toThrow(/string length exceeds/);
  });

  it('keeps "__proto__" as a plain key', () => {
    const d = bdecode(Buffer.from('d9:__proto__d1:ai1eee')) as Record<string, unknown>;
    expect(Object.keys(d)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).a).toBeUndefined();
  });

  it('finds where one value ends in a longer buffer', () => {
    const buf = Buffer.from('xd1:ai1ee1:y');
    expect(bdecodePrefix(buf, 1)).toEqual({ value: { a: 1 }, end: 9 });
  });

  it('carries a 64 KiB SDP', () => {
    const sdp = `v=0\r\n${'a=x-pad:0123456789abcdef\r\n'.repeat(2700)}`;
    expect(sdp.length).toBeGreaterThan(64 * 1024);
    expect((bdecode(bencode({ sdp })) as { sdp: string }).sdp).toBe(sdp);
  });
});

describe('bencode encoder: text path and byte path agree', () => {
  it('sorts keys by their UTF-8 bytes, non-ASCII keys included', () => {
    expect(bencode({ é: 1, z: 2, a: 3 }).toString('utf8')).toBe('d1:ai3e1:zi2e2:éi1ee');
    // 'Z' (0x5a) < 'a' (0x61) < 'é' (0xc3 0xa9) < '中' (0xe4 ...)
    expect(bencode({ 中: 'x', é: 'y', a: 'z', Z: 'w' }).toString('utf8')).toBe('d1:Z1:w1:a1:z2:é1:y3:中1:xe');
  });

  it('counts string lengths in bytes, not characters', () => {
    expect(bencode('é中').toString('utf8')).toBe('5:é中');
    expect(bencode(['v=0\r\n', 'ü']).toString('utf8')).toBe('l5:v=0\r\n2:üe');
  });

  it('gives the same bytes whether a string value arrives as a string or as a Buffer', () => {
    const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=é\r\n';
    const asText = { result: 'ok', sdp, list: [sdp, 42, { 'from-tag': 'a' }], n: -7 };
    const asBytes = { result: 'ok', sdp: Buffer.from(sdp, 'utf8'), list: [Buffer.from(sdp, 'utf8'), 42, { 'from-tag': 'a' }], n: -7 };
    expect(bencode(asBytes).equals(bencode(asText))).toBe(true);
    expect(bdecode(bencode(asText))).toEqual(asText);
  });

  it('leaves out undefined entries and refuses what it cannot encode, on both paths', () => {
    expect(bencode({ a: undefined, b: 1 }).toString()).toBe('d1:bi1ee');
    expect(() => bencode({ a: 1.5 })).toThrow(BencodeError);
    expect(() => bencode({ a: Buffer.from('x'), b: 1.5 })).toThrow(BencodeError);
  });
});

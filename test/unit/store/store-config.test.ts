/** `--store` URLs, the `ha` config, and the index table's field names (docs/ha.md). */
import { parseHaConfig } from '../../../src/api/ha-config';
import { floorsByLeg, indexField, parseStoreUrl } from '../../../src/store';

describe('store configuration', () => {
  it('parses memory, redis:// and redis+unix:// and never shows a password', () => {
    expect(parseStoreUrl('memory')).toEqual({ kind: 'memory' });
    expect(parseStoreUrl('redis://:s3cret@10.0.0.5:6380/2')).toEqual({ kind: 'redis', host: '10.0.0.5', port: 6380, db: 2, password: 's3cret', where: '10.0.0.5:6380/2' });
    expect(parseStoreUrl('redis+unix:///run/redis.sock?db=1')).toEqual({ kind: 'redis', path: '/run/redis.sock', db: 1, where: 'unix:/run/redis.sock/1' });
    for (const bad of ['mysql://x', 'redis://h:0/0', 'redis://h:1/99', 'redis+unix://', 'nonsense']) expect(() => parseStoreUrl(bad)).toThrow();
  });

  it('refuses a standby without a shared store and bad blocks', () => {
    expect(() => parseHaConfig(undefined, { role: 'standby' }, {})).toThrow(/shared store/);
    expect(() => parseHaConfig({ reservationBlock: 1 << 20 }, {}, {})).toThrow(/reservationBlock/);
    const c = parseHaConfig({ store: 'redis://r:6379/0' }, { role: 'standby', nodeId: 'b' }, { SRTP_RELAY_STORE: 'redis://env:6379/1' });
    expect(c).toMatchObject({ role: 'standby', nodeId: 'b', reservationBlock: 4096, store: { host: 'env', db: 1 } });
  });

  it('index fields round-trip any relay leg id into floors', () => {
    const table = new Map([[indexField('A|x~1', 'out', false, 0xdeadbeef), 8192], [indexField('A|x~1', 'in', true, 5), 77], ['junk', 1]]);
    expect(floorsByLeg(table)).toEqual(new Map([['A|x~1', [
      { ssrc: 0xdeadbeef, rtcp: false, direction: 'outbound', index: 8192 },
      { ssrc: 5, rtcp: true, direction: 'inbound', index: 77 },
    ]]]));
  });
});

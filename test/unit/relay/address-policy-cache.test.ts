import { AddressPolicy, AddressVerdict } from '../../../src/relay/address-policy';

describe('AddressPolicy verdict cache', () => {
  const cases: [string, 4 | 6][] = [
    ['192.0.2.10', 4], ['192.0.2.10', 6], ['169.254.169.254', 4], ['169.254.1.1', 4], ['224.0.0.1', 4], ['255.255.255.255', 4],
    ['0.0.0.0', 4], ['::ffff:192.0.2.1', 6], ['2001:db8::1', 6], ['2001:db8::1', 4], ['fe80::1', 6], ['not-an-ip', 4], ['198.51.100.7', 4],
  ];

  it('answers a repeated question as the first time, per socket family', () => {
    const fresh = (a: string, f: 4 | 6): AddressVerdict => new AddressPolicy({ allow: ['192.0.2.0/24', '169.254.0.0/16', '2001:db8::/32', 'fe80::/10', '0.0.0.0/0'] }).judge(a, f);
    const policy = new AddressPolicy({ allow: ['192.0.2.0/24', '169.254.0.0/16', '2001:db8::/32', 'fe80::/10', '0.0.0.0/0'] });
    for (let round = 0; round < 3; round++) {
      for (const [a, f] of cases) expect(policy.judge(a, f)).toBe(fresh(a, f));
    }
    // The family is part of the question: the same address, different verdicts.
    expect(policy.judge('192.0.2.10', 4)).toBe(AddressVerdict.Ok);
    expect(policy.judge('192.0.2.10', 6)).toBe(AddressVerdict.WrongFamily);
  });

  it('stays correct past its bound (it is cleared, not grown)', () => {
    const policy = new AddressPolicy();
    for (let i = 0; i < 5000; i++) expect(policy.judge(`10.${(i >> 8) & 255}.${i & 255}.1`, 4)).toBe(AddressVerdict.Ok);
    expect(policy.judge('169.254.169.254', 4)).toBe(AddressVerdict.Denied);
    expect((policy as unknown as { verdicts: Map<string, unknown> }).verdicts.size).toBeLessThanOrEqual(4096);
  });
});

import { PortPool, RelayErrorCode } from '../../../src/relay';

describe('PortPool', () => {
  it('hands out even/odd pairs (RFC 3550 §11) and single ports for rtcp-mux', () => {
    const pool = new PortPool(1001, 1008);
    const a = pool.allocate(false);
    expect(a).toEqual({ rtpPort: 1002, rtcpPort: 1003 });
    expect(pool.allocate(true)).toEqual({ rtpPort: 1004, rtcpPort: 1004 });
    expect(pool.allocate(false)).toEqual({ rtpPort: 1006, rtcpPort: 1007 });
    expect(pool.available).toBe(3);
  });

  it('throws RELAY_ERR_PORTS_EXHAUSTED when no pair fits, even with odd ports free', () => {
    const pool = new PortPool(2000, 2003);
    pool.allocate(false);
    pool.allocate(true); // 2002
    expect(pool.available).toBe(1); // 2003 left: no even/odd pair
    expect(() => pool.allocate(false)).toThrow(expect.objectContaining({ code: RelayErrorCode.PortsExhausted }));
    expect(pool.allocate(true)).toEqual({ rtpPort: 2003, rtcpPort: 2003 });
    expect(() => pool.allocate(true)).toThrow(expect.objectContaining({ code: RelayErrorCode.PortsExhausted }));
  });

  it('does not reuse a just-released port first, and release is idempotent', () => {
    const pool = new PortPool(3000, 3007);
    const a = pool.allocate(false);
    pool.release(a);
    pool.release(a);
    expect(pool.available).toBe(8);
    expect(pool.allocate(false)).toEqual({ rtpPort: 3002, rtcpPort: 3003 });
    pool.allocate(false);
    pool.allocate(false);
    expect(pool.allocate(false)).toEqual({ rtpPort: 3000, rtcpPort: 3001 }); // wraps around
  });

  it('claims exact ports (a restored call keeps its ports) and refuses taken, odd or out-of-range ones', () => {
    const pool = new PortPool(3000, 3007);
    expect(pool.claim({ rtpPort: 3004, rtcpPort: 3005 }, false)).toEqual({ rtpPort: 3004, rtcpPort: 3005 });
    expect(pool.available).toBe(6);
    expect(pool.claim({ rtpPort: 3003, rtcpPort: 3003 }, true)).toEqual({ rtpPort: 3003, rtcpPort: 3003 });
    const refused = expect.objectContaining({ code: RelayErrorCode.PortsExhausted });
    expect(() => pool.claim({ rtpPort: 3004, rtcpPort: 3005 }, false)).toThrow(refused);
    expect(() => pool.claim({ rtpPort: 3001, rtcpPort: 3002 }, false)).toThrow(refused);
    expect(() => pool.claim({ rtpPort: 3006, rtcpPort: 3008 }, false)).toThrow(refused);
    expect(() => pool.claim({ rtpPort: 3008, rtcpPort: 3009 }, false)).toThrow(refused);
    expect(pool.available).toBe(5);
    // Allocation skips claimed ports.
    expect([pool.allocate(false), pool.allocate(false)]).toEqual([{ rtpPort: 3000, rtcpPort: 3001 }, { rtpPort: 3006, rtcpPort: 3007 }]);
  });

  it('rejects bad ranges', () => {
    expect(() => new PortPool(10, 5)).toThrow(expect.objectContaining({ code: RelayErrorCode.BadOption }));
    expect(() => new PortPool(0, 5)).toThrow(expect.objectContaining({ code: RelayErrorCode.BadOption }));
    expect(() => new PortPool(1, 70000)).toThrow(expect.objectContaining({ code: RelayErrorCode.BadOption }));
  });
});

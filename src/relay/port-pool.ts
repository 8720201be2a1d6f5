/**
 * Local UDP ports of the relay. RTP takes an even port and RTCP the next odd one
 * (RFC 3550 §11); an rtcp-mux leg (RFC 5761) takes a single port. The pool hands out ports
 * round-robin from a cursor so a port just returned is not reused at once (late packets of
 * the old call would land in the new one).
 */
import { RelayError, RelayErrorCode } from './errors';

export interface PortAllocation {
  readonly rtpPort: number;
  /** Equal to `rtpPort` for an rtcp-mux leg. */
  readonly rtcpPort: number;
}

export class PortPool {
  readonly min: number;
  readonly max: number;
  /** One byte per port of the range: 1 when in use. */
  private readonly used: Uint8Array;
  private cursor = 0;
  private inUse = 0;

  constructor(min: number, max: number) {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) {
      throw new RelayError(RelayErrorCode.BadOption, `bad port range [${min}, ${max}]: integers with 1 <= min <= max <= 65535`);
    }
    this.min = min;
    this.max = max;
    this.used = new Uint8Array(max - min + 1);
  }

  get size(): number {
    return this.used.length;
  }

  get available(): number {
    return this.used.length - this.inUse;
  }

  /** Reserve ports for one leg; throws RELAY_ERR_PORTS_EXHAUSTED when none fit. */
  allocate(rtcpMux: boolean): PortAllocation {
    const n = this.used.length;
    for (let step = 0; step < n; step++) {
      const i = (this.cursor + step) % n;
      const port = this.min + i;
      if (this.used[i] !== 0) continue;
      if (rtcpMux) {
        this.used[i] = 1;
        this.inUse += 1;
        this.cursor = (i + 1) % n;
        return { rtpPort: port, rtcpPort: port };
      }
      if (port % 2 !== 0 || port + 1 > this.max || this.used[i + 1] !== 0) continue;
      this.used[i] = 1;
      this.used[i + 1] = 1;
      this.inUse += 2;
      this.cursor = (i + 2) % n;
      return { rtpPort: port, rtcpPort: port + 1 };
    }
    throw new RelayError(
      RelayErrorCode.PortsExhausted,
      `no free ${rtcpMux ? 'port' : 'even/odd port pair'} in [${this.min}, ${this.max}] (${this.inUse} of ${n} in use)`,
    );
  }

  /**
   * Reserve these exact ports (restoring a call onto the ports its endpoints know); throws
   * RELAY_ERR_PORTS_EXHAUSTED when one is taken, outside the range, or not an RTP/RTCP pair.
   */
  claim(ports: PortAllocation, rtcpMux: boolean): PortAllocation {
    const wanted = rtcpMux ? [ports.rtpPort] : [ports.rtpPort, ports.rtcpPort];
    const pair = rtcpMux ? ports.rtcpPort === ports.rtpPort : ports.rtpPort % 2 === 0 && ports.rtcpPort === ports.rtpPort + 1;
    const free = wanted.every((p) => Number.isInteger(p) && p >= this.min && p <= this.max && this.used[p - this.min] === 0);
    if (!pair || !free) {
      throw new RelayError(RelayErrorCode.PortsExhausted, `ports ${ports.rtpPort}/${ports.rtcpPort} are not a free ${rtcpMux ? 'port' : 'even/odd pair'} in [${this.min}, ${this.max}]`);
    }
    for (const p of wanted) this.used[p - this.min] = 1;
    this.inUse += wanted.length;
    return { rtpPort: ports.rtpPort, rtcpPort: rtcpMux ? ports.rtpPort : ports.rtcpPort };
  }

  /** Return a leg's ports. Releasing twice is harmless. */
  release(allocation: PortAllocation): void {
    this.releasePort(allocation.rtpPort);
    if (allocation.rtcpPort !== allocation.rtpPort) this.releasePort(allocation.rtcpPort);
  }

  private releasePort(port: number): void {
    const i = port - this.min;
    if (i < 0 || i >= this.used.length || this.used[i] === 0) return;
    this.used[i] = 0;
    this.inUse -= 1;
  }
}

/**
 * tcpdump on the loopback interface for one scenario: the SIP messages (for the SDP every phone
 * was told) and the media (to check what is encrypted and who talks to whom). Started before
 * the call, stopped with SIGINT (tcpdump then flushes and exits), read with pcap.ts.
 */
import { join } from 'node:path';
import { ManagedProcess } from './processes';
import { readPcapUdp, type UdpDatagram } from './pcap';

export const TCPDUMP_BIN = '/usr/bin/tcpdump';

export class PacketCapture {
  private constructor(private readonly proc: ManagedProcess, readonly file: string) {}

  /** Captures UDP on lo matching `filter` (a pcap-filter expression) into `<dir>/capture.pcap`. */
  static async start(dir: string, filter: string): Promise<PacketCapture> {
    const file = join(dir, 'capture.pcap');
    // --immediate-mode: hand each packet over at once (without it libpcap holds packets in ring
    // blocks until a timeout, and those still held at SIGINT are lost); -U: write each packet as
    // it comes; -n: no name lookups. The ring holds buffer / snaplen packets: with the default
    // 2 MiB and whole-packet snaplen (256 KiB) only 8, so a busy machine drops the burst of a call
    // setup. 8 KiB covers every SIP and ng message here; 32 MiB then holds ~4000 packets.
    const proc = ManagedProcess.start('tcpdump', TCPDUMP_BIN, ['-i', 'lo', '--immediate-mode', '-U', '-n', '-s', '8192', '-B', '32768', '-w', file, `udp and (${filter})`]);
    try {
      await proc.waitFor(/listening on lo/, 10_000);
    } catch (err) {
      await proc.stop();
      throw new Error(`tcpdump could not capture on lo (it needs root or CAP_NET_RAW): ${(err as Error).message}`);
    }
    return new PacketCapture(proc, file);
  }

  /** Stops the capture and returns its UDP datagrams. */
  async stop(): Promise<UdpDatagram[]> {
    // Let the last packets (the BYE, the ng delete) reach tcpdump before it stops.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await this.proc.stop('SIGINT', 5000);
    return readPcapUdp(this.file);
  }

  /**
   * Packets the kernel dropped before tcpdump read them (from its exit summary), or null when it
   * printed none (it was killed). Checks on a capture with drops would judge missing packets.
   */
  droppedByKernel(): number | null {
    const m = /(\d+) packets? dropped by kernel/.exec(this.proc.tail());
    return m === null ? null : Number(m[1]);
  }

  /** tcpdump's own output, for the work dir. */
  log(): string {
    return this.proc.tail();
  }
}

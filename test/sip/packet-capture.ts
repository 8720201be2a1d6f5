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
    // it comes; -n: no name lookups; -s 0: whole packets.
    const proc = ManagedProcess.start('tcpdump', TCPDUMP_BIN, ['-i', 'lo', '--immediate-mode', '-U', '-n', '-s', '0', '-w', file, `udp and (${filter})`]);
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
}

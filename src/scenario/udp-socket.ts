/** A UDP socket bound to an ephemeral port of `address`, for the simulated devices. */
import dgram from 'node:dgram';

export function bindUdp(address: string): Promise<dgram.Socket> {
  const s = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, address, () => {
      s.off('error', reject);
      // A late ICMP error must not crash the run; losses show in the counters.
      s.on('error', () => undefined);
      resolve(s);
    });
  });
}

/**
 * A loopback UDP port the OS reports free, for peers that must be told their port up front
 * (rtpengine's and our relay's ng listeners in the benchmarks): bind port 0, read it, release it.
 */
import dgram from 'node:dgram';

export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  s.close();
  return port;
}

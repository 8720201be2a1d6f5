/**
 * Ports from the OS for programs that cannot be given port 0 (Kamailio, baresip, rtpengine's
 * ng port): bind port 0, read the port, release it. A port range (baresip's and rtpengine's RTP
 * ports must be a range) is probed the same way: every port of it bindable at the time.
 */
import dgram from 'node:dgram';
import net from 'node:net';

export async function freeUdpPort(address = '127.0.0.1'): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, address, () => resolve());
  });
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function freeTcpPort(address = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A UDP port free on both UDP and TCP (baresip listens on UDP and TCP, and TLS on port + 1). */
export async function freeSipPort(address = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freeUdpPort(address);
    if (port >= 65534) continue;
    if (await tcpBindable(port, address) && await tcpBindable(port + 1, address) && await udpBindable(port + 1, address)) return port;
  }
  throw new Error('no free SIP port pair found in 50 attempts');
}

function udpBindable(port: number, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, address, () => s.close(() => resolve(true)));
  });
}

function tcpBindable(port: number, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, address, () => server.close(() => resolve(true)));
  });
}

/**
 * `count` consecutive even-aligned ports, all bindable on `address` right now, chosen at random
 * in [low, high) (RTP/RTCP pairs start on even ports). Retried a bounded number of times.
 */
export async function freeUdpRange(address: string, count: number, low = 20000, high = 60000): Promise<[number, number]> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const start = low + 2 * Math.floor(Math.random() * ((high - low - count) / 2));
    let ok = true;
    for (let p = start; p < start + count && ok; p++) ok = await udpBindable(p, address);
    if (ok) return [start, start + count - 1];
  }
  throw new Error(`no free range of ${count} UDP ports on ${address} in 20 attempts`);
}

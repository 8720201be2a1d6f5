/**
 * Ports for programs that cannot be given port 0 (Kamailio, baresip, rtpengine's ng port and
 * media range, the relay under test). They come from this jest worker's own block
 * (test/helpers/port-ranges.ts), which sits below the kernel's ephemeral range: a port the OS
 * hands to some other socket (port 0, an outgoing connection) can never be one of them, and no
 * other worker uses the block, so a port checked free here stays free until the program binds
 * it. Each port is still probed (UDP, and TCP where the program listens on TCP too) and skipped
 * when something else holds it.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { relayPortRange } from '../helpers/port-ranges';

/** Attempts before giving up on finding free ports in this worker's block. */
const ATTEMPTS = 50;

export async function freeUdpPort(address = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const [port] = relayPortRange(2);
    if (await udpBindable(port, address)) return port;
  }
  throw new Error(`no free UDP port in this worker's block in ${ATTEMPTS} attempts`);
}

export async function freeTcpPort(address = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const [port] = relayPortRange(2);
    if (await tcpBindable(port, address)) return port;
  }
  throw new Error(`no free TCP port in this worker's block in ${ATTEMPTS} attempts`);
}

/** A UDP port free on both UDP and TCP (baresip listens on UDP and TCP, and TLS on port + 1). */
export async function freeSipPort(address = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const [port] = relayPortRange(2);
    if (await udpBindable(port, address) && await tcpBindable(port, address) && await tcpBindable(port + 1, address) && await udpBindable(port + 1, address)) return port;
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

/** `count` consecutive even-aligned UDP ports of this worker's block, all bindable on `address` now. */
export async function freeUdpRange(address: string, count: number): Promise<[number, number]> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const [start, end] = relayPortRange(count);
    let ok = true;
    for (let p = start; p <= end && ok; p++) ok = await udpBindable(p, address);
    if (ok) return [start, end];
  }
  throw new Error(`no free range of ${count} UDP ports on ${address} in 20 attempts`);
}

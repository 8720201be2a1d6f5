/**
 * A port range for a relay under test, taken from the OS rather than fixed: ask the kernel for
 * an ephemeral port (bind to 0), then check that the `size` ports starting at the even port at or
 * below it are free by binding each (UDP) and closing them again. Another process may still
 * take one in between; the relay retries another port of its pool when a bind fails.
 */
import dgram from 'node:dgram';

function bind(port: number, address: string): Promise<dgram.Socket | null> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(null);
    });
    s.bind({ port, address, exclusive: true }, () => resolve(s));
  });
}

/** An inclusive [min, max] range of `size` free UDP ports (size even), found in at most 20 tries. */
export async function osPortRange(size = 40, address = '127.0.0.1'): Promise<[number, number]> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const probe = await bind(0, address);
    if (probe === null) continue;
    const start = probe.address().port & ~1;
    probe.close();
    if (start + size - 1 > 65535) continue;
    const held: dgram.Socket[] = [];
    let free = true;
    for (let p = start; p < start + size && free; p++) {
      const s = await bind(p, address);
      if (s === null) free = false;
      else held.push(s);
    }
    for (const s of held) s.close();
    if (free) return [start, start + size - 1];
  }
  throw new Error(`no free range of ${size} UDP ports found`);
}

// A small agent the HA failover test runs inside a network namespace (`ip netns exec NS node
// ns-agent.js`). JSON lines on stdin, JSON lines on stdout:
//   {op:'bind', id, address}          -> {op:'bound', id, port}      UDP socket, OS-given port
//   {op:'send', id, address, port, hex}                                 send one datagram
//   {op:'forward', path, port}        -> {op:'forwarding', path}      unix socket -> 127.0.0.1:port
//   incoming datagrams                -> {op:'rx', id, t, hex}
// It exits when stdin closes (the test ended or died), closing everything.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS script run by node inside a namespace */
const dgram = require('node:dgram');
const net = require('node:net');
const readline = require('node:readline');

const sockets = new Map();
const servers = [];
const out = (msg) => process.stdout.write(`${JSON.stringify(msg)}\n`);

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    return;
  }
  if (msg.op === 'bind') {
    const s = dgram.createSocket('udp4');
    s.on('message', (buf) => out({ op: 'rx', id: msg.id, t: Date.now(), hex: buf.toString('hex') }));
    s.on('error', (err) => out({ op: 'error', id: msg.id, error: err.message }));
    s.bind({ address: msg.address, port: 0 }, () => {
      sockets.set(msg.id, s);
      out({ op: 'bound', id: msg.id, port: s.address().port });
    });
  } else if (msg.op === 'send') {
    const s = sockets.get(msg.id);
    if (s !== undefined) s.send(Buffer.from(msg.hex, 'hex'), msg.port, msg.address, () => undefined);
  } else if (msg.op === 'forward') {
    const server = net.createServer((client) => {
      const upstream = net.connect(msg.port, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      const end = () => { client.destroy(); upstream.destroy(); };
      client.on('error', end);
      upstream.on('error', end);
    });
    server.listen(msg.path, () => out({ op: 'forwarding', path: msg.path }));
    servers.push(server);
  }
});
process.stdin.on('end', () => {
  for (const s of sockets.values()) s.close();
  for (const s of servers) s.close();
  process.exit(0);
});

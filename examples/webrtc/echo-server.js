#!/usr/bin/env node
/**
 * WebRTC echo through srtp-relay (docs/webrtc.md). Build first (`npm run build`), then
 *   node examples/webrtc/echo-server.js [httpPort] [mediaPortLow-mediaPortHigh]
 * (defaults 8080 and 40000-40099) and open http://127.0.0.1:8080/ in a browser (loopback http counts as a secure context, so
 * getUserMedia works). One call at a time: the browser's offer becomes a WebRTC leg (ICE-lite,
 * DTLS-SRTP in the media worker), paired with a plain RTP leg whose far end is a UDP socket here
 * that sends every packet straight back. Everything listens on 127.0.0.1 only.
 */
'use strict';
const dgram = require('node:dgram');
const http = require('node:http');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { MediaRelay } = require('../../dist/relay');
const { createIceCredentials, readWebrtcMedia, relayDtlsRole, writeWebrtcSdp, answerDirection } = require('../../dist/dtls');

const HTTP_PORT = Number(process.argv[2] ?? 8080);
const [PORT_LOW, PORT_HIGH] = (process.argv[3] ?? '40000-40099').split('-').map(Number);
const PAGE = readFileSync(path.join(__dirname, 'index.html'));

async function main() {
  const relay = await MediaRelay.create({ portRange: [PORT_LOW, PORT_HIGH], bindAddress: '127.0.0.1', workers: 1, logLevel: 'warn', addressPolicy: { allow: ['127.0.0.0/8'] } });
  relay.on('dtls', (e) => console.log(`dtls ${e.state}: leg ${e.legId}, relay ${e.role}, profile ${e.profile ?? '-'}${e.reason ? `, ${e.reason}` : ''}${e.connectMs !== null ? `, ICE+DTLS ${e.connectMs} ms` : ''}`));
  relay.on('ice', (e) => console.log(`ice: leg ${e.legId} peer ${e.address}:${e.port}${e.nominated ? ' (nominated)' : ''}`));
  const echo = dgram.createSocket('udp4');
  await new Promise((r) => echo.bind(0, '127.0.0.1', r));
  echo.on('message', (msg, rinfo) => echo.send(msg, rinfo.port, rinfo.address));
  let call = null;
  let n = 0;

  async function hangUp() {
    if (call !== null) await call.close();
    call = null;
  }

  async function answerOffer(offer) {
    await hangUp();
    const media = readWebrtcMedia(offer);
    const pcmu = media.codecs.filter((c) => c.name.toUpperCase() === 'PCMU');
    if (pcmu.length === 0) throw new Error('the offer has no PCMU');
    const cert = await relay.dtlsCertificate();
    const ice = createIceCredentials();
    const role = relayDtlsRole(media.setup, 'server');
    call = await relay.createCall(`echo-${++n}`);
    const local = await call.addLeg({
      id: 'browser', rtcpMux: true,
      webrtc: { role, ice, remoteUfrag: media.ufrag, remoteFingerprints: media.fingerprints, profiles: ['AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'], certificate: cert },
    });
    await call.addLeg({ id: 'echo', rtcpMux: true, remote: { address: '127.0.0.1', port: echo.address().port } });
    await call.connect('browser', 'echo');
    return writeWebrtcSdp({
      address: local.address, port: local.rtpPort, ice, fingerprint: cert.fingerprint, setup: role === 'server' ? 'passive' : 'active',
      mid: media.mid ?? '0', codecs: pcmu, direction: answerDirection(media.direction), sessionId: String(Date.now()),
    });
  }

  const server = http.createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
      return;
    }
    let body = '';
    req.on('data', (d) => {
      body += d;
      if (body.length > 64 * 1024) req.destroy();
    });
    req.on('end', () => {
      const done = req.url === '/offer' ? answerOffer(body) : hangUp().then(() => '');
      done.then(
        (sdp) => { res.writeHead(200, { 'content-type': 'application/sdp' }); res.end(sdp); },
        (err) => { res.writeHead(400, { 'content-type': 'text/plain' }); res.end(String(err.message ?? err)); },
      );
    });
  });
  server.listen(HTTP_PORT, '127.0.0.1', () => console.log(`open http://127.0.0.1:${server.address().port}/`));
  const stop = async () => {
    server.close();
    echo.close();
    await relay.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

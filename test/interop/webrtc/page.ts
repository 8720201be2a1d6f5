/**
 * The page Chromium runs: getUserMedia (echo cancellation, noise suppression and AGC off, so the
 * tone arrives as sent), one RTCPeerConnection (max-bundle, rtcp-mux required), the remote track
 * played in an <audio> element (Chromium decodes only what plays), offers limited to loopback
 * candidates, and a stats summary for the test. Served by the test over http://127.0.0.1.
 */
export const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>srtp-relay WebRTC test</title></head>
<body><audio id="remote" autoplay></audio>
<script>
let pc = null;
const audio = document.getElementById('remote');

function loopbackOnly(sdp) {
  return sdp.split('\\r\\n').filter((l) => !l.startsWith('a=candidate:') || / 127\\.0\\.0\\.1 /.test(l)).join('\\r\\n');
}

async function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise((resolve) => {
    const t = setTimeout(resolve, 3000);
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); } });
  });
}

window.makeOffer = async (codec) => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  pc.addEventListener('track', (e) => { audio.srcObject = e.streams[0] || new MediaStream([e.track]); audio.play().catch(() => {}); });
  for (const t of stream.getTracks()) pc.addTrack(t, stream);
  const tr = pc.getTransceivers()[0];
  const caps = RTCRtpReceiver.getCapabilities('audio').codecs.filter((c) => c.mimeType.toLowerCase() === 'audio/' + codec.toLowerCase());
  tr.setCodecPreferences(caps);
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  return loopbackOnly(pc.localDescription.sdp);
};

window.applyAnswer = async (sdp) => { await pc.setRemoteDescription({ type: 'answer', sdp }); };

// The relay as the offerer (a SIP phone calling the browser): answer its offer, loopback candidates only.
window.answerOffer = async (sdp) => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  pc.addEventListener('track', (e) => { audio.srcObject = e.streams[0] || new MediaStream([e.track]); audio.play().catch(() => {}); });
  await pc.setRemoteDescription({ type: 'offer', sdp });
  for (const t of stream.getTracks()) pc.addTrack(t, stream);
  await pc.setLocalDescription(await pc.createAnswer());
  await gathered(pc);
  return loopbackOnly(pc.localDescription.sdp);
};

window.summary = async () => {
  const out = { packetsReceived: 0, audioLevel: 0, totalAudioEnergy: 0, packetsSent: 0, dtlsState: null, srtpCipher: null, dtlsRole: null, localAddress: null, remoteAddress: null, connectionState: pc ? pc.connectionState : null };
  if (!pc) return out;
  const stats = await pc.getStats();
  const byId = new Map();
  stats.forEach((s) => byId.set(s.id, s));
  stats.forEach((s) => {
    // One entry per received SSRC (a hold's music has its own): sum the packets, the loudest level.
    if (s.type === 'inbound-rtp' && s.kind === 'audio') { out.packetsReceived += s.packetsReceived || 0; out.audioLevel = Math.max(out.audioLevel, s.audioLevel || 0); out.totalAudioEnergy += s.totalAudioEnergy || 0; out.ssrcs = (out.ssrcs || 0) + 1; }
    if (s.type === 'outbound-rtp' && s.kind === 'audio') out.packetsSent = s.packetsSent || 0;
    if (s.type === 'transport') {
      out.dtlsState = s.dtlsState; out.srtpCipher = s.srtpCipher || null; out.dtlsRole = s.dtlsRole || null;
      const pair = byId.get(s.selectedCandidatePairId);
      if (pair) { const l = byId.get(pair.localCandidateId); const r = byId.get(pair.remoteCandidateId); out.localAddress = l ? l.address + ':' + l.port : null; out.remoteAddress = r ? r.address + ':' + r.port : null; }
    }
  });
  return out;
};

window.hangUp = () => { if (pc) pc.close(); pc = null; };
</script></body></html>`;

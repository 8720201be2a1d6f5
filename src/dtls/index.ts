/** WebRTC legs (`src/dtls`): ICE-lite + DTLS-SRTP on the relay's media workers. See docs/webrtc.md. */
export { createIceCredentials, type IceCredentials } from './ice-lite';
export { createDtlsCertificate, certificateFingerprint, type DtlsCertificate } from './dtls-certificate';
export { DTLS_PROFILE_PREFERENCE } from './dtls-profiles';
export { answerDirection, readWebrtcMedia, relayDtlsRole, writeWebrtcSdp, WEBRTC_PROTO, type WebrtcCodec, type WebrtcLocalMedia, type WebrtcPeerMedia } from './webrtc-sdp';
export { WEBRTC_CONNECT_TIMEOUT_MS, type Fingerprint, type WebrtcLegParams } from './webrtc-leg-params';
export { type DtlsWorkerEvent, type IceWorkerEvent, type WebrtcWorkerEvent } from './webrtc-events';
export { type DtlsRole } from './werift-dtls';

/**
 * The werift adapter's reach-ins (src/dtls/werift-dtls.ts `WERIFT_REACH_INS`): two of our DTLS
 * sessions, one client and one server, handshake with each other in memory through werift. If a
 * werift upgrade renames or moves what the adapter reaches (the exporter, the negotiated profile,
 * the peer certificate, the record builder for close_notify), a check here fails by name.
 */
import { X509Certificate } from 'node:crypto';
import { certificateFingerprint, createDtlsCertificate, type DtlsCertificate } from '../../../src/dtls/dtls-certificate';
import { dtlsProfileIds, exporterLength, negotiatedProfile } from '../../../src/dtls/dtls-profiles';
import { createDtlsSession, weriftRecordBuilder, type DtlsSession } from '../../../src/dtls/werift-dtls';
import { werift } from '../../../src/dtls/werift-module';

jest.setTimeout(60_000);

let serverCert: DtlsCertificate;
let clientCert: DtlsCertificate;

beforeAll(async () => {
  [serverCert, clientCert] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
});

interface Pair {
  client: DtlsSession;
  server: DtlsSession;
  connected: Promise<void>;
  closedByPeer: { client: number; server: number };
}

function pair(clientProfiles: string[], serverProfiles: string[]): Pair {
  const closedByPeer = { client: 0, server: 0 };
  let client: DtlsSession | null = null;
  let server: DtlsSession | null = null;
  let ups = 0;
  let resolveUp: () => void = () => undefined;
  let rejectUp: (e: Error) => void = () => undefined;
  const connected = new Promise<void>((resolve, reject) => {
    resolveUp = resolve;
    rejectUp = reject;
  });
  const up = (): void => {
    if (++ups === 2) resolveUp();
  };
  // Datagrams cross asynchronously, as over a socket.
  server = createDtlsSession({
    role: 'server', certificate: serverCert, profileIds: dtlsProfileIds(serverProfiles),
    send: (d) => setImmediate(() => client?.receive(Buffer.from(d))),
    onConnected: up, onError: (r) => rejectUp(new Error(`server: ${r}`)), onClosed: () => closedByPeer.server++,
  });
  client = createDtlsSession({
    role: 'client', certificate: clientCert, profileIds: dtlsProfileIds(clientProfiles),
    send: (d) => setImmediate(() => server?.receive(Buffer.from(d))),
    onConnected: up, onError: (r) => rejectUp(new Error(`client: ${r}`)), onClosed: () => closedByPeer.client++,
  });
  client.start();
  return { client, server, connected, closedByPeer };
}

describe('werift reach-ins used by src/dtls/werift-dtls.ts', () => {
  test('werift exports what the adapter imports, and the record builder is where the adapter loads it', () => {
    const w = werift();
    for (const name of ['DtlsServer', 'DtlsClient', 'DtlsSocket', 'CipherContext', 'parseMessage', 'Message'] as const) expect(typeof w[name]).toBe('function');
    expect(typeof w.DtlsSocket.prototype.exportKeyingMaterial).toBe('function');
    expect(Object.getOwnPropertyDescriptor(w.DtlsSocket.prototype, 'remoteCertificate')?.get).toBeDefined();
    expect(typeof weriftRecordBuilder().createPlaintext).toBe('function');
  });

  test.each([
    ['AEAD_AES_128_GCM', ['AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'], ['AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80']],
    ['AEAD_AES_256_GCM', ['AEAD_AES_256_GCM'], ['AEAD_AES_128_GCM', 'AEAD_AES_256_GCM']],
    ['AES_CM_128_HMAC_SHA1_80', ['AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'], ['AES_CM_128_HMAC_SHA1_80']],
    ['AES_CM_128_HMAC_SHA1_32', ['AES_CM_128_HMAC_SHA1_32'], ['AES_CM_128_HMAC_SHA1_32']],
  ])('handshake negotiates %s; both sides export the same key block; certificates and close_notify reach the peer', async (expected, clientProfiles, serverProfiles) => {
    const p = pair(clientProfiles, serverProfiles);
    await p.connected;
    expect(p.client.connected).toBe(true);
    expect(p.server.connected).toBe(true);
    const id = p.server.selectedProfileId();
    expect(id).toBeDefined();
    expect(p.client.selectedProfileId()).toBe(id);
    const profile = negotiatedProfile(id ?? 0);
    expect(profile?.name).toBe(expected);
    const len = exporterLength(profile!);
    const a = p.client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', len);
    const b = p.server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', len);
    expect(a.length).toBe(len);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(Buffer.alloc(len))).toBe(false);
    // Each side holds the other's certificate, whose fingerprint is what SDP would carry.
    expect(certificateFingerprint(p.server.remoteCertificateDer()!, 'sha-256')).toBe(clientCert.fingerprint);
    expect(certificateFingerprint(p.client.remoteCertificateDer()!, 'sha-256')).toBe(serverCert.fingerprint);
    expect(new X509Certificate(serverCert.certPem).fingerprint256).toBe(serverCert.fingerprint);
    p.client.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(p.closedByPeer.server).toBe(1);
    p.server.close();
  });

  test('no common profile: the handshake fails, no profile is selected', async () => {
    const p = pair(['AES_CM_128_HMAC_SHA1_32'], ['AEAD_AES_128_GCM']);
    await expect(p.connected).rejects.toThrow();
    expect(p.server.selectedProfileId()).toBeUndefined();
    p.client.close();
    p.server.close();
  });
});

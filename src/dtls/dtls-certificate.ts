/**
 * The relay's DTLS identity: one self-signed ECDSA P-256 certificate per relay, made at start
 * (RFC 8827 §6.5: WebRTC endpoints authenticate by the fingerprint in signalling, not by a CA),
 * and its SHA-256 fingerprint for `a=fingerprint` (RFC 8122 §5). werift makes the certificate.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { werift } from './werift-module';

export interface DtlsCertificate {
  readonly certPem: string;
  /** The DTLS identity key (not an SRTP key): stays in the relay process and its workers. */
  readonly keyPem: string;
  readonly signatureHash: { readonly hash: number; readonly signature: number };
  /** `sha-256` fingerprint, upper-case hex pairs joined by colons. */
  readonly fingerprint: string;
}

export async function createDtlsCertificate(): Promise<DtlsCertificate> {
  const { CipherContext, HashAlgorithm, NamedCurveAlgorithm, SignatureAlgorithm } = werift();
  const made = await CipherContext.createSelfSignedCertificateWithKey(
    { signature: SignatureAlgorithm.ecdsa_3, hash: HashAlgorithm.sha256_4 },
    NamedCurveAlgorithm.secp256r1_23,
  );
  const fingerprint = new X509Certificate(made.certPem).fingerprint256;
  return { certPem: made.certPem, keyPem: made.keyPem, signatureHash: made.signatureHash, fingerprint };
}

/** RFC 8122 §5 form of a DER certificate's digest: upper-case hex pairs and colons. */
export function certificateFingerprint(der: Uint8Array, algorithm: string): string | null {
  const alg = algorithm.toLowerCase().replace('-', '');
  if (!['sha1', 'sha224', 'sha256', 'sha384', 'sha512'].includes(alg)) return null;
  const hex = createHash(alg).update(der).digest('hex').toUpperCase();
  return hex.match(/../g)?.join(':') ?? null;
}

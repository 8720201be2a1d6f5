/**
 * `srtp-relay keys parse 'a=crypto:...'`: explain a line (suite, lengths, lifetime, MKI, session
 * parameters). Key bytes are printed only with --show-key; a bad line prints its precise
 * KEY_ERR_* code and exits non-zero.
 */
import { Command } from 'commander';
import { initKeys, isKeyError, mkiToValue, parseCryptoAttribute, wipeDelivered, type CryptoAttribute } from '../keys';

export interface KeysParseOptions {
  readonly showKey?: boolean;
  readonly allowNull?: boolean;
}

/** Human-readable explanation, one line per fact. */
export function explainCryptoAttribute(attr: CryptoAttribute, options: KeysParseOptions = {}): string[] {
  const p = attr.profile;
  const set = attr.keySet;
  const out = [
    `tag: ${attr.tag}`,
    `suite: ${p.name} (cipher ${p.cipher}, key ${p.masterKeyLength * 8} bits, salt ${p.masterSaltLength * 8} bits, SRTP tag ${p.srtpTagLength * 8} bits${p.aead ? ', AEAD' : ''})`,
    `master keys: ${set.keys.length}${set.mkiLength > 0 ? `, MKI length ${set.mkiLength} byte(s)` : ', no MKI'}`,
  ];
  const delivered = options.showKey === true ? set.deliver() : null;
  set.keys.forEach((k, i) => {
    const mki = k.mki;
    const parts = [
      `key ${i + 1}: ${k.keyLength}+${k.saltLength} bytes`,
      `lifetime ${k.lifetime === null ? 'default (2^48 SRTP, 2^31 SRTCP)' : k.lifetime}`,
      mki === null ? 'no MKI' : `MKI ${mkiToValue(mki)} (0x${k.mkiHex ?? ''})`,
    ];
    out.push(parts.join(', '));
    if (delivered !== null) {
      const d = delivered.keys[i];
      out.push(`  key:  ${Buffer.from(d.key).toString('hex')}`, `  salt: ${Buffer.from(d.salt).toString('hex')}`);
    }
  });
  if (delivered !== null) wipeDelivered(delivered);
  const sp = set.params;
  out.push(
    `KDR: ${sp.kdrExponent === null ? 'not set (derive once)' : `2^${sp.kdrExponent}`}`,
    `SRTP encrypted: ${sp.unencryptedSrtp ? 'no (UNENCRYPTED_SRTP)' : 'yes'}`,
    `SRTCP encrypted: ${sp.unencryptedSrtcp ? 'no (UNENCRYPTED_SRTCP)' : 'yes'}`,
    `SRTP authenticated: ${sp.unauthenticatedSrtp ? 'no (UNAUTHENTICATED_SRTP)' : 'yes'}`,
    `replay window (WSH): ${sp.windowSizeHint === null ? 'default' : sp.windowSizeHint}`,
  );
  if (attr.ignoredParams.length > 0) out.push(`ignored optional parameters: ${attr.ignoredParams.join(' ')}`);
  if (options.showKey !== true) out.push('(key bytes hidden; use --show-key to print them)');
  return out;
}

export function addKeysParseCommand(keys: Command): void {
  keys
    .command('parse')
    .description('explain an SDES a=crypto line without printing key bytes')
    .argument('<line>', "the attribute, e.g. 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:...'")
    .option('--show-key', 'also print the key and salt in hex')
    .option('--allow-null', 'accept NULL_HMAC_SHA1_* suites')
    .action(async (line: string, opts: KeysParseOptions) => {
      await initKeys();
      let attr: CryptoAttribute;
      try {
        attr = parseCryptoAttribute(line, { allowNull: opts.allowNull === true });
      } catch (err) {
        if (!isKeyError(err)) throw err;
        console.error(`error ${err.code}: ${err.message}`);
        process.exitCode = 1;
        return;
      }
      try {
        for (const l of explainCryptoAttribute(attr, opts)) console.log(l);
      } finally {
        attr.keySet.release();
      }
    });
}

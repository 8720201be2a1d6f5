/**
 * Moving a leg's SRTP context options to a media worker. Key bytes are copied into one fresh
 * ArrayBuffer that is *transferred* (so the control thread keeps no copy) and that the worker
 * zero-fills as soon as its contexts have copied the keys. The descriptive part is a small plain
 * object with offsets; it never holds key bytes, so it may be logged.
 */
import type { MasterKeyInput, SrtpContextOptions } from '../srtp/srtp-context-options';
import { RelayError, RelayErrorCode } from './errors';

/** A leg's two SRTP contexts: `inbound` verifies/unprotects what its remote sends, `outbound` protects what we send it. */
export interface LegSrtpOptions {
  readonly inbound: SrtpContextOptions;
  readonly outbound: SrtpContextOptions;
}

interface WireKey {
  readonly keyOffset: number;
  readonly keyLength: number;
  readonly saltOffset: number;
  readonly saltLength: number;
  readonly mkiOffset: number;
  /** 0 when the key has no MKI. */
  readonly mkiLength: number;
  readonly lifetime?: number;
}

/** The engine's options other than profile and keys: they cross to the worker as they are. */
type ScalarContextOptions = Omit<SrtpContextOptions, 'profile' | 'keys'>;

/** SrtpContextOptions without key bytes; `keys` point into the transferred buffer. */
export interface WireContextOptions extends ScalarContextOptions {
  readonly profile: string;
  readonly keys: readonly WireKey[];
  /** Whether `keys` was given as an array (MKI mode) rather than one key. */
  readonly keyList: boolean;
}

export interface WireLegSrtp {
  readonly inbound: WireContextOptions;
  readonly outbound: WireContextOptions;
  /** Transfer this buffer; it is the only carrier of key bytes. */
  readonly keyBytes: ArrayBuffer;
}

const SCALAR_OPTIONS = [
  'allowNull', 'kdr', 'replayWindow', 'srtcpReplayWindow', 'srtcpTagLength', 'encryptSrtp', 'encryptSrtcp', 'authenticateSrtp', 'softLimitMargin',
] as const satisfies readonly (keyof ScalarContextOptions)[];

// Compile-time check that the list names every scalar option of the engine: an option added to
// SrtpContextOptions and forgotten here would otherwise be dropped silently on its way to a worker.
type MissingScalarOption = Exclude<keyof ScalarContextOptions, (typeof SCALAR_OPTIONS)[number]>;
const everyScalarOptionListed: MissingScalarOption extends never ? true : MissingScalarOption = true;
void everyScalarOptionListed;

function keyList(options: SrtpContextOptions): readonly MasterKeyInput[] {
  const keys = options.keys as MasterKeyInput | readonly MasterKeyInput[] | undefined;
  if (keys === undefined || keys === null) throw new RelayError(RelayErrorCode.BadSrtpOptions, 'SRTP options need keys');
  const list = Array.isArray(keys) ? (keys as readonly MasterKeyInput[]) : [keys as MasterKeyInput];
  for (const k of list) {
    if (!(k.key instanceof Uint8Array) || !(k.salt instanceof Uint8Array) || (k.mki !== undefined && !(k.mki instanceof Uint8Array))) {
      throw new RelayError(RelayErrorCode.BadSrtpOptions, 'SRTP keys, salts and MKIs must be Uint8Arrays');
    }
  }
  return list;
}

function profileName(options: SrtpContextOptions): string {
  const p = options.profile as unknown;
  if (typeof p === 'string') return p;
  if (p !== null && typeof p === 'object' && typeof (p as { name?: unknown }).name === 'string') return (p as { name: string }).name;
  throw new RelayError(RelayErrorCode.BadSrtpOptions, 'SRTP options need a profile');
}

function byteLength(options: SrtpContextOptions): number {
  let n = 0;
  for (const k of keyList(options)) n += k.key.length + k.salt.length + (k.mki?.length ?? 0);
  return n;
}

function describe(options: SrtpContextOptions, bytes: Uint8Array, start: number): { wire: WireContextOptions; end: number } {
  let at = start;
  const put = (src: Uint8Array): number => {
    bytes.set(src, at);
    const offset = at;
    at += src.length;
    return offset;
  };
  const keys: WireKey[] = keyList(options).map((k) => ({
    keyOffset: put(k.key),
    keyLength: k.key.length,
    saltOffset: put(k.salt),
    saltLength: k.salt.length,
    mkiOffset: k.mki !== undefined ? put(k.mki) : at,
    mkiLength: k.mki?.length ?? 0,
    ...(k.lifetime !== undefined ? { lifetime: k.lifetime } : {}),
  }));
  const wire: Record<string, unknown> = { profile: profileName(options), keys, keyList: Array.isArray(options.keys) };
  for (const name of SCALAR_OPTIONS) if (options[name] !== undefined) wire[name] = options[name];
  return { wire: wire as unknown as WireContextOptions, end: at };
}

/** Copy both contexts' options into the wire form (one fresh buffer holding every key byte). */
export function packLegSrtp(srtp: LegSrtpOptions): WireLegSrtp {
  const keyBytes = new ArrayBuffer(byteLength(srtp.inbound) + byteLength(srtp.outbound));
  const bytes = new Uint8Array(keyBytes);
  const inbound = describe(srtp.inbound, bytes, 0);
  const outbound = describe(srtp.outbound, bytes, inbound.end);
  return { inbound: inbound.wire, outbound: outbound.wire, keyBytes };
}

/** Rebuild SrtpContextOptions whose key arrays are views on `keyBytes` (the context copies them). */
export function unpackContextOptions(wire: WireContextOptions, keyBytes: ArrayBuffer): SrtpContextOptions {
  const keys: MasterKeyInput[] = wire.keys.map((k) => ({
    key: new Uint8Array(keyBytes, k.keyOffset, k.keyLength),
    salt: new Uint8Array(keyBytes, k.saltOffset, k.saltLength),
    ...(k.mkiLength > 0 ? { mki: new Uint8Array(keyBytes, k.mkiOffset, k.mkiLength) } : {}),
    ...(k.lifetime !== undefined ? { lifetime: k.lifetime } : {}),
  }));
  const options: Record<string, unknown> = { profile: wire.profile, keys: wire.keyList ? keys : keys[0] };
  for (const name of SCALAR_OPTIONS) if (wire[name] !== undefined) options[name] = wire[name];
  return options as unknown as SrtpContextOptions;
}

/** Zero-fill a key carrier (a detached buffer has length 0, so this is safe after transfer). */
export function wipeKeyBytes(keyBytes: ArrayBuffer): void {
  if (keyBytes.byteLength > 0) new Uint8Array(keyBytes).fill(0);
}

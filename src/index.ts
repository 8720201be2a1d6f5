/**
 * The library's public entry (package.json `main`/`types` → dist/index.js): what a program that
 * embeds srtp-relay imports. The most used names are exported flat; each layer's whole surface
 * is also available as a namespace (`srtp`, `keys`, `relay`, `call`, `api`, `errors`), so nothing
 * a layer exports is out of reach and no two layers' names can collide here.
 */

// Errors: one model for every layer (docs/errors.md).
export { TypedError, isTypedError, createErrorClass, defineErrorCatalog, type ErrorCatalog, type ErrorEntry, type TypedErrorOptions } from './errors';
export { SrtpError, SrtpErrorCode, SRTP_ERRORS } from './srtp';
export { KeyError, KeyErrorCode, KEY_ERROR_CATALOG } from './keys';
export { RelayError, RelayErrorCode, RELAY_ERRORS } from './relay';
export { CallError, CALL_ERRORS, type CallErrorCode } from './call';
export { ApiError, API_ERRORS, ConfigError, CONFIG_ERRORS, type ApiErrorCode } from './api';

// SRTP engine (docs/srtp-engine-api.md): contexts, packet statuses, protection profiles.
export {
  SrtpContext, SrtpStatus, srtpStatusName, PROTECTION_PROFILES, resolveProfile, profileByDtlsId,
  type SrtpContextOptions, type MasterKeyInput, type ProtectionProfile, type ProfileName, type KeyLimitEvent,
} from './srtp';

// Key manager (docs/keys.md): managed keys per call, SDES (RFC 4568) lines and negotiation.
export {
  KeyManager, initKeys, generateKeySet, MasterKeySet, toSrtpContextOptions, wipeContextOptions,
  parseCryptoAttribute, formatCryptoAttribute, createSdesOffer, answerSdesOffer, completeSdesOffer,
  type KeyManagerConfig, type CryptoAttribute, type SdesOffer, type SdesAnswer, type SdesKeys,
} from './keys';

// Media relay (docs/relay.md).
export { MediaRelay, PairMode, type MediaRelayOptions, type MediaRelayEvents } from './relay';

// Call model and security status (docs/security-status.md).
export { Call, computeSecurityStatus, iconFor, type SecurityReport, type SecurityIcon, type SecurityLevel } from './call';

// Control API server (docs/api.md).
export { startApiServer, loadConfig, type ApiServerConfig, type RunningApi, type ServeConfig } from './api';

export * as srtp from './srtp';
export * as keys from './keys';
export * as relay from './relay';
export * as call from './call';
export * as api from './api';
export * as errors from './errors';

export * from './protection-profile';
export * from './errors';
export * from './srtp-status';
export * from './srtp-context-options';
export * from './srtp-context';
export { deriveSessionKeys, deriveSessionKey, KdfLabel, validateKdr, type DerivedSessionKeys, type SessionKeyMaterial } from './key-derivation';
export { MAX_SRTP_LIFETIME, MAX_SRTCP_LIFETIME } from './master-key';
export { DEFAULT_REPLAY_WINDOW, MIN_REPLAY_WINDOW, MAX_REPLAY_WINDOW } from './replay-window';

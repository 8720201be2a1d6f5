/**
 * A scenario after validation: devices, then steps with expectations. Plain frozen data built
 * by `scenario-validate.ts` from a YAML or JSON file (schema: docs/scenarios.md).
 */
export type MediaKind = 'audio' | 'video';
export type Keying = 'managed' | 'sdes' | 'none';
export type SecurityStatus = 'encrypted' | 'authenticated' | 'nonsecure';
/** `ended`: the call no longer exists (after `end`, or when the relay closed it). */
export type ExpectedStatus = SecurityStatus | 'ended';
export type Icon = 'lock' | 'shield' | 'none';
export type Tone = 'secure' | 'nonsecure' | 'none';
export type Transport = 'srtp' | 'rtp' | 'inactive';
export type FallbackPolicy = 'bridge' | 'rtp';
export type TransitionKind = 'hold' | 'resume' | 'forward' | 'transfer';

/** What a scenario device is in the media path. */
export type DeviceRole = 'endpoint' | 'moh' | 'transcoder' | 'mtp' | 'bridge';

/** For messages: "an endpoint", "a MOH source", ... */
export const ROLE_NAMES: Readonly<Record<DeviceRole, string>> = Object.freeze({
  endpoint: 'an endpoint (phone, gateway, trunk)', moh: 'a MOH source (moh_server)', transcoder: 'a transcoder', mtp: 'an MTP', bridge: 'a conference bridge (conference_bridge)',
});

export interface DeviceDef {
  /** Name in the scenario; also the leg id (endpoints) or resource id (MOH, transcoder, MTP). */
  readonly name: string;
  readonly role: DeviceRole;
  /** The device as the control API takes it (`id`, `kind` and the security flags). */
  readonly device: Readonly<Record<string, unknown>>;
  readonly keying: Keying;
  /** Managed keying: suites the endpoint supports; SDES: suites it offers (in order). */
  readonly suites: readonly string[] | null;
  readonly streams: readonly MediaKind[];
  /** Streams negotiated without SRTP on a keyed leg (`{ kind: video, srtp: false }`; seed 003 Table 4 row 2). */
  readonly rtpStreams: readonly MediaKind[];
  /** Streams the device joins with (default all of `streams`); `video-on` adds the others mid-call. */
  readonly startStreams: readonly MediaKind[];
  readonly rtcpMux: boolean;
}

export type StepAction =
  | { readonly action: 'call'; readonly from: string; readonly to: string }
  | { readonly action: 'answer' }
  | { readonly action: 'hold'; readonly leg: string; readonly moh: string | null }
  | { readonly action: 'resume' }
  | { readonly action: 'transition'; readonly kind: TransitionKind }
  | { readonly action: 'transfer'; readonly from: string; readonly to: string; readonly kind: 'transfer' | 'forward' }
  | { readonly action: 'insert-transcoder' | 'insert-mtp'; readonly resource: string; readonly leg: string; readonly stream: MediaKind }
  | { readonly action: 'remove-transcoder' | 'remove-mtp'; readonly resource: string }
  | { readonly action: 'set-policy'; readonly policy: FallbackPolicy }
  | { readonly action: 'ssrc-change'; readonly device: string; readonly stream: MediaKind }
  | { readonly action: 'hangup'; readonly leg: string }
  | { readonly action: 'conference'; readonly initiator: string; readonly bridges: readonly string[] }
  | { readonly action: 'meet-me'; readonly initiator: string; readonly minimumLevel: SecurityStatus; readonly bridges: readonly string[] }
  | { readonly action: 'conference-add' | 'conference-remove'; readonly leg: string }
  /** `bridge`: a conference_bridge device standing for the target phone's built-in bridge. */
  | { readonly action: 'barge'; readonly initiator: string; readonly target: string; readonly bridge: string | null }
  | { readonly action: 'barge-tone-end' }
  | { readonly action: 'video-on' | 'video-off'; readonly device: string }
  /** New keys for a managed leg (all its SRTP streams, or one). */
  | { readonly action: 'rekey'; readonly device: string; readonly stream: MediaKind | null }
  | { readonly action: 'end' };

export type ActionName = StepAction['action'];

/** One direction of media between two devices, in one window. */
export interface FlowExpectation {
  readonly from: string;
  readonly to: string;
  readonly stream: MediaKind;
  /** true: at least `threshold` of the packets arrive and decrypt; false: none arrives. */
  readonly flows: boolean;
  /** Resources (transcoder, MTP) the packets must have passed through. */
  readonly via: readonly string[];
}

export interface Expectation {
  readonly status?: ExpectedStatus;
  readonly devices?: Readonly<Record<string, { readonly icon?: Icon; readonly tone?: Tone }>>;
  readonly legs?: Readonly<Record<string, Readonly<Partial<Record<MediaKind, Transport>>>>>;
  /** Reason codes that must all be in the report; an empty list means "no reasons". */
  readonly reasons?: readonly string[];
  readonly notices?: readonly string[];
  /**
   * When present the step runs a measurement window, and media is strict: every listed flow
   * must pass and any packet between endpoints not listed as flowing is a mismatch.
   */
  readonly media?: readonly FlowExpectation[];
  /** The operation must be refused with this error code. */
  readonly error?: string;
}

export type Step = StepAction & {
  /** 1-based. */
  readonly index: number;
  readonly name: string;
  readonly expect: Expectation;
};

export interface MediaSettings {
  /** Packets each sender sends per window. */
  readonly packets: number;
  /** Milliseconds between packets (20 ms is real time; less saves time). */
  readonly pacingMs: number;
  /** Fraction of a window's packets that must arrive and authenticate. */
  readonly threshold: number;
  /** How long after the last packet stragglers are waited for (≤ 1 s with the window). */
  readonly settleMs: number;
}

export interface ClusterSettings {
  readonly securityMode?: 'mixed' | 'nonsecure';
  readonly playSecureIndicationTone?: boolean;
}

export interface Scenario {
  readonly file: string;
  readonly name: string;
  /** Seed file and section the scenario checks, e.g. `seed 003, Table 4, row 1`. */
  readonly source: string;
  readonly description: string | null;
  readonly policy: FallbackPolicy;
  readonly cluster: ClusterSettings | null;
  readonly media: MediaSettings;
  readonly devices: ReadonlyMap<string, DeviceDef>;
  readonly steps: readonly Step[];
}

export const DEFAULT_MEDIA: MediaSettings = Object.freeze({ packets: 50, pacingMs: 5, threshold: 0.95, settleMs: 300 });

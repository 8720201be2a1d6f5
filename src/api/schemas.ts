/**
 * JSON schemas of the control API: request validation (fastify/ajv) and the OpenAPI document
 * are built from these same objects (`routes.ts`, `openapi.ts`). Requests are strict
 * (`additionalProperties: false`): an unknown field is a 400 naming the field, not silently dropped.
 */
const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$';

export const idSchema = { type: 'string', pattern: ID_PATTERN, description: '1-64 characters: letters, digits, _ . : -' } as const;

export const endpointSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['address', 'port'],
  properties: {
    address: { type: 'string', minLength: 2, maxLength: 45, description: 'IPv4 or IPv6 address' },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    rtcpPort: { type: 'integer', minimum: 1, maximum: 65535, description: 'default port + 1 (RFC 3550 §11); ignored with rtcp-mux' },
  },
} as const;

const DEVICE_KINDS = ['ip_phone', 'gateway', 'sip_trunk', 'h323_trunk', 'pstn_gateway', 'moh_server', 'transcoder', 'mtp', 'conference_bridge'];

export const deviceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'kind'],
  description: 'The device as the call controller knows it (docs/security-status.md). Omitted flags describe a nonsecure device.',
  properties: {
    id: idSchema,
    kind: { type: 'string', enum: DEVICE_KINDS },
    trusted: { type: 'boolean' },
    securityMode: { type: 'string', enum: ['nonsecure', 'authenticated', 'encrypted'] },
    signalingTls: { type: 'boolean' },
    srtpCapable: { type: 'boolean' },
    iconCapability: { type: 'string', enum: ['shield_and_lock', 'lock_only'] },
    protectedDevice: { type: 'boolean' },
    protocol: { type: 'string', enum: ['sccp', 'sip', 'h323', 'mgcp'] },
    acceptsEncryptedBarge: { type: 'boolean' },
    secureConferenceCapable: { type: 'boolean' },
  },
} as const;

export const streamRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { type: 'string', enum: ['audio', 'video'] },
    remote: endpointSchema,
    rtcpMux: { type: 'boolean', description: 'RTP and RTCP on one port (RFC 5761); default false' },
    crypto: {
      type: 'array', minItems: 1, maxItems: 16,
      items: { type: 'string', minLength: 1, maxLength: 4096 },
      description: 'sdes keying: the endpoint\'s a=crypto offer lines; the answer line comes back in the response',
    },
    srtp: { type: 'boolean', description: 'false: this stream is plain RTP on an SRTP-keyed leg (e.g. RTP video beside SRTP audio, seed 003 Table 4 row 2); default true unless keying is none' },
  },
} as const;

export const legRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'device', 'keying'],
  properties: {
    id: idSchema,
    device: deviceSchema,
    keying: { type: 'string', enum: ['managed', 'sdes', 'none', 'dtls'], description: 'managed: the key manager keys the leg (GET .../keys); sdes: the endpoint offers a=crypto; none: plain RTP; dtls: a WebRTC leg (ICE-lite + DTLS-SRTP, docs/webrtc.md), its offer in webrtc.offer' },
    keyingScope: {
      type: 'string', enum: ['call', 'leg'],
      description: 'managed keying: call (default, seed 003) shares the call\'s two key sets per stream with the other managed phone, the relay verifies and forwards unchanged (verified passthrough); leg: the leg gets its own key sets and the relay re-encrypts',
    },
    suites: { type: 'array', minItems: 1, maxItems: 16, items: { type: 'string', minLength: 1, maxLength: 64 }, description: 'managed keying: suites the endpoint supports (default: every suite of the policy)' },
    latching: { type: 'string', enum: ['authenticated', 'first', 'strict', 'off'] },
    streams: { type: 'array', minItems: 1, maxItems: 2, items: streamRequestSchema, description: 'default one audio stream' },
    webrtc: {
      type: 'object', additionalProperties: false,
      description: 'keying dtls: the WebRTC peer\'s offer (the response carries the relay\'s answer in webrtc.answer); without offer the relay offers to the peer through POST .../legs/{other}/sdp (docs/webrtc.md)',
      properties: {
        offer: { type: 'string', minLength: 1, maxLength: 65536, description: 'SDP offer (UDP/TLS/RTP/SAVPF, ICE, a=fingerprint, rtcp-mux)' },
        setup: { type: 'string', enum: ['passive', 'active'], description: 'the relay\'s DTLS role for an actpass offer (default passive: the relay is the DTLS server)' },
        profiles: { type: 'array', minItems: 1, maxItems: 4, items: { type: 'string', minLength: 1, maxLength: 64 }, description: 'SRTP profiles offered in DTLS use_srtp, in preference order' },
        codecs: { type: 'array', minItems: 1, maxItems: 32, items: { type: 'string', minLength: 1, maxLength: 32 }, description: 'encoding names the other side can take; none in common is API_ERR_NO_COMMON_CODEC' },
      },
    },
  },
} as const;

export const callParams = {
  type: 'object', additionalProperties: false, required: ['callId'], properties: { callId: idSchema },
} as const;
export const legParams = {
  type: 'object', additionalProperties: false, required: ['callId', 'legId'], properties: { callId: idSchema, legId: idSchema },
} as const;
export const streamParams = {
  type: 'object', additionalProperties: false, required: ['callId', 'legId', 'kind'],
  properties: { callId: idSchema, legId: idSchema, kind: { type: 'string', enum: ['audio', 'video'] } },
} as const;
export const resourceParams = {
  type: 'object', additionalProperties: false, required: ['callId', 'resourceId'], properties: { callId: idSchema, resourceId: idSchema },
} as const;

export const createCallBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: idSchema,
    policy: { type: 'string', enum: ['bridge', 'rtp'], description: 'fallback policy; default bridge' },
    legs: {
      type: 'array', minItems: 1, maxItems: 2, items: legRequestSchema,
      description: 'the call\'s legs, each as POST .../legs takes it, added in order; the answer lists each leg as that route answers it (sdes: streams[].crypto, dtls: webrtc.answer). A leg that is refused fails the whole request: no call is left behind',
    },
  },
} as const;

export const updateCallBody = {
  type: 'object', additionalProperties: false, required: ['policy'],
  properties: { policy: { type: 'string', enum: ['bridge', 'rtp'] } },
} as const;

export const updateLegBody = {
  type: 'object',
  additionalProperties: false,
  required: ['streams'],
  properties: {
    streams: {
      type: 'array', minItems: 1, maxItems: 2,
      items: {
        type: 'object', additionalProperties: false, required: ['kind', 'remote'],
        properties: { kind: { type: 'string', enum: ['audio', 'video'] }, remote: endpointSchema },
      },
    },
  },
} as const;

export const rekeyBody = {
  type: 'object', additionalProperties: false,
  properties: { stream: { type: 'string', enum: ['audio', 'video'], description: 'default: every SRTP stream of the leg' } },
} as const;

export const sdpBody = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'sdp'],
  properties: {
    type: { type: 'string', enum: ['offer', 'answer'] },
    sdp: { type: 'string', minLength: 10, maxLength: 65536 },
    to: { ...idSchema, description: 'the leg to rewrite for; default the only other leg' },
  },
} as const;

export const transitionBody = {
  type: 'object', additionalProperties: false, required: ['kind'],
  properties: { kind: { type: 'string', enum: ['hold', 'resume', 'forward', 'transfer'] } },
} as const;

const resourceDevice = { ...deviceSchema, required: ['id', 'kind'] } as const;

export const holdBody = {
  type: 'object',
  additionalProperties: false,
  required: ['leg'],
  properties: {
    leg: idSchema,
    moh: {
      type: 'object', additionalProperties: false, required: ['id', 'remote'],
      properties: { id: idSchema, device: resourceDevice, remote: endpointSchema },
      description: 'music on hold: the relay opens an RTP port for the MOH source (remote) and plays it to the other party',
    },
  },
} as const;

export const insertBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'leg', 'remotes'],
  properties: {
    id: idSchema,
    leg: { ...idSchema, description: 'the leg whose side of the relay the resource serves' },
    stream: { type: 'string', enum: ['audio', 'video'] },
    device: resourceDevice,
    remotes: {
      type: 'object', additionalProperties: false, required: ['leg', 'peer'],
      properties: {
        leg: { ...endpointSchema, description: 'resource port that takes and returns the leg-side media' },
        peer: { ...endpointSchema, description: 'resource port that takes and returns the other side\'s media' },
      },
    },
  },
} as const;

export const transferBody = {
  type: 'object', additionalProperties: false, required: ['from', 'to'],
  properties: { from: idSchema, to: legRequestSchema, kind: { type: 'string', enum: ['transfer', 'forward'] } },
} as const;

const bridgeOfferSchema = {
  type: 'object', additionalProperties: false, required: ['id', 'remote'],
  properties: {
    id: idSchema,
    device: { ...resourceDevice, description: 'kind conference_bridge; secure when trusted, encrypted, TLS and SRTP-capable (default: a nonsecure bridge)' },
    remote: { ...endpointSchema, description: 'where the bridge takes media: every participant port of the relay sends here' },
  },
} as const;

export const conferenceBody = {
  type: 'object', additionalProperties: false, required: ['initiator', 'bridges'],
  properties: {
    initiator: { ...idSchema, description: 'the leg that starts the conference; seed 004 Table 2: a secure initiator gets a secure bridge' },
    bridges: { type: 'array', minItems: 1, maxItems: 8, items: bridgeOfferSchema, description: 'bridges on offer; the model picks one' },
  },
} as const;

export const participantBody = {
  type: 'object', additionalProperties: false, required: ['leg'],
  properties: { leg: legRequestSchema },
} as const;

export const meetMeBody = {
  type: 'object', additionalProperties: false, required: ['id', 'minimumLevel', 'initiator', 'bridges'],
  properties: {
    id: idSchema,
    policy: { type: 'string', enum: ['bridge', 'rtp'] },
    minimumLevel: { type: 'string', enum: ['nonsecure', 'authenticated', 'encrypted'], description: 'seed 004 Table 2: callers below it are refused (403 CALL_ERR_BELOW_MINIMUM_SECURITY)' },
    initiator: legRequestSchema,
    bridges: conferenceBody.properties.bridges,
  },
} as const;

export const bargeBody = {
  type: 'object', additionalProperties: false, required: ['initiator', 'target'],
  properties: {
    initiator: legRequestSchema,
    target: { ...idSchema, description: 'the leg whose phone is barged (its built-in bridge mixes)' },
    bridge: {
      type: 'object', additionalProperties: false, required: ['remote'],
      properties: {
        id: { ...idSchema, description: 'name of the built-in bridge port (default <target>.bib)' },
        remote: { ...endpointSchema, description: 'where the target phone\'s built-in bridge takes the barger\'s media' },
      },
    },
  },
} as const;

// ── responses ──────────────────────────────────────────────────────────────
// Registered with fastify for every route (server.ts): each reply is checked against its
// schema before it is sent, so a reply that drifts from this contract is a 500, not a silent
// change for clients. The TypeScript shapes of the same replies are in dto.ts.

const nullable = (schema: object): object => ({ anyOf: [schema, { type: 'null' }] });

const errorSchema = {
  type: 'object', required: ['error'],
  properties: {
    error: {
      type: 'object', required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' }, tone: { type: 'string', description: 'a refused barge: the tone the initiator hears' } },
    },
  },
} as const;

const localSchema = {
  type: 'object', required: ['address', 'rtpPort', 'rtcpPort'],
  properties: { address: { type: 'string' }, rtpPort: { type: 'integer' }, rtcpPort: { type: 'integer' } },
} as const;

const remoteViewSchema = {
  type: 'object', required: ['address', 'port'],
  properties: { address: { type: 'string' }, port: { type: 'integer' }, rtcpPort: { type: 'integer' } },
} as const;

/** Role, store connectivity, calls owned and foreign, HA totals (docs/ha.md). */
export const clusterStatusSchema = {
  type: 'object', required: ['role', 'nodeId', 'store', 'calls', 'totals'],
  properties: {
    role: { type: 'string', enum: ['active', 'standby'] },
    nodeId: { type: 'string' },
    store: {
      type: 'object', required: ['kind', 'where', 'durable', 'connected', 'degradedSince'],
      properties: {
        kind: { type: 'string', enum: ['memory', 'redis'] }, where: { type: 'string' }, durable: { type: 'boolean' },
        connected: { type: 'boolean' }, degradedSince: { type: ['string', 'null'] },
      },
    },
    calls: { type: 'object', required: ['owned', 'foreign'], properties: { owned: { type: 'integer', minimum: 0 }, foreign: { type: 'integer', minimum: 0 } } },
    totals: {
      type: 'object',
      properties: Object.fromEntries(['takeovers', 'storeDown', 'storeWriteFailures', 'reservations', 'reservationsWaiting', 'restoreFailures'].map((k) => [k, { type: 'integer', minimum: 0 }])),
    },
  },
} as const;

/** `/healthz`: `{ status }` alone without a token; the details with it (src/api/health.ts). */
export const healthSchema = {
  type: 'object', required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    reasons: { type: 'array', items: { type: 'string' } },
    calls: { type: 'integer', minimum: 0 },
    workers: { type: 'object', required: ['total', 'alive'], properties: { total: { type: 'integer' }, alive: { type: 'integer' } } },
    portsAvailable: { type: 'integer', minimum: 0 },
    packetIo: { type: 'string', enum: ['native', 'dgram'] },
    packetIoFallback: { type: ['string', 'null'] },
    cluster: clusterStatusSchema,
  },
} as const;

export const clusterActivateBody = {
  type: 'object', additionalProperties: false,
  properties: { callIds: { type: 'array', maxItems: 10000, items: { type: 'string', minLength: 1, maxLength: 256 } } },
} as const;

export const clusterActivateSchema = {
  type: 'object', required: ['activated', 'cluster'],
  properties: { activated: { type: 'array', items: { type: 'string' } }, cluster: clusterStatusSchema },
} as const;

export const securitySchema = {
  type: 'object',
  required: ['status', 'devices', 'media', 'policy', 'reasons', 'notices'],
  properties: {
    status: { type: 'string', enum: ['encrypted', 'authenticated', 'nonsecure'] },
    devices: {
      type: 'array',
      items: {
        type: 'object', required: ['leg', 'deviceId', 'icon', 'tone'],
        properties: { leg: { type: 'string' }, deviceId: { type: 'string' }, icon: { type: 'string', enum: ['lock', 'shield', 'none'] }, tone: { type: 'string', enum: ['secure', 'nonsecure', 'none'] } },
      },
    },
    media: {
      type: 'array',
      items: {
        type: 'object', required: ['kind', 'segments', 'srtpEndToEnd'],
        properties: {
          kind: { type: 'string', enum: ['audio', 'video'] }, srtpEndToEnd: { type: 'boolean' },
          segments: {
            type: 'array',
            items: {
              type: 'object', required: ['endpoint', 'id', 'towardLegId', 'transport', 'reason'],
              properties: {
                endpoint: { type: 'string' }, id: { type: 'string' }, towardLegId: { type: ['string', 'null'] },
                transport: { type: 'string', enum: ['srtp', 'rtp', 'inactive'] }, reason: { type: ['string', 'null'] },
              },
            },
          },
        },
      },
    },
    reasons: { type: 'array', items: { type: 'object', required: ['code'], properties: { code: { type: 'string' }, legId: { type: 'string' }, resourceId: { type: 'string' }, stream: { type: 'string' } } } },
    notices: { type: 'array', items: { type: 'object', required: ['code'], properties: { code: { type: 'string' }, legId: { type: 'string' } } } },
    policy: { type: 'string', enum: ['bridge', 'rtp'] },
  },
} as const;

export const streamViewSchema = {
  type: 'object',
  required: ['kind', 'srtp', 'negotiated', 'transport', 'suite', 'local', 'rtcpMux', 'remote', 'peer', 'mode', 'counters'],
  properties: {
    kind: { type: 'string', enum: ['audio', 'video'] },
    srtp: { type: 'boolean', description: 'SRTP on this leg (keying managed/sdes and not srtp: false)' },
    negotiated: { type: 'boolean', description: 'SRTP keys in place (always true for plain RTP)' },
    transport: { type: ['string', 'null'], enum: ['srtp', 'rtp', 'inactive', null] },
    suite: { type: ['string', 'null'] },
    local: nullable(localSchema), rtcpMux: { type: 'boolean' }, remote: nullable(remoteViewSchema),
    peer: { type: ['string', 'null'] }, mode: { type: ['string', 'null'] }, counters: { type: ['object', 'null'], additionalProperties: { type: 'integer' } },
    crypto: { type: 'string', description: 'sdes: the relay\'s a=crypto answer line (only in the response that created it)' },
  },
} as const;

const deviceViewSchema = {
  type: 'object', required: ['id', 'kind', 'trusted', 'securityMode', 'signalingTls', 'srtpCapable'],
  description: 'The device with every flag filled in (docs/security-status.md)',
  properties: { ...deviceSchema.properties },
} as const;

export const legViewSchema = {
  type: 'object', required: ['id', 'device', 'keying', 'streams'],
  properties: {
    id: { type: 'string' }, device: deviceViewSchema, keying: { type: 'string', enum: ['managed', 'sdes', 'none', 'dtls'] }, streams: { type: 'array', items: streamViewSchema },
    webrtc: { type: 'object', required: ['answer'], properties: { answer: { type: 'string', description: 'keying dtls: the relay\'s SDP answer (ICE-lite, DTLS fingerprint)' } } },
  },
} as const;

export const resourceViewSchema = {
  type: 'object', required: ['id', 'kind', 'leg', 'stream', 'local'],
  properties: {
    id: { type: 'string' }, kind: { type: 'string', enum: ['moh_server', 'transcoder', 'mtp'] }, leg: { type: ['string', 'null'] }, stream: { type: 'string', enum: ['audio', 'video'] },
    local: { type: 'object', description: 'per role (moh; near, far): the relay port the resource sends to', additionalProperties: nullable(localSchema) },
  },
} as const;

export const bridgeViewSchema = {
  type: 'object', required: ['id', 'kind', 'secure', 'remote', 'ports'],
  description: 'the conference bridge: id, secure, remote, ports per participant stream (transport, local)',
  properties: {
    id: { type: 'string' }, kind: { type: 'string', enum: ['conference_bridge'] }, secure: { type: 'boolean' }, remote: remoteViewSchema,
    ports: {
      type: 'array',
      items: {
        type: 'object', required: ['leg', 'stream', 'transport', 'suite', 'local'],
        properties: { leg: { type: 'string' }, stream: { type: 'string' }, transport: { type: 'string', enum: ['srtp', 'rtp'] }, suite: { type: ['string', 'null'] }, local: nullable(localSchema) },
      },
    },
  },
} as const;

export const callViewSchema = {
  type: 'object',
  required: ['id', 'createdAt', 'policy', 'status', 'legs', 'resources', 'hold', 'pending', 'conference', 'bridge'],
  properties: {
    id: { type: 'string' }, createdAt: { type: 'string' }, policy: { type: 'string', enum: ['bridge', 'rtp'] }, status: { type: 'string', enum: ['encrypted', 'authenticated', 'nonsecure'] },
    legs: { type: 'array', items: legViewSchema },
    resources: { type: 'array', items: resourceViewSchema },
    hold: nullable({ type: 'object', required: ['holdingLegId', 'mohResourceId'], properties: { holdingLegId: { type: 'string' }, mohResourceId: { type: ['string', 'null'] } } }),
    pending: { type: ['string', 'null'], enum: ['hold', 'resume', 'forward', 'transfer', null] },
    conference: nullable({
      type: 'object', required: ['kind', 'initiator', 'bridge', 'minimumLevel', 'target', 'bargeTone'],
      properties: {
        kind: { type: 'string', enum: ['adhoc', 'meetme', 'barge'] }, initiator: { type: 'string' }, bridge: { type: ['string', 'null'] },
        minimumLevel: { type: ['string', 'null'] }, target: { type: ['string', 'null'] }, bargeTone: { type: 'boolean' },
      },
    }),
    bridge: nullable(bridgeViewSchema),
  },
} as const;

/** A page of `GET /v1/calls` (limit, cursor): `nextCursor` is null on the last page. */
export const callListSchema = {
  type: 'object', required: ['calls', 'nextCursor'],
  properties: { calls: { type: 'array', items: callViewSchema }, nextCursor: { type: ['string', 'null'] } },
} as const;

/** The answer of every call operation: the call, its security, and what the operation made. */
export const operationResultSchema = {
  type: 'object', required: ['call', 'security'],
  properties: {
    call: callViewSchema, security: securitySchema,
    resource: { anyOf: [resourceViewSchema, bridgeViewSchema, { type: 'null' }], description: 'MOH / transcoder / MTP relay ports, or the conference bridge' },
    leg: legViewSchema,
  },
} as const;

export const keysViewSchema = {
  type: 'object', required: ['leg', 'streams'],
  description: 'Key delivery for a managed leg: per stream, what the endpoint sends with and receives with, as SDES a=crypto lines (RFC 4568 key format, with MKIs for call scope). Secret.',
  properties: {
    leg: { type: 'string' },
    streams: {
      type: 'array',
      items: {
        type: 'object', required: ['kind', 'suite', 'keyingScope', 'send', 'receive'],
        properties: {
          kind: { type: 'string' }, suite: { type: 'string' },
          keyingScope: { type: 'string', enum: ['call', 'leg'], description: 'call: the call\'s shared sets (seed 003); leg: the leg\'s own (the relay re-encrypts)' },
          generation: { type: 'integer', minimum: 1, description: 'call scope: the keys\' generation (1, +1 per rekey)' },
          send: { type: 'string', description: 'a=crypto line the endpoint protects with (call scope: its endpoint key, MKI 1, only)' },
          receive: { type: 'string', description: 'a=crypto line the endpoint unprotects with (call scope: the other phone\'s endpoint key, MKI 1, and the relay-origin key, MKI 2)' },
        },
      },
    },
  },
} as const;

export const bridgeKeysSchema = {
  type: 'object', required: ['bridge', 'secure', 'ports'],
  description: 'Key delivery for the conference bridge: per participant port, the bridge\'s send and receive keys (secure bridge). Secret.',
  properties: {
    bridge: { type: 'string' }, secure: { type: 'boolean' },
    ports: {
      type: 'array',
      items: {
        type: 'object', required: ['leg', 'stream', 'transport', 'local'],
        properties: {
          leg: { type: 'string' }, stream: { type: 'string' }, transport: { type: 'string', enum: ['srtp', 'rtp'] }, local: nullable(localSchema),
          suite: { type: 'string' }, send: { type: 'string' }, receive: { type: 'string' },
        },
      },
    },
  },
} as const;

export const sdpResultSchema = {
  type: 'object', required: ['type', 'for', 'sdp'],
  properties: { type: { type: 'string', enum: ['offer', 'answer'] }, for: { type: 'string' }, sdp: { type: 'string' } },
} as const;

export { errorSchema, localSchema };

/** `GET /v1/calls`: query values arrive as strings (types are not coerced). */
export const listCallsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'string', pattern: '^[1-9][0-9]{0,5}$', description: 'page size (default 100, at most limits.maxPageSize)' },
    cursor: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$', description: 'nextCursor of the previous page' },
  },
} as const;

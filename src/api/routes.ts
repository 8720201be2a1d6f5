/**
 * Every HTTP route of the control API as data: method, URL, the request schemas fastify
 * validates with, and the response schemas replies are validated against and the OpenAPI
 * document shows. `server.ts` binds a
 * handler to each `operationId`; `openapi.ts` renders the same table, so the two cannot drift
 * (a test checks every registered route appears in `/v1/openapi.json`).
 */
import * as S from './schemas';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** fastify syntax (`:callId`). */
  readonly url: string;
  readonly summary: string;
  readonly tags: readonly string[];
  /** Secret responses (key material): never cached, never logged. */
  readonly secret?: boolean;
  readonly schema: { readonly params?: object; readonly body?: object; readonly querystring?: object };
  /**
   * Status → [description, schema?]. server.ts registers each schema with fastify, so replies
   * are validated against it; errors (4xx/5xx, errorSchema) are added by server.ts and openapi.ts.
   */
  readonly responses: Readonly<Record<number, readonly [string, object?]>>;
  /** Not a JSON route (WebSocket, Prometheus text). */
  readonly kind?: 'websocket' | 'text';
}

const callView: readonly [string, object] = ['the call', S.callViewSchema];
const security: readonly [string, object] = ['the call\'s security report', S.securitySchema];
const opResult = S.operationResultSchema;

export const ROUTES: readonly RouteSpec[] = Object.freeze([
  { operationId: 'healthz', method: 'GET', url: '/healthz', summary: 'Health: { status } without a token (503 when degraded: worker down, ports exhausted, shutting down); details with it', tags: ['ops'], schema: {}, responses: { 200: ['healthy', S.healthSchema], 503: ['degraded', S.healthSchema] } },
  { operationId: 'metrics', method: 'GET', url: '/metrics', summary: 'Prometheus metrics (text exposition format)', tags: ['ops'], schema: {}, responses: { 200: ['metrics'] }, kind: 'text' },
  { operationId: 'openapi', method: 'GET', url: '/v1/openapi.json', summary: 'This document', tags: ['ops'], schema: {}, responses: { 200: ['OpenAPI 3.0 document', { type: 'object' }] } },
  { operationId: 'events', method: 'GET', url: '/v1/events', summary: 'WebSocket: securitychange, latch, keyexpiring, keyexpired, dtls, ice, call and leg lifecycle events', tags: ['events'], schema: {}, responses: { 101: ['switching to WebSocket'] }, kind: 'websocket' },
  { operationId: 'createCall', method: 'POST', url: '/v1/calls', summary: 'Create a call, optionally with its legs (each answered as POST .../legs answers it; a refused leg leaves no call)', tags: ['calls'], secret: true, schema: { body: S.createCallBody }, responses: { 201: ['the call; with legs, each leg as POST .../legs answers it (sdes answers in legs[].streams[].crypto)', S.callViewSchema] } },
  { operationId: 'listCalls', method: 'GET', url: '/v1/calls', summary: 'List calls in id order, a page at a time (limit, cursor from nextCursor)', tags: ['calls'], schema: { querystring: S.listCallsQuery }, responses: { 200: ['a page of calls', S.callListSchema] } },
  { operationId: 'getCall', method: 'GET', url: '/v1/calls/:callId', summary: 'Get a call', tags: ['calls'], schema: { params: S.callParams }, responses: { 200: callView } },
  { operationId: 'updateCall', method: 'PATCH', url: '/v1/calls/:callId', summary: 'Change the fallback policy (re-plumbs the relay)', tags: ['calls'], schema: { params: S.callParams, body: S.updateCallBody }, responses: { 200: ['call and security', opResult] } },
  { operationId: 'deleteCall', method: 'DELETE', url: '/v1/calls/:callId', summary: 'End a call: close its legs, wipe its keys', tags: ['calls'], schema: { params: S.callParams }, responses: { 204: ['deleted'] } },
  { operationId: 'getSecurity', method: 'GET', url: '/v1/calls/:callId/security', summary: 'Security status, icons and tones per device, media segments, reasons', tags: ['calls'], schema: { params: S.callParams }, responses: { 200: security } },
  { operationId: 'addLeg', method: 'POST', url: '/v1/calls/:callId/legs', summary: 'Add a leg (opens relay ports; sdes: answers the endpoint\'s a=crypto offer)', tags: ['legs'], secret: true, schema: { params: S.callParams, body: S.legRequestSchema }, responses: { 201: ['the leg; sdes answers in streams[].crypto', S.legViewSchema] } },
  { operationId: 'getLeg', method: 'GET', url: '/v1/calls/:callId/legs/:legId', summary: 'Get a leg (ports, suites, counters; never keys)', tags: ['legs'], schema: { params: S.legParams }, responses: { 200: ['the leg', S.legViewSchema] } },
  { operationId: 'updateLeg', method: 'PATCH', url: '/v1/calls/:callId/legs/:legId', summary: 'New remote address from signaling (re-INVITE)', tags: ['legs'], schema: { params: S.legParams, body: S.updateLegBody }, responses: { 200: ['the leg', S.legViewSchema] } },
  { operationId: 'removeLeg', method: 'DELETE', url: '/v1/calls/:callId/legs/:legId', summary: 'Remove a leg (the party hung up)', tags: ['legs'], schema: { params: S.legParams }, responses: { 200: ['call and security', opResult] } },
  { operationId: 'getLegKeys', method: 'GET', url: '/v1/calls/:callId/legs/:legId/keys', summary: 'Key delivery for a managed leg: the endpoint\'s send and receive keys', tags: ['legs'], secret: true, schema: { params: S.legParams }, responses: { 200: ['keys (secret)', S.keysViewSchema] } },
  { operationId: 'processSdp', method: 'POST', url: '/v1/calls/:callId/legs/:legId/sdp', summary: 'Take this leg\'s SDP offer or answer, return the SDP for the other leg', tags: ['legs'], secret: true, schema: { params: S.legParams, body: S.sdpBody }, responses: { 200: ['SDP for the other side', S.sdpResultSchema] } },
  { operationId: 'beginTransition', method: 'POST', url: '/v1/calls/:callId/transitions', summary: 'A hold, resume, forward or transfer has started (status nonsecure until it completes)', tags: ['fallback'], schema: { params: S.callParams, body: S.transitionBody }, responses: { 200: ['call and security', opResult] } },
  { operationId: 'hold', method: 'POST', url: '/v1/calls/:callId/hold', summary: 'Hold, with music on hold from an RTP source', tags: ['fallback'], schema: { params: S.callParams, body: S.holdBody }, responses: { 200: ['call, security, MOH relay port', opResult] } },
  { operationId: 'resume', method: 'POST', url: '/v1/calls/:callId/resume', summary: 'Resume from hold', tags: ['fallback'], schema: { params: S.callParams }, responses: { 200: ['call and security', opResult] } },
  { operationId: 'insertTranscoder', method: 'POST', url: '/v1/calls/:callId/transcoders', summary: 'Insert a transcoder on one leg\'s side (RTP segment)', tags: ['fallback'], schema: { params: S.callParams, body: S.insertBody }, responses: { 200: ['call, security, relay ports toward the resource', opResult] } },
  { operationId: 'removeTranscoder', method: 'DELETE', url: '/v1/calls/:callId/transcoders/:resourceId', summary: 'Remove a transcoder', tags: ['fallback'], schema: { params: S.resourceParams }, responses: { 200: ['call and security', opResult] } },
  { operationId: 'insertMtp', method: 'POST', url: '/v1/calls/:callId/mtps', summary: 'Insert a media termination point on one leg\'s side (RTP segment)', tags: ['fallback'], schema: { params: S.callParams, body: S.insertBody }, responses: { 200: ['call, security, relay ports toward the resource', opResult] } },
  { operationId: 'removeMtp', method: 'DELETE', url: '/v1/calls/:callId/mtps/:resourceId', summary: 'Remove a media termination point', tags: ['fallback'], schema: { params: S.resourceParams }, responses: { 200: ['call and security', opResult] } },
  { operationId: 'transfer', method: 'POST', url: '/v1/calls/:callId/transfer', summary: 'Transfer (or forward) a leg to another device; secure to non-secure and back', tags: ['fallback'], secret: true, schema: { params: S.callParams, body: S.transferBody }, responses: { 200: ['call, security, the new leg', opResult] } },
  { operationId: 'addStream', method: 'POST', url: '/v1/calls/:callId/legs/:legId/streams', summary: 'Add a stream mid-call (video on): its relay port and keys (managed: GET .../keys; sdes: the answer in leg.streams[].crypto)', tags: ['legs'], secret: true, schema: { params: S.legParams, body: S.streamRequestSchema }, responses: { 200: ['call, security, the leg', opResult] } },
  { operationId: 'removeStream', method: 'DELETE', url: '/v1/calls/:callId/legs/:legId/streams/:kind', summary: 'Remove a stream mid-call (video off): its relay port closed, its keys wiped', tags: ['legs'], schema: { params: S.streamParams }, responses: { 200: ['call, security, the leg', opResult] } },
  { operationId: 'rekeyLeg', method: 'POST', url: '/v1/calls/:callId/legs/:legId/rekey', summary: 'New master keys for a managed leg (ROC carried over); the endpoint fetches them at .../keys', tags: ['legs'], schema: { params: S.legParams, body: S.rekeyBody }, responses: { 200: ['call, security, the leg', opResult] } },
  { operationId: 'startConference', method: 'POST', url: '/v1/calls/:callId/conference', summary: 'Start an ad hoc conference (seed 004 Table 2 rows 1-3): the model picks a bridge, each leg gets a port on it', tags: ['conference'], schema: { params: S.callParams, body: S.conferenceBody }, responses: { 200: ['call, security, the bridge and its ports', opResult] } },
  { operationId: 'conferenceKeys', method: 'GET', url: '/v1/calls/:callId/conference/keys', summary: 'Key delivery for a secure conference bridge: per participant port', tags: ['conference'], secret: true, schema: { params: S.callParams }, responses: { 200: ['keys (secret)', S.bridgeKeysSchema] } },
  { operationId: 'addParticipant', method: 'POST', url: '/v1/calls/:callId/participants', summary: 'Add a party to a conference (meet-me: refused below the minimum level)', tags: ['conference'], secret: true, schema: { params: S.callParams, body: S.participantBody }, responses: { 200: ['call, security, the new leg, the bridge', opResult] } },
  { operationId: 'removeParticipant', method: 'DELETE', url: '/v1/calls/:callId/participants/:legId', summary: 'A party leaves the conference: its leg and bridge port closed, keys wiped', tags: ['conference'], schema: { params: S.legParams }, responses: { 200: ['call and security', opResult] } },
  { operationId: 'barge', method: 'POST', url: '/v1/calls/:callId/barge', summary: 'Barge into the call through the target phone\'s built-in bridge (refused: 403 CALL_ERR_BARGE_REJECTED with the tone)', tags: ['conference'], secret: true, schema: { params: S.callParams, body: S.bargeBody }, responses: { 200: ['call, security, the barger\'s leg, its bridge port', opResult] } },
  { operationId: 'endBargeTone', method: 'POST', url: '/v1/calls/:callId/barge/tone-end', summary: 'The SIP barge tone-on-hold ended: the call takes the conference status', tags: ['conference'], schema: { params: S.callParams }, responses: { 200: ['call and security', opResult] } },
  { operationId: 'clusterStatus', method: 'GET', url: '/v1/cluster', summary: 'HA: this node\'s role, state store connectivity, calls owned and foreign (docs/ha.md)', tags: ['ops'], schema: {}, responses: { 200: ['cluster status', S.clusterStatusSchema] } },
  { operationId: 'clusterActivate', method: 'POST', url: '/v1/cluster/activate', summary: 'HA: take over foreign calls now (all, or callIds; an id not held here: 404 API_ERR_UNKNOWN_CALL, nothing taken), above the stored SRTP index reservations', tags: ['ops'], schema: { body: S.clusterActivateBody }, responses: { 200: ['calls taken over', S.clusterActivateSchema] } },
  { operationId: 'createMeetMe', method: 'POST', url: '/v1/meetme', summary: 'Create a meet-me conference call with a minimum security level (seed 004 Table 2 rows 4-5)', tags: ['conference'], secret: true, schema: { body: S.meetMeBody }, responses: { 201: ['call, security, the initiator leg, the bridge', opResult] } },
] as RouteSpec[]);

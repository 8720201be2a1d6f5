/** The ng front end: rtpengine's control protocol over UDP, TCP and HTTP (docs/ng.md). */
export { bencode, bdecode, bdecodeBytes, bdecodePrefix, BencodeError, isNgDict, type NgDict, type NgValue, type BencodeInput, type BencodeLimits } from './bencode';
export { NgError, NgErrorCode } from './errors';
export { splitFrame, decodeBody, encodeFrame, type NgFrame, type NgBodyFormat } from './framing';
export { parseRequest } from './request-parser';
export * from './requests';
export type * from './call-control';
export { CookieCache, DEFAULT_COOKIE_CACHE, type CookieCacheOptions } from './cookie-cache';
export { NgDispatcher, type NgPeer, type NgDispatcherOptions } from './dispatcher';
export { NgUdpServer, MAX_NG_DATAGRAM } from './udp-server';
export { NgTcpServer } from './tcp-server';
export { registerNgHttpRoute, NG_CONTENT_TYPE } from './http-route';
export { NgClient, NgClientError } from './ng-client';
export { ControllerNgCallControl, CALLER_LEG, CALLEE_LEG, type NgCallControlOptions } from './ng-call-control';
export { sideHints, type NgSide, type SideHints } from './side-hints';

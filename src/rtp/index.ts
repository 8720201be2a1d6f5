export * from './rtp-header';
export * from './rtcp-header';

/** Control API (`src/api`): see docs/api.md. */
export { startApiServer, type ApiServerConfig, type RunningApi } from './api-server';
export { buildServer, type ApiServerOptions } from './server';
export { EventHub, API_EVENT_TYPES, type ApiEvent, type ApiEventMap, type ApiEventType } from './event-hub';
export { API_ERRORS, ApiError, type ApiErrorCode } from './errors';
export { toHttpError, type ErrorBody } from './error-mapping';
export { buildOpenApi, openApiPath } from './openapi';
export { ROUTES, type RouteSpec } from './routes';
export { loadConfig, defaultConfig, parseListen, parsePortRange, type ServeConfig, type ServeFlags } from './config';
export { CONFIG_ERRORS, ConfigError } from './config-error';
export { resolveToken, type TokenSource } from './token-store';
export type * from './dto';

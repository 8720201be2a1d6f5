/**
 * Errors of `srtp-relay serve` configuration (defaults, file, environment, flags: config.ts),
 * built with the project's one error factory (src/errors). They stop the server before it
 * listens, so their status only matters to a caller that loads a config on behalf of a client.
 */
import { createErrorClass, defineErrorCatalog } from '../errors';

export const CONFIG_ERRORS = defineErrorCatalog<'CONFIG_ERR_INVALID'>('CONFIG_ERR_', {
  CONFIG_ERR_INVALID: { statusCode: 500, message: 'the configuration is invalid (unknown key, bad value or unreadable file)' },
});

export class ConfigError extends createErrorClass('ConfigError', CONFIG_ERRORS) {
  constructor(message: string) {
    super('CONFIG_ERR_INVALID', { message });
  }
}

/**
 * Replies are validated, not only serialized: fastify compiles one serializer per route and
 * status from the route's response schema, and ours checks the reply against that schema (ajv)
 * before writing it as JSON. A reply that breaks the contract in routes.ts / schemas.ts throws,
 * and the error handler answers 500 API_ERR_INTERNAL instead of sending it — so a drift between
 * call control's views and the documented API shows up in the first test that touches it.
 */
import Ajv, { type ValidateFunction } from 'ajv';

export class ReplyContractError extends Error {
  constructor(readonly url: string, readonly status: string, readonly problems: string) {
    super(`reply of ${url} (${status}) breaks its response schema: ${problems}`);
    this.name = 'ReplyContractError';
  }
}

export function replySerializerCompiler(): (route: { schema: object; url: string; httpStatus?: string }) => (data: unknown) => string {
  // `strict: false`: the schemas carry OpenAPI annotations (description) next to JSON Schema.
  const ajv = new Ajv({ strict: false, allErrors: false });
  const cache = new Map<object, ValidateFunction>();
  return ({ schema, url, httpStatus }) => {
    let validate = cache.get(schema);
    if (validate === undefined) {
      validate = ajv.compile(schema);
      cache.set(schema, validate);
    }
    const check = validate;
    return (data) => {
      if (!check(data)) {
        const problems = (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`).join('; ');
        throw new ReplyContractError(url, httpStatus ?? 'default', problems);
      }
      return JSON.stringify(data);
    };
  };
}

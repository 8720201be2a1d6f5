/**
 * Every remote address in a request body passes the relay's address policy before the request
 * reaches the call service, so a refusal names the field (`streams[0].remote.address`,
 * `moh.remote.address`, `bridges[1].remote.address`, `remotes.peer.address`, ...). The relay
 * applies the same policy again when the address reaches a leg (RELAY_ERR_REMOTE_REFUSED), and
 * its workers apply it to latched sources.
 */
import { isIP } from 'node:net';
import { AddressVerdict, addressVerdictText, type AddressPolicy } from '../relay';
import { ApiError } from './errors';

/** The policy and the family of the relay's sockets. */
export interface RemoteJudge {
  readonly policy: AddressPolicy;
  readonly socketFamily: 4 | 6;
}

export function socketFamilyOf(bindAddress: string): 4 | 6 {
  return isIP(bindAddress) === 6 ? 6 : 4;
}

/** Throws the API error for a refused address (API_ERR_BAD_REQUEST when it is no IP at all). */
export function assertRemoteAddress(judge: RemoteJudge, address: string, field: string): void {
  const verdict = judge.policy.judge(address, judge.socketFamily);
  if (verdict === AddressVerdict.Ok) return;
  if (verdict === AddressVerdict.NotIp) throw new ApiError('API_ERR_BAD_REQUEST', { field, detail: 'not an IP address' });
  throw new ApiError('API_ERR_REMOTE_REFUSED', { field, detail: `${address} is ${addressVerdictText(verdict)}` });
}

/** Walk a (schema-validated) body; endpoints are the values of `remote` and of `remotes.*`. Bounded by the body limit. */
export function assertRequestRemotes(judge: RemoteJudge, body: unknown, path = '', depth = 0): void {
  if (body === null || typeof body !== 'object' || depth > 8) return;
  if (Array.isArray(body)) {
    body.forEach((item, i) => assertRequestRemotes(judge, item, `${path}[${i}]`, depth + 1));
    return;
  }
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (key === 'remote' && isEndpoint(value)) assertRemoteAddress(judge, value.address, `${at}.address`);
    else if (key === 'remotes' && value !== null && typeof value === 'object') {
      for (const [role, endpoint] of Object.entries(value as Record<string, unknown>)) {
        if (isEndpoint(endpoint)) assertRemoteAddress(judge, endpoint.address, `${at}.${role}.address`);
      }
    } else assertRequestRemotes(judge, value, at, depth + 1);
  }
}

function isEndpoint(v: unknown): v is { address: string } {
  return v !== null && typeof v === 'object' && typeof (v as { address?: unknown }).address === 'string';
}

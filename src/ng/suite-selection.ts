/**
 * Which SDES suites the relay offers toward an SRTP recipient: the key policy's order (strongest
 * first: AEAD_AES_256_GCM), `SDES-order:` suites moved to the front, then `SDES-only-` (keep only
 * those) and `SDES-no-` (remove those) applied, as rtpengine's docs/ng_control_protocol.md
 * "SDES" describes. Nothing left is the proxy's error, reported before anything changes.
 */
import { NgError, NgErrorCode } from './errors';
import type { NgSdesOptions } from './requests';

export function suitesToOffer(policyOrder: readonly string[], sdes: NgSdesOptions): string[] {
  const ordered = [...sdes.order.filter((s) => policyOrder.includes(s)), ...policyOrder.filter((s) => !sdes.order.includes(s))];
  const only = sdes.onlySuites.length > 0 ? ordered.filter((s) => sdes.onlySuites.includes(s)) : ordered;
  const chosen = only.filter((s) => !sdes.excludeSuites.includes(s));
  if (chosen.length === 0) {
    throw new NgError(NgErrorCode.BadValue, `SDES: no crypto suite left to offer (the relay offers ${policyOrder.join(', ')})`);
  }
  return chosen;
}

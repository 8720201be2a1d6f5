/**
 * Which remote addresses the relay may send media to (and latch onto). A relay that sends
 * wherever signaling or a packet says is a reflector: toward broadcast and multicast groups,
 * toward link-local neighbours and cloud metadata services, toward addresses no endpoint can
 * have. Every remote — from a leg, a PATCH, MOH, a stream, a conference bridge, an SDP `c=` or
 * `a=rtcp` line, or a latched source — passes `judge` first.
 *
 * Order of the checks (the first that applies decides):
 * 1. not an IP literal;
 * 2. an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`): ambiguous between the families and a
 *    classic way around IPv4 deny lists, so always refused (send the IPv4 address itself);
 * 3. a family the leg's socket cannot reach (an IPv4 socket cannot send to IPv6 and back);
 * 4. unspecified (0.0.0.0/8, ::), limited broadcast (255.255.255.255), multicast
 *    (224.0.0.0/4, ff00::/8): never a unicast endpoint, not configurable;
 * 5. an allow list, when one is configured: the address must be in it;
 * 6. the deny list (default: the cloud metadata addresses);
 * 7. link-local (169.254.0.0/16, fe80::/10) unless `allowLinkLocal`.
 *
 * Plain data in, so the same policy is rebuilt inside every media worker.
 */
import { BlockList, isIP } from 'node:net';

export interface AddressPolicyConfig {
  /** CIDRs (`10.0.0.0/8`, `2001:db8::/32`); when non-empty, only these may be remotes. */
  readonly allow?: readonly string[];
  /** CIDRs never used as remotes. Default `DEFAULT_DENY`. */
  readonly deny?: readonly string[];
  /** Accept 169.254.0.0/16 and fe80::/10 (a relay on a link-local-only segment). Default false. */
  readonly allowLinkLocal?: boolean;
}

/** Cloud instance metadata services (AWS/GCP/Azure/OpenStack, AWS IPv6, Alibaba). */
export const DEFAULT_DENY: readonly string[] = Object.freeze(['169.254.169.254/32', 'fd00:ec2::254/128', '100.100.100.200/32']);

export enum AddressVerdict {
  Ok = 0,
  NotIp = 1,
  Mapped = 2,
  WrongFamily = 3,
  Unspecified = 4,
  Broadcast = 5,
  Multicast = 6,
  NotAllowed = 7,
  Denied = 8,
  LinkLocal = 9,
}

const VERDICT_TEXT: Readonly<Record<AddressVerdict, string>> = Object.freeze({
  [AddressVerdict.Ok]: 'allowed',
  [AddressVerdict.NotIp]: 'not an IP address',
  [AddressVerdict.Mapped]: 'an IPv4-mapped IPv6 address (use the IPv4 address)',
  [AddressVerdict.WrongFamily]: 'of an address family the relay socket cannot reach',
  [AddressVerdict.Unspecified]: 'the unspecified address',
  [AddressVerdict.Broadcast]: 'a broadcast address',
  [AddressVerdict.Multicast]: 'a multicast address',
  [AddressVerdict.NotAllowed]: 'not in the configured allow list',
  [AddressVerdict.Denied]: 'in the configured deny list',
  [AddressVerdict.LinkLocal]: 'link-local (not allowed by configuration)',
});

export function addressVerdictText(v: AddressVerdict): string {
  return VERDICT_TEXT[v];
}

/** Parse `a.b.c.d/n` or `v6/n` (a bare address is a /32 or /128); throws on anything else. */
export function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const v = isIP(address);
  const max = v === 4 ? 32 : 128;
  const prefix = slash < 0 ? max : Number(text.slice(slash + 1));
  if (v === 0 || !/^\d+$/.test(slash < 0 ? String(max) : text.slice(slash + 1)) || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new RangeError(`"${text}" is not a CIDR (address/prefix)`);
  }
  return { address, prefix, family: v === 4 ? 'ipv4' : 'ipv6' };
}

function blockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const { address, prefix, family } = parseCidr(c);
    list.addSubnet(address, prefix, family);
  }
  return list;
}

const NEVER_UNICAST_V4 = blockList(['0.0.0.0/8']);
const BROADCAST_V4 = blockList(['255.255.255.255/32']);
const MULTICAST = blockList(['224.0.0.0/4', 'ff00::/8']);
const LINK_LOCAL = blockList(['169.254.0.0/16', 'fe80::/10']);
const MAPPED = blockList(['::ffff:0:0/96']);

/** Addresses whose verdict is remembered (a few hundred KiB at most; typical deployments use a handful). */
const VERDICT_CACHE_SIZE = 4096;

export class AddressPolicy {
  readonly config: Required<AddressPolicyConfig>;
  private readonly allow: BlockList | null;
  private readonly deny: BlockList;

  /** Throws RangeError for a malformed CIDR (configuration errors surface at start-up). */
  constructor(config: AddressPolicyConfig = {}) {
    this.config = Object.freeze({ allow: [...(config.allow ?? [])], deny: [...(config.deny ?? DEFAULT_DENY)], allowLinkLocal: config.allowLinkLocal === true });
    this.allow = this.config.allow.length > 0 ? blockList(this.config.allow) : null;
    this.deny = blockList(this.config.deny);
  }

  /**
   * Verdicts already given, by family and address: the policy never changes, and call set-up
   * asks about the same few addresses (a proxy's, a gateway's) for every leg, twice (the API's
   * field check, then the relay's). Each BlockList check parses the string into a SocketAddress,
   * five of them per verdict, a few per cent of a REST call's CPU. Bounded: cleared when full.
   */
  private readonly verdicts = new Map<string, AddressVerdict>();

  /** May the relay send to `address` from a socket of `socketFamily` (4 or 6)? */
  judge(address: string, socketFamily: 4 | 6): AddressVerdict {
    const key = `${socketFamily}${address}`;
    const known = this.verdicts.get(key);
    if (known !== undefined) return known;
    const verdict = this.evaluate(address, socketFamily);
    if (this.verdicts.size >= VERDICT_CACHE_SIZE) this.verdicts.clear();
    this.verdicts.set(key, verdict);
    return verdict;
  }

  private evaluate(address: string, socketFamily: 4 | 6): AddressVerdict {
    const v = isIP(address);
    if (v === 0) return AddressVerdict.NotIp;
    const type = v === 4 ? 'ipv4' : 'ipv6';
    // BlockList matches IPv4 addresses against IPv6 rules through the mapped range: test the
    // mapped form only for IPv6 literals.
    if (v === 6 && MAPPED.check(address, 'ipv6')) return AddressVerdict.Mapped;
    if (v !== socketFamily) return AddressVerdict.WrongFamily;
    if (v === 4 ? NEVER_UNICAST_V4.check(address, 'ipv4') : address === '::' || /^[0:]+$/.test(address)) return AddressVerdict.Unspecified;
    if (v === 4 && BROADCAST_V4.check(address, 'ipv4')) return AddressVerdict.Broadcast;
    if (MULTICAST.check(address, type)) return AddressVerdict.Multicast;
    if (this.allow !== null && !this.allow.check(address, type)) return AddressVerdict.NotAllowed;
    if (this.deny.check(address, type)) return AddressVerdict.Denied;
    if (!this.config.allowLinkLocal && LINK_LOCAL.check(address, type)) return AddressVerdict.LinkLocal;
    return AddressVerdict.Ok;
  }
}

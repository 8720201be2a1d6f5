import { CallState } from './call-state';
import { ClusterConfig } from './cluster';
import { deviceSecurity } from './device-security';
import { isTrunk } from './device';
import { iconFor } from './icon';
import { planMedia } from './media-plan';
import { Notice, Reason, reasonCap, reasonKey, REASONS } from './reasons';
import { DeviceReport, SecurityReport } from './security-report';
import { minLevel, SecurityLevel } from './security-level';
import { toneFor } from './tone';

/**
 * The media security status of a call, as a pure function of its state and the cluster.
 *
 * Encrypted (lock) only when every device is trusted and authenticated, signaling is encrypted
 * and every media stream — audio and video — is SRTP end to end through the relay (seed 003
 * Table 1 "Secure Call", "Security icons"; seed 001 "Device Called Trust Determination
 * Criteria"). Authenticated (shield) when devices and signaling are authenticated but some
 * media is RTP (seed 003 Table 4). Otherwise nonsecure. Every step down has a reason; the status
 * is the minimum over the reasons' caps.
 */
export function computeSecurityStatus(state: CallState, cluster: ClusterConfig): SecurityReport {
  const plan = planMedia(state, cluster);
  const reasons: Reason[] = [];
  const seen = new Set<string>();
  const add = (r: Reason): void => {
    const key = reasonKey(r);
    if (!seen.has(key)) {
      seen.add(key);
      reasons.push(Object.freeze(r));
    }
  };

  if (cluster.securityMode === 'nonsecure') {
    // Seed 003 "Cluster and device security modes": every device acts nonsecure; one reason
    // explains every leg and segment.
    add({ code: 'cluster_nonsecure' });
  } else {
    for (const leg of state.legs) {
      for (const code of deviceSecurity(leg.device, cluster).reasons) add({ code, legId: leg.id });
    }
    for (const stream of plan.streams) {
      for (const s of stream.segments) {
        // Device-caused RTP is already explained by the device reason of that leg.
        if (s.reason === null || REASONS[s.reason].scope !== 'media') continue;
        add(s.endpoint === 'leg'
          ? { code: s.reason, legId: s.id, stream: stream.kind }
          : { code: s.reason, resourceId: s.id, stream: stream.kind });
      }
    }
    // Seed 003 "Security icons and encryption": "A SIP trunk will report encrypted or
    // not-authenticated security status when using the TLS transport type. When SRTP is
    // negotiated, the security status will get encrypted; otherwise it will remain
    // not-authenticated."
    for (const leg of state.legs) {
      if (leg.device.kind !== 'sip_trunk') continue;
      const rtp = plan.streams.some((st) => st.segments.some((s) => s.endpoint === 'leg' && s.id === leg.id && s.transport === 'rtp'));
      if (rtp) add({ code: 'sip_trunk_no_srtp', legId: leg.id });
    }
    // Seed 003 "Security icons and encryption": a call from an encrypted phone over a SIP trunk
    // transferred back to an encrypted phone in its own cluster does not get encrypted. We see
    // that as the same SIP trunk on two legs of one call.
    const trunkIds = state.legs.filter((l) => l.device.kind === 'sip_trunk').map((l) => l.device.id);
    if (new Set(trunkIds).size < trunkIds.length) add({ code: 'sip_trunk_hairpin' });
    // Encrypted is a claim about media (seed 003 Table 1 "Secure Call"): with no legs, or no
    // stream carrying media on any segment, there is nothing to show a lock for.
    if (!plan.streams.some((st) => st.segments.some((s) => s.transport !== 'inactive'))) add({ code: 'no_media' });
    if (state.pending !== null) add({ code: 'transition_pending' });
    if (state.conference !== null && state.conference.bargeToneActive) add({ code: 'barge_tone_sip' });
  }

  let status: SecurityLevel = 'encrypted';
  for (const r of reasons) status = minLevel(status, reasonCap(r.code));
  // Seed 003 "Security icons and encryption": no shield for calls transiting H.323 and SIP trunks.
  if (status === 'authenticated' && state.legs.some((l) => isTrunk(l.device))) {
    add({ code: 'trunk_no_shield' });
    status = 'nonsecure';
  }

  const established = state.pending === null && !(state.conference?.bargeToneActive ?? false);
  const devices: DeviceReport[] = state.legs.map((leg) => Object.freeze({
    leg: leg.id,
    deviceId: leg.device.id,
    icon: iconFor(status, leg.device.iconCapability),
    tone: toneFor(leg.device, status, cluster, established),
  }));

  // Seed 003 "Security icons and encryption": for calls that involve the PSTN the icon shows the
  // status of the IP portion only; seed 004 "Phone Call Security" warns the call may be
  // nonsecure beyond it.
  const notices: Notice[] = state.legs
    .filter((l) => l.device.kind === 'pstn_gateway')
    .map((l) => Object.freeze({ code: 'pstn_ip_portion_only' as const, legId: l.id }));

  return Object.freeze({
    status,
    devices: Object.freeze(devices),
    media: plan.streams,
    policy: plan.policy,
    reasons: Object.freeze(reasons),
    notices: Object.freeze(notices),
  });
}

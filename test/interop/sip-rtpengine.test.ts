/**
 * Issue 12's SIP proof against the reference ng relay: Debian's rtpengine (userspace), driven by
 * a real Kamailio 5.6 (`rtpengine` module) between two real baresip 1.0 phones, every scenario of
 * test/sip/scenarios.ts checked end to end (test/sip/scenario-driver.ts). The same suite runs
 * against srtp-relay once its ng front end is wired to the call control (docs/ng.md), which must
 * pass every scenario, including the ones below that rtpengine fails.
 */
import type { KnownGap } from '../sip/relay-under-test';
import { RtpengineUnderTest } from '../sip/rtpengine-under-test';
import { describeSipScenarios } from '../sip/sip-suite';

/** Where Debian bookworm's rtpengine (10.5) falls short; each entry names exactly the checks that fail. */
const RTPENGINE_10_5_GAPS: Readonly<Record<string, KnownGap>> = {
  'SRTP to SRTP, SDES-only-AES_CM_128_HMAC_SHA1_32': {
    reason: 'SDES-only-<suite> exists since rtpengine mr11.2; 10.5 ignores it, offers every suite and the callee keeps the caller\'s AES_CM_128_HMAC_SHA1_80',
    failingChecks: ['offer to callee: only the allowed suites', 'callee suite'],
  },
  'plain to SRTP, SDES-only-AEAD_AES_128_GCM': {
    reason: 'SDES-only-<suite> exists since rtpengine mr11.2; 10.5 offers every suite and the callee picks AEAD_AES_256_GCM',
    failingChecks: ['offer to callee: only the allowed suites', 'callee suite'],
  },
  'plain to SRTP, no SDES-pad flag': {
    reason: 'without SDES-pad rtpengine writes unpadded base64 keys (rtpengine issue #1197); baresip accepts the AEAD_AES_256_GCM line, decodes a wrong key and hears nothing',
    failingChecks: ['offer to callee: SDES keys are padded base64', "callee hears the other side's tone"],
  },
};

describeSipScenarios(new RtpengineUnderTest('127.0.0.2', RTPENGINE_10_5_GAPS));

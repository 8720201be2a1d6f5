/**
 * Issue 12's SIP proof against the reference ng relay: Debian's rtpengine (userspace), driven by
 * a real Kamailio 5.6 (`rtpengine` module) between two real baresip 1.0 phones, every scenario of
 * test/sip/scenarios.ts checked end to end (test/sip/scenario-driver.ts). The same suite runs
 * against srtp-relay once its ng front end is wired to the call control (docs/ng.md).
 */
import { RtpengineUnderTest } from '../sip/rtpengine-under-test';
import { describeSipScenarios } from '../sip/sip-suite';

describeSipScenarios(new RtpengineUnderTest('127.0.0.2'));

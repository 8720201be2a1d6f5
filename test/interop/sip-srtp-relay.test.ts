/**
 * Issue 12's SIP proof against srtp-relay: the same Kamailio 5.6 + baresip 1.0 scenarios as
 * sip-rtpengine.test.ts, driven over ng against the built `srtp-relay serve`, with no known gaps:
 * every scenario must pass, including the three Debian's rtpengine 10.5 fails.
 */
import { describeSipScenarios } from '../sip/sip-suite';
import { SrtpRelayUnderTest } from '../sip/srtp-relay-under-test';

describeSipScenarios(new SrtpRelayUnderTest('127.0.0.3'));

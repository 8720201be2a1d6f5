/**
 * "The ng relay under test": what the SIP harness needs from a media relay driven over ng. The
 * harness runs the same scenarios against every implementation — Debian's rtpengine now
 * (rtpengine-under-test.ts), srtp-relay once its ng front end is wired to the call control.
 *
 * The relay must put `mediaAddress` in the SDP it writes and send/receive media there. It is a
 * loopback address other than the phones' 127.0.0.1 (Linux routes all of 127.0.0.0/8 to lo), so
 * the capture can tell the relay's packets from the phones' at a glance.
 */
export interface NgRelayUnderTest {
  /** For test names and reports, e.g. "rtpengine 10.5.3.5". */
  readonly name: string;
  /** The address the relay advertises in SDP and relays media on, e.g. 127.0.0.2. */
  readonly mediaAddress: string;
  /** Start the relay; resolves once it answers ng `ping` on the returned UDP address. */
  start(): Promise<{ readonly ngAddress: string; readonly ngPort: number }>;
  stop(): Promise<void>;
  /** The relay's recent log output, for failure messages. */
  logTail(): string;
  /**
   * Scenarios this relay is known to fail, by scenario name: why, and exactly which checks fail.
   * The suite then asserts that those checks, and only those, fail — so a gap cannot widen
   * unnoticed, and a fixed one (say, a newer rtpengine) makes the test ask for the entry's removal.
   */
  readonly knownGaps?: Readonly<Record<string, KnownGap>>;
}

export interface KnownGap {
  readonly reason: string;
  readonly failingChecks: readonly string[];
}

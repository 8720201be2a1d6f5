/**
 * The jest suite of SIP scenarios for one ng relay under test: installs the programs (the
 * project's installer, which fails loudly), starts the relay once, runs every scenario in
 * sequence (each bounded in time), and prints a summary with timings. The rtpengine test uses it
 * now; the srtp-relay test will be the same call with our relay as the target.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NgRelayUnderTest } from './relay-under-test';
import { runScenario, type RunningRelay, type ScenarioResult } from './scenario-driver';
import { SIP_SCENARIOS } from './scenarios';

/** One scenario takes ~8 s; this bounds a hung one. */
const SCENARIO_TIMEOUT_MS = 45_000;

function installSipPeers(): void {
  const script = join(__dirname, '..', '..', 'scripts', 'install-sip-peers.sh');
  try {
    execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`scripts/install-sip-peers.sh failed: ${e.stderr?.trim() || e.message}`);
  }
}

export function describeSipScenarios(relay: NgRelayUnderTest): void {
  describe(`SIP scenarios through Kamailio and baresip: ${relay.name}`, () => {
    let running: RunningRelay | null = null;
    const results: ScenarioResult[] = [];

    beforeAll(async () => {
      installSipPeers();
      const ng = await relay.start();
      running = { name: relay.name, mediaAddress: relay.mediaAddress, ...ng };
    }, 660_000);

    afterAll(async () => {
      await relay.stop();
      if (results.length > 0) {
        const lines = results.map((r) => `  ${r.failed.length === 0 ? 'PASS' : relay.knownGaps?.[r.scenario] !== undefined ? 'GAP ' : 'FAIL'}  ${r.scenario.padEnd(58)} setup ${String(r.setupMs).padStart(5)} ms  total ${(r.totalMs / 1000).toFixed(1)} s${r.failed.length === 0 ? '' : relay.knownGaps?.[r.scenario] !== undefined ? `  (known gap: ${r.failed.map((f) => f.name).join('; ')})` : `  (${r.failed.length} checks failed, kept ${r.workDir})`}`);
        console.log(`SIP scenarios against ${relay.name}:\n${lines.join('\n')}`);
      }
    });

    for (const scenario of SIP_SCENARIOS) {
      it(scenario.name, async () => {
        if (running === null) throw new Error('the relay did not start');
        const r = await runScenario(running, scenario);
        results.push(r);
        // SIP_SCENARIO_DETAILS=1 prints every check with its figures (suites, packet counts, seconds of tone).
        if (process.env.SIP_SCENARIO_DETAILS === '1') console.log(`${relay.name} / ${r.scenario}:\n${r.checks.map((x) => `  ${x.ok ? 'ok  ' : 'FAIL'} ${x.name}: ${x.detail}`).join('\n')}`);
        const gap = relay.knownGaps?.[scenario.name];
        if (gap !== undefined) {
          // A known gap of this relay: exactly the listed checks fail, everything else passes.
          expect({ scenario: scenario.name, failing: r.failed.map((f) => f.name).sort() })
            .toEqual({ scenario: scenario.name, failing: [...gap.failingChecks].sort() });
          rmSync(r.workDir, { recursive: true, force: true });
        } else {
          const failures = r.failed.map((f) => `${f.name}: ${f.detail}`);
          if (failures.length > 0) failures.push(`relay log tail:\n${relay.logTail().slice(-2000)}`, `work dir kept: ${r.workDir}`);
          expect(failures).toEqual([]);
        }
        // At least the checks that prove the scenario ran must be there (a driver that checked nothing cannot pass).
        expect(r.checks.length).toBeGreaterThanOrEqual(20);
      }, SCENARIO_TIMEOUT_MS);
    }
  });
}

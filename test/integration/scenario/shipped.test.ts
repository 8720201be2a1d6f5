/**
 * Every shipped scenario (scenarios/*.yaml) runs against a relay started in-process, with real
 * SRTP/RTP over loopback UDP, and must pass. This is what keeps the fallback behaviour of seed
 * 003 and 004 (icons, tones, SRTP/RTP per leg, media both ways) checked in `npm test`.
 */
import path from 'node:path';
import { expandScenarioPaths, formatScenario, loadScenarioFile, runScenarios } from '../../../src/scenario';
import { relayPortRange } from '../../helpers/port-ranges';

const DIR = path.join(__dirname, '../../../scenarios');
const files = expandScenarioPaths([DIR]);

describe('shipped scenarios', () => {
  it('are present, each citing a seed section', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const f of files) expect(loadScenarioFile(f).source).toMatch(/seed 00[34]/);
  });

  it.each(files.map((f) => [path.basename(f), f]))('%s passes', async (_name, file) => {
    const report = await runScenarios([loadScenarioFile(file)], { relay: { kind: 'in-process', workers: 0, portRange: relayPortRange(200) } });
    const scenario = report.scenarios[0];
    if (scenario === undefined || !scenario.ok) throw new Error(`scenario failed:\n${scenario === undefined ? 'no report' : formatScenario(scenario)}`);
    expect(report.ok).toBe(true);
    // Every step that measured media saw packets in both directions it expected.
    for (const step of scenario.steps) {
      for (const f of step.media?.flows ?? []) expect(f.failed).toBe(0);
    }
  }, 30_000);
});

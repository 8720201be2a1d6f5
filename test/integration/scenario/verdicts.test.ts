/**
 * The runner's verdicts through the command: a wrong expectation is a FAIL and exit status 1
 * (each kind of check can fail: status, icon, tone, leg transport, reasons, media flow, strict
 * media), a malformed file or an unsupported step is exit status 2 naming file, step and field,
 * `--json` is machine-readable, and a remote relay (URL + token) runs the same scenario.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApiServer, type RunningApi } from '../../../src/api';
import { runScenarioCommand, validateScenarioCommand } from '../../../src/cli/scenario-command';
import type { RunReport } from '../../../src/scenario';
import { relayPortRange } from '../../helpers/port-ranges';

const SECURE = `
  A: &secure
    kind: ip_phone
    trusted: true
    securityMode: encrypted
    signalingTls: true
    srtpCapable: true
  B: *secure
  C:
    kind: ip_phone
    trusted: true
    securityMode: nonsecure
    keying: none
`;

const GOOD = `
name: good
source: seed 003, Table 4, row 1
devices:${SECURE}
steps:
  - call: { from: A, to: B }
  - answer:
    expect:
      status: encrypted
      devices: { A: lock, B: lock }
      legs: { A: srtp, B: srtp }
      media: [A <-> B]
`;

/** Every expectation of step 2 and 3 is wrong in one way. */
const WRONG = `
name: wrong
source: seed 003, Table 4, row 1
devices:${SECURE}
steps:
  - call: { from: A, to: B }
  - answer:
    expect:
      status: authenticated
      devices: { A: shield, B: { tone: secure } }
      legs: { A: rtp }
      reasons: [moh_rtp]
      media: [A -> B]
  - transfer: { from: B, to: C }
    expect:
      status: nonsecure
      media: [A -> C, C -> A, A -> B]
  - hold: { leg: Z }
`;

describe('scenario command verdicts', () => {
  let dir: string;
  let out: string[];
  const io = { out: (t: string) => void out.push(t), env: {} as NodeJS.ProcessEnv };
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const [lo, hi] = relayPortRange(500);
  const inProcess = { portRange: `${lo}-${hi}` };

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'scenario-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    out = [];
  });

  it('passes a correct scenario with exit status 0 and a readable timeline', async () => {
    const code = await runScenarioCommand([write('good.yaml', GOOD)], inProcess, io);
    const text = out.join('');
    expect(code).toBe(0);
    expect(text).toMatch(/2\. answer \.+ PASS/);
    expect(text).toMatch(/ok\s+A -> B audio\s+50\/50 100% srtp/);
    expect(text).toMatch(/^PASS: 1 scenario\(s\), 1 passed, 0 failed/m);
  }, 20_000);

  it('reports every wrong expectation as FAIL, with exit status 1', async () => {
    const bad = write('wrong.yaml', WRONG.replace('  - hold: { leg: Z }\n', ''));
    const code = await runScenarioCommand([bad], { ...inProcess, json: true }, io);
    expect(code).toBe(1);
    const report = JSON.parse(out.join('')) as RunReport;
    expect(report.ok).toBe(false);
    const [answer, transfer] = report.scenarios[0]?.steps.slice(1) ?? [];
    const failed = (step: typeof answer): string[] => (step?.checks ?? []).filter((c) => !c.ok).map((c) => c.subject);
    expect(failed(answer)).toEqual(['status', 'icon A', 'tone B', 'leg A audio', 'reasons', 'unexpected B -> A audio']);
    expect(answer?.checks.find((c) => c.subject === 'status')).toMatchObject({ expected: 'authenticated', actual: 'encrypted' });
    // A's media no longer reaches B after the transfer: the flow check fails (0%).
    expect(failed(transfer)).toEqual(['A -> B audio']);
    expect(transfer?.checks.find((c) => c.subject === 'A -> B audio')?.actual).toMatch(/^0\/50 0%/);
  }, 20_000);

  it('fails a step whose media is expected silent but flows', async () => {
    const file = write('silent.yaml', GOOD.replace('media: [A <-> B]', 'media: [A -/-> B, B -> A]'));
    expect(await runScenarioCommand([file], inProcess, io)).toBe(1);
    expect(out.join('')).toMatch(/FAIL\s+A -> B audio\s+expected silent, got 50\/50 100% srtp/);
  }, 20_000);

  it('refuses a malformed file with exit status 2, naming file, step and field', async () => {
    const file = write('malformed.yaml', WRONG.replace('  - hold: { leg: Z }\n', '  - hold: { leg: A, moh: B }\n'));
    expect(await runScenarioCommand([file], { ...inProcess, json: true }, io)).toBe(2);
    const result = JSON.parse(out.join('')) as { ok: boolean; error: { code: string; message: string } };
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('SCENARIO_ERR_INVALID');
    expect(result.error.message).toBe(`${file}: step 4 (hold): field "steps[3].hold.moh": "B" is an endpoint (phone, gateway, trunk), expected a MOH source (moh_server)`);
  });

  it.each([
    ['not YAML', 'steps: [a, b', 'SCENARIO_ERR_PARSE', /malformed2\.yaml: /],
    ['no source', GOOD.replace('source: seed 003, Table 4, row 1\n', ''), 'SCENARIO_ERR_INVALID', /field "source": required/],
    ['unknown field', GOOD.replace('status: encrypted', 'staus: encrypted'), 'SCENARIO_ERR_INVALID', /step 2 \(answer\): field "steps\[1\]\.expect\.staus": unknown field/],
    ['bad icon', GOOD.replace('A: lock, B: lock', 'A: lock, B: padlock'), 'SCENARIO_ERR_INVALID', /field "steps\[1\]\.expect\.devices\.B": expected one of lock, shield, none, got "padlock"/],
    ['unknown reason', GOOD.replace('status: encrypted', 'reasons: [mho_rtp]'), 'SCENARIO_ERR_INVALID', /unknown code "mho_rtp"/],
    ['bad flow', GOOD.replace('[A <-> B]', '[A <=> B]'), 'SCENARIO_ERR_INVALID', /"A <=> B" is not a flow/],
    ['two actions', GOOD.replace('  - answer:\n', '  - answer:\n    resume:\n'), 'SCENARIO_ERR_INVALID', /step 2: field "steps\[1\]": one action per step, found answer, resume/],
    ['unknown action', GOOD.replace('  - answer:\n', '  - rekey-all: A\n'), 'SCENARIO_ERR_INVALID', /step 2 \(rekey-all\): field "steps\[1\]\.rekey-all": unknown action/],
    ['unknown suite', GOOD.replace('srtpCapable: true\n  B', 'srtpCapable: true\n    suites: [AES_999]\n  B'), 'SCENARIO_ERR_INVALID', /field "devices\.A\.suites\[0\]": unknown SRTP protection profile/],
  ])('refuses a file with %s (exit 2)', async (_what, text, code, message) => {
    const file = write('malformed2.yaml', text);
    expect(validateScenarioCommand([file], { json: true }, io)).toBe(2);
    const result = JSON.parse(out.join('')) as { error: { code: string; message: string } };
    expect(result.error.code).toBe(code);
    expect(result.error.message).toMatch(message);
  });

  it('refuses bad options and missing files with exit status 2', async () => {
    const good = write('good2.yaml', GOOD);
    expect(await runScenarioCommand([path.join(dir, 'nope.yaml')], { json: true }, io)).toBe(2);
    expect(out.join('')).toMatch(/SCENARIO_ERR_READ/);
    out = [];
    expect(await runScenarioCommand([good], { url: 'http://127.0.0.1:1', json: true }, io)).toBe(2);
    expect(out.join('')).toMatch(/--url needs --token/);
    out = [];
    expect(await runScenarioCommand([good], { packets: 'many', json: true }, io)).toBe(2);
    expect(out.join('')).toMatch(/--packets must be an integer/);
  });

  it('validates the shipped scenarios', () => {
    expect(validateScenarioCommand([path.join(__dirname, '../../../scenarios')], {}, io)).toBe(0);
    expect(out.join('')).toMatch(/^ok {2}.*003-table4-row1-secure-audio\.yaml/m);
  });

  describe('against a remote relay (URL and token)', () => {
    let api: RunningApi;
    beforeAll(async () => {
      api = await startApiServer({
        listen: { host: '127.0.0.1', port: 0 }, token: 'remote-test-token',
        relay: { portRange: relayPortRange(100), bindAddress: '127.0.0.1', workers: 0, logLevel: 'silent' },
        cluster: { securityMode: 'mixed' }, logLevel: 'silent',
      });
    });
    afterAll(() => api.close());

    it('runs the same scenario through the API given by environment, and leaves no call behind', async () => {
      const env = { SRTP_RELAY_URL: `${api.url}/v1`, SRTP_RELAY_TOKEN: 'remote-test-token' };
      const code = await runScenarioCommand([write('remote.yaml', GOOD)], { json: true }, { ...io, env });
      const report = JSON.parse(out.join('')) as RunReport;
      expect(report.relay).toBe(`${api.url}/v1`);
      expect(code).toBe(0);
      expect(api.service.callCount()).toBe(0);
    }, 20_000);

    it('is exit status 2 with a wrong token', async () => {
      const env = { SRTP_RELAY_URL: api.url, SRTP_RELAY_TOKEN: 'wrong' };
      expect(await runScenarioCommand([write('remote2.yaml', GOOD)], { json: true }, { ...io, env })).toBe(2);
      expect(out.join('')).toMatch(/SCENARIO_ERR_RELAY[\s\S]*401 API_ERR_UNAUTHORIZED/);
    });
  });
});

/**
 * The readable timeline: per scenario a header (name, file, seed source, policy), per step one
 * block — its checks (ok/FAIL, expected vs actual), then what the relay reported (status,
 * icon/tone per device, transport per leg) and the media counters of every flow both ways —
 * and a closing summary line.
 */
import { describeFlow, flowName } from './expectation-check';
import type { RunReport, ScenarioReport, StepReport } from './run-report';

const WIDTH = 78;

export function formatTimeline(report: RunReport): string {
  return `${report.scenarios.map(formatScenario).join('\n')}\n${formatSummary(report)}`;
}

/** The closing line: `PASS: 3 scenario(s), 3 passed, 0 failed; 12 step(s), 0 failed; ...`. */
export function formatSummary(report: RunReport): string {
  const s = report.summary;
  return `${report.ok ? 'PASS' : 'FAIL'}: ${s.scenarios} scenario(s), ${s.passed} passed, ${s.failed} failed; ${s.steps} step(s), ${s.failedSteps} failed; relay ${report.relay}; ${(report.durationMs / 1000).toFixed(1)} s\n`;
}

export function formatScenario(r: ScenarioReport): string {
  const lines: string[] = [];
  lines.push(`== ${r.name}  (${r.file})`);
  lines.push(`   source: ${r.source}; policy ${r.policy}`);
  for (const w of r.warnings) lines.push(`   warning: ${w}`);
  for (const step of r.steps) lines.push(...formatStep(step));
  if (r.error !== null) lines.push(`   error: ${r.error}`);
  const failed = r.steps.filter((s) => !s.ok).length;
  lines.push(`   ${r.ok ? 'PASS' : 'FAIL'} ${r.name}: ${r.steps.length - failed}/${r.steps.length} steps passed (${r.durationMs} ms)`);
  lines.push('');
  return lines.join('\n');
}

function formatStep(s: StepReport): string[] {
  const verdict = s.skipped !== null ? 'SKIP' : s.ok ? 'PASS' : 'FAIL';
  const head = `   ${s.index}. ${s.name} `;
  const tail = ` ${verdict} (${s.durationMs} ms)`;
  const lines = [`${head}${'.'.repeat(Math.max(2, WIDTH - head.length - tail.length))}${tail}`];
  if (s.skipped !== null) {
    lines.push(`        not run: ${s.skipped}`);
    return lines;
  }
  for (const c of s.checks) {
    const text = c.ok ? c.actual : `expected ${c.expected}, got ${c.actual}`;
    lines.push(`        ${c.ok ? 'ok  ' : 'FAIL'}  ${c.subject.padEnd(24)} ${text}`);
  }
  if (s.error !== null && !s.checks.some((c) => c.kind === 'error' || c.kind === 'operation')) lines.push(`        refused: ${s.error.code}`);
  const devices = s.devices.map((d) => `${d.leg} ${d.icon}${d.tone !== 'none' ? `/${d.tone} tone` : ''}`).join(', ');
  const legs = s.legs.map((l) => `${l.leg} ${l.stream} ${l.transport ?? '-'}${l.mode !== null ? ` (${l.mode})` : ''}`).join(', ');
  lines.push(`        relay: ${s.status ?? '-'}${devices !== '' ? `; icons ${devices}` : ''}${legs !== '' ? `; legs ${legs}` : ''}`);
  if (s.reasons.length > 0) lines.push(`        reasons: ${s.reasons.join(', ')}`);
  if (s.media !== null) {
    const flows = [...s.media.flows].sort((a, b) => flowName(a).localeCompare(flowName(b)));
    lines.push(`        media (window ${s.media.window}, ${s.media.durationMs} ms)${flows.length === 0 ? ": no packets" : ":"}`);
    for (const f of flows) lines.push(`          ${flowName(f).padEnd(24)} ${describeFlow(f)}`);
    for (const r of s.media.resources) if (r.forwarded > 0) lines.push(`          ${r.name} forwarded ${r.forwarded}${r.notPlain > 0 ? `, ${r.notPlain} not plain RTP` : ''}`);
    if (s.media.unattributedFailures > 0) lines.push(`          ${s.media.unattributedFailures} packet(s) failed SRTP checks from unknown SSRCs`);
  }
  return lines;
}

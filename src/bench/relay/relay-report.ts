/**
 * report.md, the SVG charts, and the "## Relay" section of BENCHMARKS.md (between its own
 * markers, so the SRTP engine section and anything else in the file survive).
 */
import { replaceMarkedSection } from '../benchmarks-md';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineMarkdown } from '../machine-info';
import { formatCount } from '../svg-chart';
import { MODE_SPECS } from './bench-modes';
import { MODE_COLORS, renderLineChart, type LineSeries } from './relay-chart';
import type { Comparison, ModeResult, RelayBenchResults, StepCpuRatio, StepResult } from './relay-results';
import { MIN_PPS_FOR_COST } from './relay-comparison';

export const RELAY_START = '<!-- bench:relay:start -->';
export const RELAY_END = '<!-- bench:relay:end -->';
/** Our relay should sustain at least rtpengine's zero-loss rate on the same workload. */
export const TARGET_RATIO = 1;

const ms = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : v < 1 ? v.toFixed(2) : v.toFixed(1));
const pps = (v: number | null): string => (v === null ? 'none' : formatCount(v));
const cores = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : v.toFixed(2));

function find(r: RelayBenchResults, relay: string, mode: string): ModeResult | undefined {
  return r.results.find((x) => x.relay === relay && x.mode === mode);
}

const RATIO_PREFIX = { measured: '', 'at-most': '≤ ', 'at-least': '≥ ', unknown: '' } as const;

export function ratioText(c: Comparison): string {
  if (c.ratio === null) return 'n/a';
  if (c.ratioKind === 'unknown') return `${c.ratio.toFixed(2)} (neither relay lost packets before the load generator or the step list ended the ramp: not a relay measurement)`;
  return `${RATIO_PREFIX[c.ratioKind]}${c.ratio.toFixed(2)}${c.ratioKind === 'measured' ? '' : ` (only ${c.ratioKind === 'at-most' ? 'ours' : 'rtpengine'} reached its loss limit)`}`;
}

/** met, **MISSED**, not measured (a generator limit decided it) or n/a. */
export function verdictOf(c: Comparison): string {
  if (c.ratio === null) return 'n/a';
  if (c.ratioKind === 'unknown') return 'not measured';
  if (c.ratio >= TARGET_RATIO) return c.ratioKind === 'at-most' ? 'not measured' : 'met';
  return c.ratioKind === 'at-least' ? 'not measured' : '**MISSED**';
}

export function headlineTable(r: RelayBenchResults): string {
  const rows = r.comparisons.map((c) => {
    const o = find(r, 'ours', c.mode);
    const t = find(r, 'rtpengine', c.mode);
    return `| ${MODE_SPECS[c.mode].title} | ${pps(c.ours)} (${o?.zeroLossCalls ?? 0} calls) | ${pps(c.rtpengine)} (${t?.zeroLossCalls ?? 0} calls) | ${ratioText(c)} | ${verdictOf(c)} |`;
  });
  return [
    `| mode | srtp-relay zero-loss pkt/s | rtpengine zero-loss pkt/s | ours/rtpengine | ≥ ${TARGET_RATIO.toFixed(1)} |`,
    '|---|---:|---:|---:|---|',
    ...rows,
  ].join('\n');
}

const CPU_STEPS_TEXT = 'The last column compares them at every step both passed cleanly: the top step alone flatters a relay whose cost falls when it is saturated (more packets per wake-up), and a relay spends most of its life below its limit.';

/** "400: 1.38, 800: 1.36 (max 1.38)": the CPU ratio at each step both relays passed cleanly. */
export function stepRatiosText(steps: readonly StepCpuRatio[] | undefined): string {
  if (steps === undefined || steps.length === 0) return 'n/a';
  const max = Math.max(...steps.map((s) => s.ratio));
  return `${steps.map((s) => `${s.calls}: ${s.ratio.toFixed(2)}`).join(', ')} (max ${max.toFixed(2)})`;
}

export function cpuTable(r: RelayBenchResults): string {
  const us = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(1));
  return [
    `| mode | at calls (both clean) | srtp-relay CPU µs/packet | rtpengine CPU µs/packet | ours/rtpengine CPU per packet | ours/rtpengine at each step both passed (calls: ratio; ≥ ${formatCount(MIN_PPS_FOR_COST)} pkt/s) |`,
    '|---|---:|---:|---:|---:|---|',
    ...r.comparisons.map((c) => `| ${MODE_SPECS[c.mode].title} | ${c.commonCalls ?? 'n/a'} | ${us(c.oursCpuUsPerPacket)} | ${us(c.rtpengineCpuUsPerPacket)} | ${c.oursCpuUsPerPacket !== null && c.rtpengineCpuUsPerPacket !== null && c.rtpengineCpuUsPerPacket > 0 ? (c.oursCpuUsPerPacket / c.rtpengineCpuUsPerPacket).toFixed(2) : 'n/a'} | ${stepRatiosText(c.cpuRatioByStep)} |`),
  ].join('\n');
}

export function detailTable(r: RelayBenchResults): string {
  const rows: string[] = [];
  for (const m of r.results) {
    const b = m.best;
    const usPkt = b !== null && b.offeredPps > 0 ? ((b.relayCpu / b.offeredPps) * 1e6).toFixed(1) : 'n/a';
    rows.push(`| ${m.mode} | ${m.relay} | ${pps(m.zeroLossPps)} | ${m.zeroLossCalls ?? 0} | ${cores(b?.relayCpu)} (${usPkt} µs/pkt) | ${m.rssPerCallKiB === null ? 'n/a' : m.rssPerCallKiB.toFixed(1)} | ${ms(b?.stats.latency.p50Ms)} / ${ms(b?.stats.latency.p99Ms)} | ${cores(b?.generatorCpu)} | ${m.limit}: ${m.limitDetail} |`);
  }
  return [
    '| mode | relay | zero-loss pkt/s | calls | relay CPU (cores) | RSS/call KiB | latency p50 / p99 ms | generator CPU | ramp stopped by |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows,
  ].join('\n');
}

function stepTable(m: ModeResult): string {
  return [
    `#### ${m.relay}, ${MODE_SPECS[m.mode].title}`,
    '',
    `${m.description}. Idle RSS ${m.rssIdleKiB ?? 'n/a'} KiB.`,
    '',
    '| calls | offered pkt/s | lost | loss % | relay CPU | generator CPU | send-slot lag p50 / p99 ms | RSS KiB | p50 ms | p99 ms | max ms | verified (1/50) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...m.steps.map((s) => `| ${s.calls} | ${Math.round(s.offeredPps)} | ${s.stats.lost} | ${s.lossPct.toFixed(3)} | ${cores(s.relayCpu)} | ${cores(s.generatorCpu)}${s.generatorSaturated ? ' (saturated)' : ''} | ${ms(s.stats.slotLag.p50Ms)} / ${ms(s.stats.slotLag.p99Ms)}${s.generatorLate ? ' (late)' : ''} | ${s.relayRssKiB ?? 'n/a'} | ${ms(s.stats.latency.p50Ms)} | ${ms(s.stats.latency.p99Ms)} | ${ms(s.stats.latency.maxMs)} | ${s.stats.verified}${s.stats.verifyFailures > 0 ? `, ${s.stats.verifyFailures} FAILED (${s.stats.verifyFailureKind ?? '?'})` : ''} |`),
    '',
    m.counters === null ? '' : `Relay counters at the end: ${Object.entries(m.counters).filter(([, v]) => v !== 0).map(([k, v]) => `${k} ${v}`).join(', ') || 'all zero'}.`,
  ].join('\n');
}

/** Which generator drove the run, and the most CPU it used in any step (a core is its ceiling). */
export function generatorText(r: RelayBenchResults): string {
  const g = r.generator;
  let peak: { cpu: number; label: string } | null = null;
  let steps = 0;
  let saturated = 0;
  let readLate = 0;
  let drops = 0;
  for (const m of r.results) {
    for (const s of m.steps) {
      steps += 1;
      if (s.generatorSaturated) saturated += 1;
      readLate += s.stats.readAfterDrain ?? 0;
      drops += s.stats.rcvDrops ?? 0;
      if (peak === null || s.generatorCpu > peak.cpu) peak = { cpu: s.generatorCpu, label: `${m.relay} ${m.mode}, ${s.calls} calls, ${formatCount(s.offeredPps)} pkt/s offered` };
    }
  }
  return [
    `Load generator: **${g.kind}**, ${g.description}.`,
    g.fallback === null ? '' : ` ${g.fallback}.`,
    peak === null ? '' : ` Its CPU peaked at ${cores(peak.cpu)} cores (${peak.label}); ${saturated} of ${steps} steps found it saturated (it could not keep its send schedule).`,
    g.kind === 'native'
      ? ` The native generator counts as saturated only on evidence, not by its CPU: when its schedule slips (window > 110% or send-slot lag p50 > 10 ms) or the kernel dropped datagrams at its own sockets because it did not read them in time (${drops} in this run); packets already in its sockets when the drain ends are read then and counted as received (${readLate} in this run). So its own CPU cannot turn into loss charged to a relay.${sharedText(g.sockets, g.threads)}`
      : ' The Node generator counts as saturated at ≥ 0.9 cores or a window > 110%.',
    costText(r),
  ].join('');
}

/**
 * Median CPU µs per offered packet over the clean steps (nothing lost, generator on schedule: a
 * starved relay's CPU says nothing of its cost) of at least MIN_PPS_FOR_COST (below it fixed idle
 * costs dominate).
 */
function medianUsPerPacket(r: RelayBenchResults, cpu: (s: StepResult) => number, relay?: string): number | null {
  const v = r.results.filter((m) => relay === undefined || m.relay === relay).flatMap((m) => m.steps)
    .filter((s) => s.offeredPps >= MIN_PPS_FOR_COST && s.stats.lost === 0 && !s.generatorSaturated).map((s) => (cpu(s) / s.offeredPps) * 1e6).sort((x, y) => x - y);
  return v.length === 0 ? null : v[Math.floor(v.length / 2)];
}

/** The generator's CPU per packet against each relay's, from this run's steps. */
function costText(r: RelayBenchResults): string {
  const gen = medianUsPerPacket(r, (s) => s.generatorCpu);
  if (gen === null) return '';
  const relays = ['ours', 'rtpengine'].map((name) => ({ name, us: medianUsPerPacket(r, (s) => s.relayCpu, name) })).filter((x) => x.us !== null);
  return ` CPU per packet offered (median over clean steps of at least ${formatCount(MIN_PPS_FOR_COST)} packets/s): generator ${gen.toFixed(1)} µs${relays.map((x) => `, ${x.name === 'ours' ? 'srtp-relay' : 'rtpengine'} ${x.us?.toFixed(1) ?? 'n/a'} µs`).join('')}. ${contentionText(r.machine.cores, r.generator.kind === 'native' ? r.generator.threads ?? 1 : 1)}`;
}

/**
 * When a relay, not the generator, runs out of CPU first. The generator (T threads, higher
 * priority) takes X·G of C cores at X packets/s and the relay gets the rest: the relay loses
 * packets from X = C / (R + G), the generator saturates at X = T / G, so the relay goes first
 * where R > G·(C − T)/T.
 */
function contentionText(cores: number, threads: number): string {
  const share = `The generator (${threads} thread${threads === 1 ? '' : 's'}, at a higher priority when it could get one) and a relay share ${cores} cores`;
  if (threads >= cores) return `${share}: the relay gets what the generator leaves, so it runs out of CPU before the generator whatever these figures.`;
  const f = (cores - threads) / threads;
  return `${share}: a relay runs out of CPU first, and its loss rather than the generator ends the ramp, only where its figure is above ${f === 1 ? '' : `${f.toFixed(2).replace(/\.?0+$/, '')} × `}the generator's.`;
}

/** Why the shared-socket generator is cheap enough per packet to measure the relays, or nothing. */
function sharedText(sockets: number | undefined, threads: number | undefined): string {
  if (sockets === undefined || sockets === 0) return ' It ran with a connected socket per stream (`--generator-sockets 0`): one send(2) per packet and a wake-up per received packet, about as much CPU per packet as a relay, so on a machine with few cores it can saturate before a relay does.';
  const t = threads ?? 1;
  return ` It ran with ${sockets} shared sockets on ${t} thread${t === 1 ? '' : 's'} (\`--generator-sockets ${sockets} --generator-threads ${t}\`): sendmmsg(2) per slot and socket, the relays' packets read once per 5 ms tick (no wake-up per packet); native-bench/README.md compares its CPU per packet with the older socket-per-stream generator (\`--generator-sockets 0\`). Most of what it still spends is the kernel's loopback delivery of each sent datagram into the relay's socket, which Linux charges to the sender.`;
}

/** Where the latency of a step starts and ends, for the generator that measured it. */
function latencyText(r: RelayBenchResults): string {
  const d = r.directLatency;
  const base = `Without a relay (generator to itself, ${r.options.steps[0]} calls): p50 ${ms(d?.latency.p50Ms)} ms, p99 ${ms(d?.latency.p99Ms)} ms; subtract it for the relay's added latency.`;
  if (r.generator.kind === 'native' && (r.generator.sockets ?? 0) > 0) {
    return `Latency runs from a packet's send slot (all packets of a 5 ms slot carry the slot's start time and leave in one burst) to the kernel's arrival timestamp in the generator's socket (SO_TIMESTAMPNS): the generator's own reading delay is not in it. ${base}`;
  }
  return `Latency is end to end through the generator, the kernel's loopback and the relay, so it includes the generator's own receive delay (see the send-slot lag per step). ${base}`;
}

function mappingTable(): string {
  return [
    '| mode | srtp-relay pair modes (A→B / B→A) | rtpengine |',
    '|---|---|---|',
    ...Object.values(MODE_SPECS).map((s) => `| ${s.title} | ${s.ours} | ${s.rtpengine} |`),
  ].join('\n');
}

export function forgeryTable(r: RelayBenchResults): string {
  const rows = r.results.filter((m) => m.forgery !== null).map((m) => {
    const f = m.forgery;
    return f === null ? '' : `| ${MODE_SPECS[m.mode].title} | ${m.relay} | ${f.forgedForwarded} of ${f.forgedSent} | ${f.replaysForwarded} of ${f.replaysSent} |`;
  });
  if (rows.length === 0) return 'No SRTP mode was run.';
  return [
    '| mode | relay | forged packets forwarded (random tag) | copies of one authentic packet forwarded |',
    '|---|---|---:|---:|',
    ...rows,
  ].join('\n');
}

function profileSection(r: RelayBenchResults): string {
  if (r.profiles.length === 0) {
    const missed = r.comparisons.some((c) => verdictOf(c) === '**MISSED**');
    return missed ? 'Targets were missed but no profile was recorded in this run (see errors).' : 'No target missed: no profile recorded (use --profile always).';
  }
  const intro = [
    'How to read these: a V8 profile charges time spent in a C++ binding to the JavaScript function that called it. With the native packet I/O, `flush` (src/relay/io/native-io.ts) holds the `sendmmsg(2)` of every relayed packet, and on loopback the kernel also runs the receiving socket\'s path inside that call; `recvmmsg(2)` runs in the addon\'s poll callback outside JavaScript (`(program)`), and `onBatch` is the one JavaScript call per batch. With node:dgram, `doSend` holds the synchronous `sendto(2)` and `onMessage` and `(program)` the receive side (libuv `recvmsg`, one C++→JS callback per datagram). rtpengine pays the same system calls, but has no JavaScript boundary to cross. Profiles cover the relay process\'s whole life, so call setup (`postMessage`, module loading) shows too.',
    '',
  ].join('\n');
  return intro + r.profiles.map((p) => [
    `### ${MODE_SPECS[p.mode].title}: srtp-relay at ${p.calls} calls`,
    '',
    `V8 CPU profiles (node --cpu-prof, 200 µs sampling) of every thread of the relay process (main + ${p.threads} media workers) over a fresh relay's whole life: setting up the calls, one warm-up + measured step, close; idle excluded; ${p.samples} busy samples. Files: ${p.files.map((f) => `\`${f}\``).join(', ') || 'none'}.`,
    '',
    '| where | share of busy time |',
    '|---|---:|',
    ...p.categories.map((c) => `| ${c.category} | ${c.pct.toFixed(1)}% |`),
    '',
    '| function | location | self % |',
    '|---|---|---:|',
    ...p.top.map((f) => `| \`${f.fn}\` | ${f.location} | ${f.pct.toFixed(1)}% |`),
  ].join('\n')).join('\n\n');
}

function webrtcSection(r: RelayBenchResults): string {
  const w = r.webrtc;
  if (w === null) return 'Not run in this invocation.';
  if (!w.ok) return `${w.library}: **failed**: ${w.error ?? 'unknown error'}`;
  return [
    `${w.library}: two PeerConnections on 127.0.0.1 (ICE host candidates, DTLS-SRTP, one PCMU audio track), one side sending 172-byte RTP as fast as the track accepts it (at most 2000 in flight) for ${w.durationMs} ms.`,
    '',
    '| received RTP pkt/s (one direction) | sent | received | loss % | CPU of the process (both peers) |',
    '|---:|---:|---:|---:|---:|',
    `| ${formatCount(w.pps)} | ${w.sent} | ${w.received} | ${w.lossPct.toFixed(2)} | ${cores(w.cpu)} |`,
    '',
    'libdatachannel negotiated SRTP_AEAD_AES_256_GCM here (its debug log). This is one SRTP protect + one unprotect per packet in native code (libdatachannel + libsrtp) plus ICE/DTLS demultiplexing, with no relay hop: a ceiling for what one DTLS-SRTP media path costs, not a like-for-like relay comparison.',
  ].join('\n');
}

function missedSection(r: RelayBenchResults): string {
  const missed = r.comparisons.filter((c) => verdictOf(c) === '**MISSED**');
  const unmeasured = r.comparisons.filter((c) => verdictOf(c) === 'not measured');
  const lines: string[] = [];
  lines.push(missed.length === 0 ? 'No mode measurably fell below rtpengine in this run.' : `**Target missed** (ours below rtpengine): ${missed.map((c) => `${c.mode} (${ratioText(c)})`).join(', ')}.`);
  if (unmeasured.length > 0) lines.push(`Not decided by this run (the load generator or the step list, not a relay's loss, ended the ramp on at least one side; see the CPU cost per packet instead): ${unmeasured.map((c) => c.mode).join(', ')}.`);
  const cpuTop = r.results.filter((m) => m.relay === 'ours' && m.best !== null).map((m) => `${m.mode} ${cores(m.best?.relayCpu)}`);
  if (cpuTop.length > 0) lines.push(`Our relay's CPU at its best step (cores, of ${r.machine.cores}): ${cpuTop.join(', ')}.`);
  return lines.join(' ');
}

export function renderRelayReport(r: RelayBenchResults): string {
  return [
    `# Relay benchmark, ${r.startedAt}`,
    '',
    `Run time ${r.durationS} s. Load average at the end: ${r.loadAverage.map((v) => v.toFixed(2)).join(', ')} on ${r.machine.cores} cores.`,
    r.loadAverage[0] > r.machine.cores * 0.5 ? '**The machine was busy with other work during this run: treat the numbers as preliminary.**' : '',
    '',
    generatorText(r),
    '',
    `Our relay's packet I/O: **${r.oursIo ?? 'not run'}** (asked: ${r.options.io ?? 'auto'}; native = batched recvmmsg/sendmmsg addon, dgram = node:dgram, docs/relay.md "Packet I/O").`,
    '',
    machineMarkdown(r.machine),
    '',
    '## Workload',
    '',
    `Each call has two legs and two streams (A→B and B→A), ${12 + (r.options.payload ?? 160)}-byte RTP (12-byte header + ${r.options.payload ?? 160}-byte payload${(r.options.payload ?? 160) === 160 ? ', G.711' : ''}; 10 bytes more as SRTP with an 80-bit tag) every 20 ms per stream: **100 packets/s into the relay per call**. One load-generator process (${r.generator.kind === 'native' ? 'native C' : 'Node'}; its own CPU is reported per step) sends all calls' packets in 5 ms timer slots and receives them back on the other leg; one packet in 50 is unprotected with the receiver's keys and checked. Steps: ${r.options.steps.join(', ')} calls, each ${r.options.warmupMs} ms warm-up + ${r.options.measureMs} ms measured + ${r.options.drainMs} ms drain; a lossy step is retried once; a fresh relay process per mode. Both relays use ${r.options.threads} media threads, 127.0.0.1, RTP and RTCP ports per leg (no rtcp-mux). "Zero-loss pkt/s" is the offered rate of the highest step where every measured packet arrived and every sampled packet verified.`,
    '',
    '## Ours against rtpengine',
    '',
    headlineTable(r),
    '',
    missedSection(r),
    '',
    `CPU cost per relayed packet (relay process CPU over the measured window ÷ packets/s, all threads) at the highest step both relays passed without loss: the same offered load for both, so this compares the relays even when the load generator ended the ramp. A packet here is one packet in and one out. CPU comes from /proc in 10 ms clock ticks and includes each process's fixed idle cost (timers, threads), so below ~10k packets/s these figures overstate the per-packet cost of both relays. ${CPU_STEPS_TEXT}`,
    '',
    cpuTable(r),
    '',
    detailTable(r),
    '',
    `The detail table reports the highest step where nothing was lost and the generator kept its schedule; steps where it could not (it needed more than 110% of the window to send it, ran its send slots more than 10 ms late, or its own sockets overflowed: "saturated" in the step tables) are shown below but never count: their packets left in bursts and waited unread in the generator's own sockets. ${latencyText(r)}`,
    '',
    '![zero-loss packet rate](relay-pps.svg)',
    '',
    '![relay CPU](relay-cpu.svg)',
    '',
    '## How the modes map',
    '',
    mappingTable(),
    '',
    'rtpengine\'s SDES "passthrough" (the answerer accepts the offerer\'s own crypto line) forwards SRTP without authenticating it: forged or replayed packets pass. Ours verifies the tag and replay window of every packet before forwarding, so the two passthrough numbers are not equal work; the recrypt and SRTP→RTP rows are. Measured in this run, through one extra call per relay and SRTP mode before its ramp (a relay that authenticates forwards none of the forgeries and one of the copies):',
    '',
    forgeryTable(r),
    '',
    '## Where the time goes',
    '',
    profileSection(r),
    '',
    '## WebRTC media baseline (node-datachannel)',
    '',
    webrtcSection(r),
    '',
    '## Every step',
    '',
    ...r.results.map(stepTable),
    '',
    r.errors.length > 0 ? `## Errors\n\n${r.errors.map((e) => `- ${e}`).join('\n')}\n` : '',
  ].join('\n');
}

function series(r: RelayBenchResults, value: (s: ModeResult['steps'][number]) => number): LineSeries[] {
  return r.results.map((m) => ({
    name: `${m.relay === 'ours' ? 'srtp-relay' : 'rtpengine'} ${m.mode}`,
    color: MODE_COLORS[m.mode] ?? '#555',
    dashed: m.relay !== 'ours',
    points: m.steps.map((s) => ({ x: s.calls, y: value(s), bad: s.stats.lost > 0 || s.stats.verifyFailures > 0 })),
  }));
}

export function writeCharts(dir: string, r: RelayBenchResults): void {
  writeFileSync(join(dir, 'relay-pps.svg'), renderLineChart({
    title: 'Delivered packets/s against concurrent calls (hollow: packets lost)',
    xLabel: 'concurrent calls (100 packets/s each)',
    yLabel: 'packets/s delivered through the relay',
    series: series(r, (s) => (s.stats.received / Math.max(s.stats.windowMs, s.stats.measuredMs)) * 1000),
    formatY: formatCount,
  }));
  writeFileSync(join(dir, 'relay-cpu.svg'), renderLineChart({
    title: 'Relay process CPU against concurrent calls',
    xLabel: 'concurrent calls',
    yLabel: 'CPU (cores)',
    series: series(r, (s) => s.relayCpu),
    formatY: (v) => v.toFixed(2),
  }));
}

/**
 * The section markers of one payload size: G.711's 160 B keeps the original markers; other sizes
 * (1200 B video) get their own section, so one `npm run bench:relay` can report both.
 */
export function relayMarkers(payload: number): { start: string; end: string } {
  if (payload === 160) return { start: RELAY_START, end: RELAY_END };
  return { start: `<!-- bench:relay-${payload}:start -->`, end: `<!-- bench:relay-${payload}:end -->` };
}

export function relaySection(r: RelayBenchResults, runDir: string): string {
  const payload = r.options.payload ?? 160;
  const markers = relayMarkers(payload);
  return [
    markers.start,
    payload === 160 ? '## Relay (`npm run bench:relay`)' : `## Relay, ${payload}-byte payloads (\`npm run bench:relay\`)`,
    '',
    `Latest run: ${r.startedAt}, ${r.options.measureMs} ms per step, steps ${r.options.steps.join(', ')} calls (100 packets/s each), ${r.options.threads} media threads per relay. Full report, JSON and charts: \`${runDir}/\` (not committed; rerun to regenerate).${r.loadAverage[0] > r.machine.cores * 0.5 ? ` Load average ${r.loadAverage[0].toFixed(2)} on ${r.machine.cores} cores during the run: **preliminary, noisy numbers**.` : ''}`,
    '',
    generatorText(r),
    '',
    machineMarkdown(r.machine),
    `| rtpengine | ${r.results.find((m) => m.relay === 'rtpengine')?.description ?? 'not run'} |`,
    `| our packet I/O | ${r.oursIo ?? 'not run'} (asked: ${r.options.io ?? 'auto'}) |`,
    `| RTP payload | ${r.options.payload ?? 160} B per packet |`,
    '',
    '### Zero-loss packet rate, ours against rtpengine',
    '',
    headlineTable(r),
    '',
    missedSection(r),
    '',
    `CPU per relayed packet (all threads of the relay process ÷ offered packets/s) at the highest step both relays passed cleanly. ${CPU_STEPS_TEXT}`,
    '',
    cpuTable(r),
    '',
    detailTable(r),
    '',
    'Forged / replayed SRTP let through (one probe call per relay and mode):',
    '',
    forgeryTable(r),
    '',
    r.webrtc === null ? '' : `WebRTC baseline (node-datachannel, DTLS-SRTP on loopback, one direction): ${r.webrtc.ok ? `${formatCount(r.webrtc.pps)} packets/s` : `failed: ${r.webrtc.error ?? '?'}`}.`,
    markers.end,
  ].join('\n');
}

export function updateRelaySection(file: string, r: RelayBenchResults, runDir: string): void {
  const markers = relayMarkers(r.options.payload ?? 160);
  replaceMarkedSection(file, markers.start, markers.end, relaySection(r, runDir));
}

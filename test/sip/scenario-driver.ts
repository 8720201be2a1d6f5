/**
 * Runs one SIP scenario through Kamailio and the ng relay under test with two baresip phones,
 * and checks it end to end (issue 12, "Proof"):
 *  - the call is established and torn down, and the relay forgets it (a `query` after the BYE fails);
 *  - each phone's recording holds the other phone's tone for at least 3 s (and not its own);
 *  - every SDP a phone receives names the relay's address and the expected transport and suite,
 *    with padded base64 keys;
 *  - no packet goes directly between the phones; every media packet of a phone goes to or comes
 *    from the relay port its SDP named; the relay's own counters (`query`) saw the media;
 *  - SRTP legs carry ciphertext: payload = 160 PCMU bytes + the suite's tag, no tone in it;
 *    plain legs carry the sender's tone.
 * Every check is recorded with its detail; the caller asserts that none failed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionDescription } from 'sdp-transform';
import { decodeBody, splitFrame } from '../../src/ng/framing';
import { NgClient } from '../../src/ng/ng-client';
import { parseRequest } from '../../src/ng/request-parser';
import type { NgAnswerRequest, NgDeleteRequest, NgOfferRequest, NgRequest } from '../../src/ng/requests';
import type { NgDict, NgValue } from '../../src/ng/bencode';
import { BARESIP_SUITES, BaresipPhone } from './baresip';
import { Kamailio } from './kamailio';
import { analyseMedia, type Endpoint, type LegSpec, type MediaReport } from './media-checks';
import { PacketCapture } from './packet-capture';
import { readPcapUdp, type UdpDatagram } from './pcap';
import { freeSipPort, freeTcpPort, freeUdpPort, freeUdpRange } from './ports';
import { AUTH_TAG_BYTES, BASE_FLAGS, type SipScenario } from './scenarios';
import { connectionAddress, cryptoLines, sipSdpMessages, type SipSdpMessage } from './sip-capture';
import { detectTone } from './tone-detector';
import { readWav, writeToneWav, SAMPLE_RATE } from './wav';

/** The relay as the driver sees it once started. */
export interface RunningRelay {
  readonly name: string;
  readonly mediaAddress: string;
  readonly ngAddress: string;
  readonly ngPort: number;
}

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly relay: string;
  readonly checks: readonly Check[];
  readonly failed: readonly Check[];
  /** dial → both phones established. */
  readonly setupMs: number;
  /** Whole scenario, process start to teardown. */
  readonly totalMs: number;
  readonly media?: MediaReport;
  /** Kept when a check failed (SDPs, capture, logs), removed otherwise. */
  readonly workDir: string;
}

const CALLER_TONE = 600;
const CALLEE_TONE = 1400;
/** How long the call stays up with media flowing. */
const TALK_MS = 5000;
const MIN_TONE_SECONDS = 3;
/** A phone sends 50 packets/s; over TALK_MS at least this many must pass each way. */
const MIN_PACKETS = 150;

class Checks {
  readonly list: Check[] = [];
  check(name: string, ok: boolean, detail: string): boolean {
    this.list.push({ name, ok, detail });
    return ok;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function protocolOf(sdp: SessionDescription): string {
  return sdp.media[0]?.protocol ?? '(none)';
}

function isPaddedBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(s);
}

function asDict(v: NgValue | undefined): NgDict | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
}

/** Per tag: packets counted on its streams, and every `local port` the relay reports. */
function queryCounters(reply: NgDict): { perTag: Map<string, number>; localPorts: Set<number> } {
  const perTag = new Map<string, number>();
  const localPorts = new Set<number>();
  const tags = asDict(reply.tags) ?? {};
  for (const [tag, info] of Object.entries(tags)) {
    let packets = 0;
    const medias = asDict(info)?.medias;
    for (const m of Array.isArray(medias) ? medias : []) {
      const streams = asDict(m)?.streams;
      for (const s of Array.isArray(streams) ? streams : []) {
        const sd = asDict(s);
        if (typeof sd?.['local port'] === 'number') localPorts.add(sd['local port']);
        const p = asDict(sd?.stats)?.packets;
        if (typeof p === 'number') packets += p;
      }
    }
    perTag.set(tag, packets);
  }
  return { perTag, localPorts };
}

function findMessage(msgs: readonly SipSdpMessage[], from: number, to: number, start: RegExp): SipSdpMessage | undefined {
  return msgs.find((m) => m.from.port === from && m.to.port === to && start.test(m.startLine));
}

/** Kamailio's ng requests for this call must parse cleanly and carry the scenario's flags. */
function checkNgTraffic(c: Checks, datagrams: readonly UdpDatagram[], relay: RunningRelay, scenario: SipScenario, callId: string): void {
  const requests: NgRequest[] = [];
  const problems: string[] = [];
  let replies = 0;
  for (const d of datagrams) {
    if (d.dstPort !== relay.ngPort && d.srcPort !== relay.ngPort) continue;
    try {
      const frame = splitFrame(d.payload);
      const dict = decodeBody(frame.body, frame.format, 1 << 20);
      if (d.srcPort === relay.ngPort) {
        replies++;
        if (dict.result !== 'ok' && dict.result !== 'pong' && !(dict.result === 'error' && dict['error-reason'] !== undefined)) problems.push(`reply result ${String(dict.result)}`);
        continue;
      }
      const parsed = parseRequest(dict);
      if (parsed.warnings.length > 0) problems.push(`${parsed.request.command}: ${parsed.warnings.join('; ')}`);
      requests.push(parsed.request);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  c.check('ng traffic decodes with src/ng', problems.length === 0 && replies > 0, problems.join('; ') || `${requests.length} requests, ${replies} replies`);
  const offer = requests.find((r): r is NgOfferRequest => r.command === 'offer' && r.callId === callId);
  const answer = requests.find((r): r is NgAnswerRequest => r.command === 'answer' && r.callId === callId);
  const del = requests.find((r): r is NgDeleteRequest => r.command === 'delete' && r.callId === callId);
  const expectedProtocol = scenario.offerFlags.find((f) => f.startsWith('RTP/'));
  const o = offer === undefined ? undefined : {
    transportProtocol: offer.transportProtocol, ice: offer.ice, replace: [...offer.replace].sort(), pad: offer.sdes.pad,
    excluded: [...offer.sdes.excludeSuites].sort(), only: [...offer.sdes.onlySuites].sort(), loadLimit: offer.supportsLoadLimit,
  };
  const expected = {
    transportProtocol: expectedProtocol, ice: 'remove', replace: ['origin', 'session-connection'], pad: scenario.withoutPadFlag !== true,
    excluded: [...(scenario.excludedSuites ?? [])].sort(), only: [...(scenario.onlySuites ?? [])].sort(), loadLimit: true,
  };
  c.check('ng offer from Kamailio carries the scenario\'s flags', JSON.stringify(o) === JSON.stringify(expected), `parsed ${JSON.stringify(o)}; expected ${JSON.stringify(expected)}`);
  c.check('ng answer and delete from Kamailio', answer !== undefined && answer.toTag.length > 0 && del !== undefined && del.fromTag !== undefined,
    `answer to-tag ${String(answer?.toTag)}, delete from-tag ${String(del?.fromTag)} to-tag ${String(del?.toTag)}`);
}

export async function runScenario(relay: RunningRelay, scenario: SipScenario): Promise<ScenarioResult> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'srtp-relay-sip-'));
  const c = new Checks();
  let setupMs = -1;
  let media: MediaReport | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const kamailioPort = await freeUdpPort();
    const callerSip = await freeSipPort();
    let calleeSip = await freeSipPort();
    while (calleeSip === callerSip || calleeSip === callerSip + 1 || calleeSip + 1 === callerSip) calleeSip = await freeSipPort();
    const callerRtp = await freeUdpRange('127.0.0.1', 40);
    let calleeRtp = await freeUdpRange('127.0.0.1', 40);
    while (calleeRtp[0] <= callerRtp[1] && callerRtp[0] <= calleeRtp[1]) calleeRtp = await freeUdpRange('127.0.0.1', 40);
    writeToneWav(join(dir, 'caller-tone.wav'), CALLER_TONE, 30);
    writeToneWav(join(dir, 'callee-tone.wav'), CALLEE_TONE, 30);

    const capture = await PacketCapture.start(dir, [
      `host ${relay.mediaAddress}`, `port ${relay.ngPort}`, `port ${kamailioPort}`, `port ${callerSip}`, `port ${calleeSip}`,
      `portrange ${callerRtp[0]}-${callerRtp[1] + 1}`, `portrange ${calleeRtp[0]}-${calleeRtp[1] + 1}`,
    ].join(' or '));
    cleanups.push(async () => {
      await capture.stop();
    });

    const base = BASE_FLAGS.filter((f) => !(scenario.withoutPadFlag === true && f === 'SDES-pad'));
    const offerFlags = [...base, ...scenario.offerFlags].join(' ');
    const answerFlags = [...base, ...scenario.answerFlags].join(' ');
    const kamailio = await Kamailio.start({ dir: join(dir, 'kamailio'), sipPort: kamailioPort, ngAddress: relay.ngAddress, ngPort: relay.ngPort, offerFlags, answerFlags });
    cleanups.push(async () => {
      writeFileSync(join(dir, 'kamailio.log'), kamailio.process.tail(64 * 1024));
      await kamailio.stop();
    });
    const [caller, callee] = await Promise.all([
      BaresipPhone.start({ name: 'caller', dir: join(dir, 'caller'), sipPort: callerSip, ctrlPort: await freeTcpPort(), rtpPorts: callerRtp, toneWav: join(dir, 'caller-tone.wav'), srtp: scenario.caller === 'srtp', proxyPort: kamailioPort }),
      BaresipPhone.start({ name: 'callee', dir: join(dir, 'callee'), sipPort: calleeSip, ctrlPort: await freeTcpPort(), rtpPorts: calleeRtp, toneWav: join(dir, 'callee-tone.wav'), srtp: scenario.callee === 'srtp', proxyPort: kamailioPort }),
    ]);
    for (const phone of [caller, callee]) {
      cleanups.push(async () => {
        writeFileSync(join(dir, `${phone.name}.log`), phone.process.tail(64 * 1024));
        await phone.stop();
      });
    }

    // Call, talk, query the relay, hang up.
    const dialed = Date.now();
    await caller.dial(`sip:callee@127.0.0.1:${calleeSip}`);
    const established = await Promise.allSettled([caller.waitEvent('CALL_ESTABLISHED', 10_000), callee.waitEvent('CALL_ESTABLISHED', 10_000)]);
    const up = established.every((r) => r.status === 'fulfilled');
    if (!c.check('call established', up, up ? 'both phones report CALL_ESTABLISHED' : established.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok')).join('\n'))) {
      return result();
    }
    setupMs = Date.now() - dialed;
    const callId = (established[0] as PromiseFulfilledResult<{ id?: string }>).value.id ?? '';
    await sleep(TALK_MS);

    const ng = await NgClient.connect(relay.ngAddress, relay.ngPort, 1000);
    cleanups.push(async () => ng.close());
    const during = await ng.request('query', { 'call-id': callId }, { acceptErrors: true });

    await caller.hangup();
    const closed = await Promise.allSettled([caller.waitEvent('CALL_CLOSED', 10_000), callee.waitEvent('CALL_CLOSED', 10_000)]);
    c.check('call torn down', closed.every((r) => r.status === 'fulfilled'), closed.map((r) => (r.status === 'rejected' ? String(r.reason) : 'closed')).join(', '));
    // Kamailio sends the delete while relaying the BYE; give it a moment, then the relay must not know the call.
    let after: NgDict = {};
    for (let i = 0; i < 20; i++) {
      after = await ng.request('query', { 'call-id': callId }, { acceptErrors: true });
      if (after.result === 'error') break;
      await sleep(100);
    }
    c.check('relay deleted the call on BYE', after.result === 'error', `query after BYE: ${JSON.stringify(after).slice(0, 200)}`);

    // Suites baresip negotiated, as it reports them (CALL_MENC "0,audio,<suite>").
    const mencSuite = (phone: BaresipPhone): string | undefined => phone.events.find((e) => e.type === 'CALL_MENC')?.param?.split(',')[2];

    // Stop everything (the capture last) so the recordings and the capture are complete.
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    const all = readPcapUdp(capture.file);
    writeFileSync(join(dir, 'tcpdump.log'), capture.log());
    const dropped = capture.droppedByKernel();
    c.check('capture complete', dropped === 0, `tcpdump: ${dropped === null ? 'no exit summary' : `${dropped} packets dropped by kernel`}`);

    // SDPs on the wire.
    const msgs = sipSdpMessages(all, new Set([kamailioPort, callerSip, calleeSip]));
    const callerOffer = findMessage(msgs, callerSip, kamailioPort, /^INVITE /);
    const calleeOffer = findMessage(msgs, kamailioPort, calleeSip, /^INVITE /);
    const calleeAnswer = findMessage(msgs, calleeSip, kamailioPort, /^SIP\/2\.0 200/);
    const callerAnswer = findMessage(msgs, kamailioPort, callerSip, /^SIP\/2\.0 200/);
    writeFileSync(join(dir, 'sdp.txt'), msgs.map((m) => `${m.from.port} -> ${m.to.port} ${m.startLine}\n${m.sdpText}`).join('\n'));
    if (!c.check('all four SDPs captured', callerOffer !== undefined && calleeOffer !== undefined && calleeAnswer !== undefined && callerAnswer !== undefined,
      `caller offer ${callerOffer !== undefined}, callee offer ${calleeOffer !== undefined}, callee answer ${calleeAnswer !== undefined}, caller answer ${callerAnswer !== undefined}`)) {
      return result();
    }
    const co = callerOffer as SipSdpMessage;
    const eo = calleeOffer as SipSdpMessage;
    const ea = calleeAnswer as SipSdpMessage;
    const ca = callerAnswer as SipSdpMessage;

    for (const [label, m] of [['offer to callee', eo], ['answer to caller', ca]] as const) {
      const conn = connectionAddress(m.sdp);
      c.check(`${label}: c= is the relay`, conn === relay.mediaAddress, `c=${String(conn)}`);
      c.check(`${label}: o= is the relay`, m.sdp.origin?.address === relay.mediaAddress, `o=${String(m.sdp.origin?.address)}`);
      const keys = cryptoLines(m.sdp).map((k) => k.inline);
      c.check(`${label}: SDES keys are padded base64`, keys.every(isPaddedBase64), keys.map((k) => `${k.length} chars`).join(', ') || 'no keys');
    }
    for (const [label, m] of [['caller offer', co], ['callee answer', ea]] as const) {
      c.check(`${label}: the phone's own address`, connectionAddress(m.sdp) === '127.0.0.1', `c=${String(connectionAddress(m.sdp))}`);
    }

    const callerProto = scenario.caller === 'srtp' ? 'RTP/SAVP' : 'RTP/AVP';
    const calleeProto = scenario.callee === 'srtp' ? 'RTP/SAVP' : 'RTP/AVP';
    c.check('offer to callee: transport', protocolOf(eo.sdp) === calleeProto, `${protocolOf(eo.sdp)}, expected ${calleeProto}`);
    c.check('answer to caller: transport', protocolOf(ca.sdp) === callerProto, `${protocolOf(ca.sdp)}, expected ${callerProto}`);

    // Suites per leg.
    let callerSuite: string | null = null;
    let calleeSuite: string | null = null;
    if (scenario.caller === 'srtp') {
      const offered = cryptoLines(co.sdp).map((k) => k.suite);
      const answered = cryptoLines(ca.sdp).map((k) => k.suite);
      callerSuite = answered[0] ?? null;
      c.check('answer to caller: one crypto line of a suite the caller offered', answered.length === 1 && offered.includes(answered[0]), `offered ${offered.join(', ')}; answered ${answered.join(', ')}`);
      c.check('caller uses the answered suite', mencSuite(caller) === callerSuite, `caller reports ${String(mencSuite(caller))}`);
    } else {
      c.check('answer to caller: no crypto', cryptoLines(ca.sdp).length === 0, `${cryptoLines(ca.sdp).length} crypto lines`);
    }
    if (scenario.callee === 'srtp') {
      const offered = cryptoLines(eo.sdp).map((k) => k.suite);
      const answered = cryptoLines(ea.sdp).map((k) => k.suite);
      calleeSuite = answered[0] ?? null;
      const excluded = offered.filter((s) => scenario.excludedSuites?.includes(s));
      c.check('offer to callee: excluded suites absent', excluded.length === 0, `offered ${offered.join(', ')}`);
      if (scenario.onlySuites !== undefined) {
        const only = scenario.onlySuites;
        c.check('offer to callee: only the allowed suites', offered.length > 0 && offered.every((s) => only.includes(s)), `offered ${offered.join(', ')}`);
      }
      const expected = scenario.calleeSuite ?? offered.find((s) => BARESIP_SUITES.includes(s));
      c.check('callee suite', calleeSuite !== null && calleeSuite === expected, `callee answered ${answered.join(', ') || 'nothing'}, expected ${String(expected)} (offered ${offered.join(', ')})`);
      c.check('callee uses the answered suite', mencSuite(callee) === calleeSuite, `callee reports ${String(mencSuite(callee))}`);
    } else {
      c.check('offer to callee: no crypto', cryptoLines(eo.sdp).length === 0, `${cryptoLines(eo.sdp).length} crypto lines`);
    }

    // The ng traffic Kamailio sent, read with the product's own protocol layer (src/ng).
    checkNgTraffic(c, all, relay, scenario, callId);

    // Media on the wire.
    const port = (m: SipSdpMessage): number => m.sdp.media[0]?.port ?? 0;
    const callerPhone: Endpoint = { address: '127.0.0.1', port: port(co) };
    const calleePhone: Endpoint = { address: '127.0.0.1', port: port(ea) };
    const relayToCaller: Endpoint = { address: relay.mediaAddress, port: port(ca) };
    const relayToCallee: Endpoint = { address: relay.mediaAddress, port: port(eo) };
    const tag = (suite: string | null): number | null => (suite === null ? null : AUTH_TAG_BYTES[suite] ?? -1);
    const legs: [LegSpec, LegSpec] = [
      { label: 'caller leg', phone: callerPhone, relay: relayToCaller, tagBytes: tag(callerSuite), sendsTone: CALLER_TONE, receivesTone: CALLEE_TONE },
      { label: 'callee leg', phone: calleePhone, relay: relayToCallee, tagBytes: tag(calleeSuite), sendsTone: CALLEE_TONE, receivesTone: CALLER_TONE },
    ];
    media = analyseMedia(all, legs);
    c.check('no packet directly between the phones', media.directPackets === 0, `${media.directPackets} direct packets`);
    c.check('every phone media packet goes to or comes from the relay', media.strayPackets === 0, `${media.strayPackets} packets elsewhere`);
    for (const [i, f] of media.flows.entries()) {
      const leg = legs[i >> 1];
      const srtp = leg.tagBytes !== null;
      c.check(`${f.label}: packets`, f.packets >= MIN_PACKETS, `${f.packets} RTP packets`);
      c.check(`${f.label}: payload ${srtp ? `160 + ${String(leg.tagBytes)}-byte tag (SRTP)` : '160 bytes (PCMU)'}`,
        f.packets > 0 && f.expectedLength >= 0.95 * f.packets, `${f.expectedLength}/${f.packets} as expected; lengths seen ${f.payloadLengths.join(', ')}`);
      if (srtp) c.check(`${f.label}: encrypted (no tone in the payload)`, f.signalSeconds > 1 && f.toneSeconds < 0.5, `${f.toneSeconds.toFixed(2)} s of tone in ${f.signalSeconds.toFixed(2)} s`);
      else c.check(`${f.label}: plain PCMU carrying the tone`, f.toneSeconds >= MIN_TONE_SECONDS, `${f.toneSeconds.toFixed(2)} s of tone`);
    }

    // The relay's own counters, read while the call was up.
    if (c.check('query during the call', during.result === 'ok', `result ${String(during.result)} ${String(during['error-reason'] ?? '')}`)) {
      const { perTag, localPorts } = queryCounters(during);
      const counts = [...perTag.values()];
      c.check('relay counted media for both tags', counts.length >= 2 && counts.filter((n) => n >= MIN_PACKETS).length >= 2, [...perTag.entries()].map(([t, n]) => `${t}: ${n}`).join(', '));
      c.check('relay reports the ports it advertised', localPorts.has(relayToCaller.port) && localPorts.has(relayToCallee.port), `local ports ${[...localPorts].join(', ')}; SDP ${relayToCaller.port}, ${relayToCallee.port}`);
    }

    // What each phone heard.
    for (const [phone, hears, own] of [[caller, CALLEE_TONE, CALLER_TONE], [callee, CALLER_TONE, CALLEE_TONE]] as const) {
      let detail = '';
      let ok = false;
      try {
        const wav = readWav(phone.recordingPath());
        if (wav.sampleRate !== SAMPLE_RATE) throw new Error(`recorded at ${wav.sampleRate} Hz`);
        const other = detectTone(wav.samples, wav.sampleRate, hears);
        const self = detectTone(wav.samples, wav.sampleRate, own);
        ok = other.toneSeconds >= MIN_TONE_SECONDS && self.toneSeconds < 0.5;
        detail = `${other.toneSeconds.toFixed(2)} s of ${hears} Hz, ${self.toneSeconds.toFixed(2)} s of its own ${own} Hz, in ${other.totalSeconds.toFixed(2)} s`;
      } catch (err) {
        detail = (err as Error).message;
      }
      c.check(`${phone.name} hears the other side's tone`, ok, detail);
    }
    return result();
  } catch (err) {
    c.check('scenario ran', false, (err as Error).stack ?? String(err));
    return result();
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch(() => undefined);
    }
    if (c.list.every((x) => x.ok)) rmSync(dir, { recursive: true, force: true });
  }

  function result(): ScenarioResult {
    const failed = c.list.filter((x) => !x.ok);
    return { scenario: scenario.name, relay: relay.name, checks: c.list, failed, setupMs, totalMs: Date.now() - started, media, workDir: dir };
  }
}

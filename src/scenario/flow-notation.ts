/**
 * Media expectations, written the way engineers draw them:
 *
 *   A <-> B            both directions flow (audio)
 *   moh1 -> B          one direction flows
 *   A -/-> B           nothing from A reaches B
 *   A <-/-> B          nothing either way
 *   A <-> B video      the video streams
 *   A <-> B via xc1    and the packets passed through transcoder xc1
 *
 * or as a mapping: `{ from: A, to: B, both: true, stream: video, flows: true, via: [xc1] }`.
 */
import type { FieldReader } from './field-reader';
import type { FlowExpectation, MediaKind } from './scenario-types';

const FLOW = /^\s*(\S+)\s+(<->|->|-\/->|<-\/->)\s+(\S+)(?:\s+(audio|video))?(?:\s+via\s+(\S+))?\s*$/;

export function readFlows(value: unknown, r: FieldReader): FlowExpectation[] {
  if (typeof value === 'string') return parseFlowString(value, r);
  const obj = r.object(value);
  r.onlyKeys(obj, ['from', 'to', 'both', 'stream', 'flows', 'via']);
  const from = r.at('from').id(obj.from);
  const to = r.at('to').id(obj.to);
  const stream: MediaKind = obj.stream === undefined ? 'audio' : r.at('stream').oneOf(obj.stream, ['audio', 'video']);
  const flows = obj.flows === undefined ? true : r.at('flows').boolean(obj.flows);
  const both = obj.both === undefined ? false : r.at('both').boolean(obj.both);
  const via = obj.via === undefined ? [] : r.at('via').strings(obj.via);
  return expand(from, to, both, stream, flows, via);
}

function parseFlowString(text: string, r: FieldReader): FlowExpectation[] {
  const m = FLOW.exec(text);
  if (m === null) r.fail(`"${text}" is not a flow: write "A <-> B", "A -> B", "A -/-> B" or "A <-/-> B", optionally followed by "video" and "via X,Y"`);
  const [, from, arrow, to, kind, via] = m as unknown as [string, string, string, string, string | undefined, string | undefined];
  const both = arrow === '<->' || arrow === '<-/->';
  const flows = arrow === '<->' || arrow === '->';
  return expand(from, to, both, (kind as MediaKind | undefined) ?? 'audio', flows, via === undefined ? [] : via.split(',').filter((v) => v !== ''));
}

function expand(from: string, to: string, both: boolean, stream: MediaKind, flows: boolean, via: string[]): FlowExpectation[] {
  const one = (a: string, b: string): FlowExpectation => Object.freeze({ from: a, to: b, stream, flows, via: Object.freeze([...via]) });
  return both ? [one(from, to), one(to, from)] : [one(from, to)];
}

/**
 * Resident memory per bridged SRTP call: the relay bench's srtp-srtp call (SDES both sides, the
 * relay unprotects and re-protects with its own keys; ours with the `recrypt` ng flag), set up
 * over ng by the same client for both relays, with a few packets each way so the relay's
 * per-stream state exists. RSS (VmRSS, all threads) is read after two equal batches of calls;
 * the figure is the second batch's growth per call, so one-time growth (first pages of a heap,
 * a pool's first block) lands in the first batch and not in the per-call figure. Then every
 * call is deleted and RSS read again: what a relay gives back.
 *
 * Each reading is the lowest RSS over `settleMs` of polling: a garbage-collected heap keeps the
 * garbage of call set-up (ng messages, SDP) resident until V8's memory reducer runs, some 10-25 s
 * after the allocation stops, and then returns it (srtp-relay: ~85 KiB per call read after 1 s,
 * ~40 KiB once settled). A malloc-based relay (rtpengine) reads the same either way.
 */
import type { NgClient } from '../../ng/ng-client';
import { MODE_SPECS } from '../relay/bench-modes';
import { ngCallsSetup } from '../relay/ng-call-setup';
import { rssKiB } from '../relay/proc-stats';
import { MediaEndpoints } from './media-endpoints';

export interface MemoryOptions {
  /** Calls per batch (two batches). */
  readonly calls: number;
  /** SRTP packets each phone sends after its call is set up. */
  readonly packets: number;
  /** ng flags for the offer (ours: `recrypt`). */
  readonly flags: readonly string[];
  /** Each RSS reading is the lowest over this long (polled every second); default 40 s. */
  readonly settleMs?: number;
}

export interface MemoryResult {
  readonly calls: number;
  readonly idleKiB: number;
  readonly afterFirstKiB: number;
  readonly afterSecondKiB: number;
  readonly afterDeleteKiB: number;
  /**
   * (after second batch − idle) / both batches' calls: one-time growth included, so an upper
   * bound. The goal's figure: the second batch's growth alone depends on when V8 gives set-up
   * garbage back (one run read 6.5 KiB for it against 122.9 for the first batch), a malloc-based
   * relay's does not.
   */
  readonly perCallKiB: number;
  /** (after second batch − after first batch) / calls. */
  readonly secondBatchPerCallKiB: number;
  /** (after first batch − idle) / calls, one-time growth included. */
  readonly firstBatchPerCallKiB: number;
  /** Phones that received authentic media through the relay, of all phones. */
  readonly verifiedPhones: number;
  readonly phones: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function rssOf(pid: number): number {
  const v = rssKiB(pid);
  if (v === null) throw new Error(`relay process ${pid} is gone`);
  return v;
}

/** The lowest RSS over `settleMs`, polled every second (at least one reading after 1 s). */
async function settledRss(pid: number, settleMs: number): Promise<number> {
  let low = Infinity;
  for (let waited = 0; waited === 0 || waited < settleMs; waited += 1000) {
    await sleep(1000);
    low = Math.min(low, rssOf(pid));
  }
  return low;
}

export async function measureMemoryPerCall(ng: NgClient, pid: number, o: MemoryOptions): Promise<MemoryResult> {
  const spec = MODE_SPECS['srtp-srtp'];
  const phones = new MediaEndpoints();
  const ids: string[] = [];
  const batch = async (first: number, count: number): Promise<void> => {
    const opened = await phones.open(count);
    phones.configure(await ngCallsSetup(ng, first, opened, spec, o.flags));
    for (let i = 0; i < count; i++) ids.push(`bench-${first + i}`);
    await phones.sendMedia(o.packets);
  };
  const deleteAll = async (): Promise<void> => {
    for (let i = 0; i < ids.length; i += 16) {
      await Promise.all(ids.slice(i, i + 16).map(async (id) => {
        const r = await ng.request('delete', { 'call-id': id, 'from-tag': 'a' }, 5000);
        if (r.result !== 'ok') throw new Error(`delete ${id}: ${String(r.result)} ${String(r['error-reason'] ?? '')}`);
      }));
    }
    ids.length = 0;
  };
  try {
    // Warm-up: code paths, first heap pages, pools; then given back.
    await batch(1_000_000, Math.min(50, o.calls));
    await deleteAll();
    const settle = o.settleMs ?? 40_000;
    const idleKiB = await settledRss(pid, settle);
    await batch(0, o.calls);
    const afterFirstKiB = await settledRss(pid, settle);
    await batch(o.calls, o.calls);
    const afterSecondKiB = await settledRss(pid, settle);
    const { phones: total, verified } = phones.delivery();
    await deleteAll();
    const afterDeleteKiB = await settledRss(pid, Math.max(settle, 2000));
    return {
      calls: o.calls, idleKiB, afterFirstKiB, afterSecondKiB, afterDeleteKiB,
      perCallKiB: (afterSecondKiB - idleKiB) / (2 * o.calls),
      secondBatchPerCallKiB: (afterSecondKiB - afterFirstKiB) / o.calls,
      firstBatchPerCallKiB: (afterFirstKiB - idleKiB) / o.calls,
      verifiedPhones: verified, phones: total,
    };
  } finally {
    phones.close();
  }
}

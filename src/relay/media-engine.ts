/**
 * The media plane of one worker: owns its calls' legs (in a private map, dropped on close),
 * applies control messages, and reports latch events. Runs inside a worker thread
 * (`media-worker.ts`) or, with `workers: 0`, on the control thread itself.
 */
import type { Logger } from 'pino';
import { WebrtcTransport } from '../dtls/webrtc-transport';
import { AddressPolicy } from './address-policy';
import type { IoBackendChoice, PacketIo } from './io/packet-io';
import { createPacketIo } from './io/select-backend';
import { applyIndexState, attachIndexGuard } from './index-guard-setup';
import { RelayError, RelayErrorCode } from './errors';
import { unpackContextOptions, wipeKeyBytes } from './key-transfer';
import { MediaLeg } from './media-leg';
import { createPacketContext, type PacketContext } from './packet-context';
import { PacketPath } from './packet-path';
import { ScratchBuffers } from './scratch-buffers';
import type { MediaLeg as Leg } from './media-leg';
import type { WorkerEvent, WorkerRequest } from './worker-messages';

export class MediaEngine {
  private readonly calls = new Map<string, Map<string, MediaLeg>>();
  readonly scratch = new ScratchBuffers();
  /** The worker's sockets: native batched I/O or dgram (io/select-backend.ts). */
  readonly io: PacketIo;
  /** Why `auto` fell back to dgram, or null. */
  readonly ioFallback: string | null;
  readonly path: PacketPath;
  private closed = false;
  /** Requests are applied one at a time, in arrival order (a close never overtakes an open). */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly logger: Logger,
    private readonly onEvent: (event: WorkerEvent) => void,
    private readonly policy: AddressPolicy = new AddressPolicy(),
    io: IoBackendChoice = 'auto',
  ) {
    const selected = createPacketIo(io, this.scratch);
    this.io = selected.io;
    this.ioFallback = selected.fallback;
    this.path = new PacketPath(this.scratch, this.io, (leg, rtcp, address, port) => {
      onEvent({ type: 'latch', callId: leg.callId, legId: leg.legId, rtcp, address, port });
    }, policy);
  }

  /** Forward the contexts' key lifetime events (rare) to the control plane. */
  private watchKeyLimits(leg: Leg): void {
    for (const direction of ['inbound', 'outbound'] as const) {
      const ctx = direction === 'inbound' ? leg.inbound : leg.outbound;
      if (ctx === null) continue;
      for (const kind of ['keysoftlimit', 'keyexpired'] as const) {
        ctx.on(kind, (e) => this.onEvent({ type: 'keylimit', callId: leg.callId, legId: leg.legId, direction, kind, ...e }));
      }
    }
  }

  /** Apply one control message after the ones before it. Rejects with typed errors (error replies). */
  handle(req: WorkerRequest): Promise<void> {
    const done = this.queue.then(() => this.apply(req));
    this.queue = done.catch(() => undefined);
    return done;
  }

  private async apply(req: WorkerRequest): Promise<void> {
    if (this.closed) {
      if ((req.op === 'addLeg' || req.op === 'rekeyLeg') && req.keyBytes !== null) wipeKeyBytes(req.keyBytes);
      throw new RelayError(RelayErrorCode.Closed, 'media engine is closed');
    }
    switch (req.op) {
      case 'addLeg': {
        let legs = this.calls.get(req.callId);
        if (legs?.has(req.legId) === true) {
          if (req.keyBytes !== null) wipeKeyBytes(req.keyBytes);
          throw new RelayError(RelayErrorCode.DuplicateLeg, `leg ${req.legId} already exists in call ${req.callId}`);
        }
        const leg = await MediaLeg.open(req, this.path.handle, this.logger, this.io);
        if (req.webrtc !== undefined && req.webrtc !== null) {
          try {
            leg.webrtc = new WebrtcTransport(leg, req.webrtc, this.onEvent, this.logger, this.policy);
          } catch (err) {
            leg.close();
            throw err;
          }
        }
        legs = this.calls.get(req.callId);
        if (legs === undefined) {
          legs = new Map();
          this.calls.set(req.callId, legs);
        }
        legs.set(req.legId, leg);
        this.watchKeyLimits(leg);
        attachIndexGuard(leg, req.indexBlock ?? 0, this.onEvent);
        return;
      }
      case 'rekeyLeg': {
        // New contexts built so far; closed (wiped) if anything fails before the swap.
        const made: PacketContext[] = [];
        try {
          const leg = this.leg(req.callId, req.legId);
          const inbound = createPacketContext(unpackContextOptions(req.srtp.inbound, req.keyBytes));
          made.push(inbound);
          const outbound = createPacketContext(unpackContextOptions(req.srtp.outbound, req.keyBytes));
          made.push(outbound);
          leg.rekey(inbound, outbound, req.rocs);
          made.length = 0;
          this.watchKeyLimits(leg);
        } catch (err) {
          for (const ctx of made) ctx.close();
          throw err;
        } finally {
          wipeKeyBytes(req.keyBytes);
        }
        return;
      }
      case 'connect': {
        const a = this.leg(req.callId, req.a);
        const b = this.leg(req.callId, req.b);
        for (const leg of [a, b]) {
          if (leg.peer !== null && leg.peer.peer === leg) leg.peer.peer = null;
        }
        a.peer = b;
        a.mode = req.modeAB;
        b.peer = a;
        b.mode = req.modeBA;
        return;
      }
      case 'disconnect': {
        const leg = this.leg(req.callId, req.legId);
        if (leg.peer !== null && leg.peer.peer === leg) leg.peer.peer = null;
        leg.peer = null;
        return;
      }
      case 'setRemote':
        this.leg(req.callId, req.legId).setRemote(req.remote);
        return;
      case 'removeLeg': {
        const legs = this.calls.get(req.callId);
        const leg = legs?.get(req.legId);
        if (legs === undefined || leg === undefined) return; // already gone: removal is idempotent
        legs.delete(req.legId);
        leg.close();
        return;
      }
      case 'indexState':
        applyIndexState(this.leg(req.callId, req.legId), req);
        return;
      case 'closeCall':
        this.closeCall(req.callId);
        return;
      case 'shutdown':
        this.close();
        return;
    }
  }

  /** The worker-side leg (for the in-thread mode's tests and diagnostics). */
  leg(callId: string, legId: string): MediaLeg {
    const leg = this.calls.get(callId)?.get(legId);
    if (leg === undefined) throw new RelayError(RelayErrorCode.UnknownLeg, `no leg ${legId} in call ${callId}`);
    return leg;
  }

  private closeCall(callId: string): void {
    const legs = this.calls.get(callId);
    if (legs === undefined) return;
    this.calls.delete(callId);
    for (const leg of legs.values()) leg.close();
  }

  /** Close every call and the packet I/O, then wipe the scratch buffers (they held clear packets). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const callId of [...this.calls.keys()]) this.closeCall(callId);
    this.io.close();
    this.scratch.wipe();
  }
}

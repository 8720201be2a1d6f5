/**
 * The set-up the relay-level WebRTC interop tests share: one headless Chromium and one relay on
 * loopback whose address policy answers 127.0.0.0/8 only (Chromium also sends ICE checks from the
 * machine's other interfaces; those stay unanswered), both closed after the file.
 */
import { MediaRelay } from '../../../src/relay';
import { relayPortRange } from '../../helpers/port-ranges';
import { ChromiumHarness } from './chromium';

export interface ChromiumRelay {
  readonly chromium: ChromiumHarness;
  readonly relay: MediaRelay;
}

/** Registers beforeAll/afterAll; the returned object's fields are set once beforeAll has run. */
export function useChromiumRelay(onClose?: () => void): ChromiumRelay {
  const fixture = {} as { chromium: ChromiumHarness; relay: MediaRelay };
  beforeAll(async () => {
    fixture.chromium = await ChromiumHarness.launch();
    fixture.relay = await MediaRelay.create({ portRange: relayPortRange(40), bindAddress: '127.0.0.1', workers: 1, addressPolicy: { allow: ['127.0.0.0/8'] } });
  });
  afterAll(async () => {
    await fixture.relay?.close();
    await fixture.chromium?.close();
    onClose?.();
  });
  return fixture;
}

/**
 * The ng front end on the real call control, for the ng integration tests: a CallController over
 * a real MediaRelay (in-thread by default; `workers: 1` for a real worker thread, where the
 * worker round trip is part of what a test checks), an NgDispatcher over ControllerNgCallControl on a UDP port the
 * OS picks, the product's NgClient, and loopback phones. `useNgRelay()` registers the jest hooks
 * that build it before each test and close everything after.
 */
import pino from 'pino';
import { defineCluster } from '../../../src/call';
import { CallController } from '../../../src/control';
import { KeyManager } from '../../../src/keys';
import { ControllerNgCallControl, NgClient, NgDispatcher, NgUdpServer } from '../../../src/ng';
import { MediaRelay } from '../../../src/relay';
import { relayPortRange } from '../../helpers/port-ranges';
import { Phone } from '../api/helpers';

export interface NgRelay {
  readonly range: [number, number];
  controller: CallController;
  dispatcher: NgDispatcher;
  server: NgUdpServer;
  client: NgClient;
  /** A loopback phone, closed after the test. */
  phone(): Promise<Phone>;
}

export function useNgRelay(o: { workers?: 0 | 1; ports?: number } = {}): NgRelay {
  const phones: Phone[] = [];
  const ng = {
    range: relayPortRange(o.ports ?? 200),
    async phone(): Promise<Phone> {
      const p = await Phone.open();
      phones.push(p);
      return p;
    },
  } as NgRelay;
  beforeEach(async () => {
    const relay = await MediaRelay.create({ portRange: ng.range, bindAddress: '127.0.0.1', workers: o.workers ?? 0, logLevel: 'silent' });
    ng.controller = new CallController({ keys: await KeyManager.create(), relay, cluster: defineCluster({ securityMode: 'mixed' }), logger: pino({ level: 'silent' }) });
    ng.dispatcher = new NgDispatcher(new ControllerNgCallControl(ng.controller));
    ng.server = await NgUdpServer.listen({ address: '127.0.0.1', port: 0, dispatcher: ng.dispatcher });
    ng.client = await NgClient.connect('127.0.0.1', ng.server.address().port);
  });
  afterEach(async () => {
    ng.client.close();
    for (const p of phones.splice(0)) p.close();
    await ng.server.close();
    await ng.controller.close();
  });
  return ng;
}

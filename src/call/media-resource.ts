import { Device, DeviceKind } from './device';
import { MediaKind } from './media-stream';

/**
 * A media resource the call controller inserted into a stream's path: MOH server, transcoder,
 * MTP or conference bridge. Seed 003 "Media resources and encryption": no media encryption for
 * calls that involve transcoders, MTPs or music on hold; secure conference bridges can encrypt.
 */
export interface MediaResource {
  readonly id: string;
  readonly device: Device;
  readonly streams: readonly MediaKind[];
  /**
   * The leg whose side of the relay the resource sits on (transcoder, MTP), or null when it
   * feeds every active leg (MOH during hold, a conference bridge).
   */
  readonly legId: string | null;
}

export type ResourceKind = Extract<DeviceKind, 'moh_server' | 'transcoder' | 'mtp' | 'conference_bridge'>;

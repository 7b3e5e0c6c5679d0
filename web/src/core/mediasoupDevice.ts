import type { types as ms } from 'mediasoup-client';

/** Creates a mediasoup-client Device; the library is loaded on first use (own chunk). */
export async function createMediasoupDevice(): Promise<ms.Device> {
  const { Device } = await import('mediasoup-client');
  return new Device();
}

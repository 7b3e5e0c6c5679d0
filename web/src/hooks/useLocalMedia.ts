import { useEffect, useState } from 'react';
import { LocalMedia, type DeviceLists, type LocalTracks } from '../core/media';
import { useObservableState } from './internal/useObservableState';

/** One LocalMedia per studio page; stops every track on unmount. */
export function useLocalMedia(): { media: LocalMedia; devices: DeviceLists; tracks: LocalTracks } {
  const [media] = useState(() => new LocalMedia());
  useEffect(() => {
    media.attach();
    return () => media.dispose();
  }, [media]);
  const devices = useObservableState(media.devices);
  const tracks = useObservableState(media.tracks);
  return { media, devices, tracks };
}

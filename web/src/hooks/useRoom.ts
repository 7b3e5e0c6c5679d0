/** Room hooks: the session's lifecycle, its state, tracks, stats and network recovery. */
import { useEffect, useState } from 'react';
import { useApi } from '../context/ApiContext';
import { useEnsureRoom } from '../context/RoomContext';
import { createMediasoupDevice } from '../core/mediasoupDevice';
import type { JoinRole } from '../core/protocol';
import { RoomSession, type LocalSourceName, type RoomState, type SourceStats } from '../core/room';
import { defaultSignalingUrl, SignalingClient, type SignalingState } from '../core/signaling';
import { useObservableState } from './internal/useObservableState';

export interface RoomSessionParams {
  roomId: string;
  role: JoinRole;
  organizationId: string;
  displayName?: string;
  /** Bump to tear the session down and start a new one ("Try again"). */
  attempt?: number;
}

/** Creates, starts and disposes the room session (one per mounted room page). */
export function useRoomSessionLifecycle(params: RoomSessionParams | null): { session: RoomSession | null; signaling: SignalingClient | null } {
  const api = useApi();
  const [pair, setPair] = useState<{ session: RoomSession; signaling: SignalingClient } | null>(null);
  const { roomId, role, organizationId, displayName, attempt } = params ?? {};
  useEffect(() => {
    if (!roomId || !role || !organizationId) return;
    const signaling = new SignalingClient({
      url: defaultSignalingUrl(),
      getToken: ({ forceRefresh }) => api.getAccessToken({ forceRefresh }),
      organizationId,
      deviceInfo: { userAgent: navigator.userAgent.slice(0, 512), platform: 'web' },
    });
    const session = new RoomSession({
      roomId,
      role,
      signaling,
      createDevice: createMediasoupDevice,
      ...(displayName ? { displayName } : {}),
    });
    session.start();
    setPair({ session, signaling });
    return () => {
      session.dispose();
      setPair(null);
    };
  }, [api, roomId, role, organizationId, displayName, attempt]);
  return { session: pair?.session ?? null, signaling: pair?.signaling ?? null };
}

export function useRoomState(room?: RoomSession): RoomState {
  const r = useEnsureRoom(room);
  return useObservableState(r.state);
}

export function useSignalingState(signaling: SignalingClient | null): SignalingState | undefined {
  return useObservableState(signaling?.state);
}

/** The remote track of a producer (re-read whenever the session's media changes). */
export function useRemoteTrack(producerId: string | null | undefined, room?: RoomSession): MediaStreamTrack | null {
  const r = useEnsureRoom(room);
  useObservableState(r.media);
  return producerId ? r.remoteTrack(producerId) : null;
}

export function useLocalTrack(source: LocalSourceName, room?: RoomSession): MediaStreamTrack | null {
  const r = useEnsureRoom(room);
  useObservableState(r.media);
  return r.localTrack(source);
}

/** getStats every `intervalMs` while mounted and the page is visible. */
export function useRoomStats(intervalMs = 2_000, enabled = true, room?: RoomSession): Record<string, SourceStats> {
  const r = useEnsureRoom(room);
  const [stats, setStats] = useState<Record<string, SourceStats>>({});
  useEffect(() => {
    if (!enabled) return;
    let alive = true;
    const tick = async () => {
      if (document.visibilityState !== 'visible') return;
      const s = await r.sampleStats();
      if (alive) setStats(s);
    };
    void tick();
    const id = setInterval(() => void tick(), intervalMs);
    return () => {
      alive = false;
      clearInterval(id);
    };
  }, [r, intervalMs, enabled]);
  return stats;
}

/** Tells the session about network changes so transports recover without a reload. */
export function useNetworkRecovery(room: RoomSession | null): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const onOnline = () => {
      setOnline(true);
      room?.networkChanged();
    };
    const onOffline = () => setOnline(false);
    const conn = (navigator as Navigator & { connection?: EventTarget }).connection;
    const onChange = () => {
      if (navigator.onLine) room?.networkChanged();
    };
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    conn?.addEventListener?.('change', onChange);
    return () => {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      conn?.removeEventListener?.('change', onChange);
    };
  }, [room]);
  return online;
}

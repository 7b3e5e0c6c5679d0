/**
 * Several presenters in one room (host + co-hosts): which remote video goes on the viewer's
 * stage and which become tiles, and the tiles of the host studio. Pure; built on
 * `stageProducers` of roomState.ts without changing it.
 */
import { isPresenterRole, stageProducers, type RemoteProducer, type RoomState } from './roomState';

export interface VideoTile {
  producerId: string;
  userId: string;
  displayName: string;
  role: string;
  source: string;
  paused: boolean;
}

const ROLE_ORDER: Record<string, number> = { host: 0, 'co-host': 1 };

function remoteVideo(s: RoomState): RemoteProducer[] {
  return Object.values(s.producers).filter((p) => p.kind === 'video' && p.userId !== s.self?.userId);
}

function tileOf(s: RoomState, p: RemoteProducer): VideoTile {
  const who = s.participants[p.userId];
  return { producerId: p.producerId, userId: p.userId, displayName: who?.displayName ?? 'Presenter', role: who?.role ?? 'co-host', source: p.source, paused: p.paused };
}

function byPresenter(a: VideoTile, b: VideoTile): number {
  return (
    (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9) ||
    a.displayName.localeCompare(b.displayName) ||
    a.userId.localeCompare(b.userId) ||
    (a.source === 'screen' ? 1 : 0) - (b.source === 'screen' ? 1 : 0) ||
    a.producerId.localeCompare(b.producerId)
  );
}

/**
 * The presenter whose video fills the viewer's stage: whoever shares an unpaused screen (the
 * host first), else the host with video, else the first presenter with video.
 */
export function leadPresenter(s: RoomState): string | null {
  const video = remoteVideo(s);
  if (video.length === 0) return null;
  const rank = (userId: string) => ROLE_ORDER[s.participants[userId]?.role ?? ''] ?? 9;
  const sorted = [...video].sort((a, b) => rank(a.userId) - rank(b.userId) || a.userId.localeCompare(b.userId));
  const sharing = sorted.find((p) => p.source === 'screen' && !p.paused);
  if (sharing) return sharing.userId;
  const live = sorted.find((p) => !p.paused);
  return (live ?? sorted[0]!).userId;
}

/**
 * The viewer's layout: the lead presenter's screen/camera on the stage (as `stageProducers`
 * arranges one presenter), every other presenter's video as a tile, everyone's audio.
 */
export function viewerLayout(s: RoomState): ReturnType<typeof stageProducers> & { tiles: VideoTile[] } {
  const lead = leadPresenter(s);
  const producers = Object.fromEntries(Object.entries(s.producers).filter(([, p]) => p.kind === 'audio' || p.userId === lead));
  const stage = stageProducers({ ...s, producers });
  const onStage = new Set([stage.main?.producerId, stage.inset?.producerId]);
  const tiles = remoteVideo(s)
    .filter((p) => !onStage.has(p.producerId))
    .map((p) => tileOf(s, p))
    .sort(byPresenter);
  return { ...stage, tiles };
}

/** The host studio: every other presenter's video (co-host cameras and screens) as tiles. */
export function studioTiles(s: RoomState): VideoTile[] {
  return remoteVideo(s)
    .filter((p) => isPresenterRole(s.participants[p.userId]?.role) || !s.participants[p.userId])
    .map((p) => tileOf(s, p))
    .sort(byPresenter);
}

/** The remote audio a presenter hears in the studio (other presenters' microphones). */
export function studioAudio(s: RoomState): RemoteProducer[] {
  return Object.values(s.producers).filter((p) => p.kind === 'audio' && p.userId !== s.self?.userId && p.consumerId);
}

/** The accessible name of a tile's video. */
export function tileLabel(t: Pick<VideoTile, 'displayName' | 'source'>): string {
  return `${t.displayName} ${t.source === 'screen' ? 'screen' : 'camera'}`;
}

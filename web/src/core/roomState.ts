/**
 * The room's state machine, as a pure reducer (tested without media or sockets).
 *
 * Phases (what the viewer sees):
 *   connecting → joining → waiting (no presenter media) ⇄ live ⇄ host-paused (every
 *   presenter source paused) → … ; any joined phase → reconnecting (signaling lost, or media
 *   transport down) → back after rejoin; ended (room closed, removed, or left) is final;
 *   failed when the session cannot continue (e.g. rejected token, room full).
 */
import type { ChatMessageData, JoinRole, MediaKind, ParticipantInfo, RoomJoinedData } from './protocol';
import type { QualityChoice } from './quality';

export type RoomPhase = 'connecting' | 'joining' | 'waiting' | 'live' | 'host-paused' | 'reconnecting' | 'ended' | 'failed';
export type EndReason = 'closed_by_host' | 'removed' | 'replaced' | 'left' | 'room_closed';
export type LocalSourceName = 'camera' | 'microphone' | 'screen';

export interface Participant {
  userId: string;
  displayName: string;
  role: string;
}

export interface RemoteProducer {
  producerId: string;
  userId: string;
  kind: MediaKind;
  /** `appData.source`: camera, microphone, screen, screen-audio (or unknown). */
  source: string;
  paused: boolean;
  consumerId: string | null;
  /** Spatial layer the SFU forwards to us (`layers-changed`); null = unknown, -1 = none. */
  receivedLayer: number | null;
}

export interface LocalSource {
  source: LocalSourceName;
  producerId: string | null;
  paused: boolean;
  /** publishing = produce in flight */
  status: 'publishing' | 'live';
}

export interface Notice {
  id: number;
  kind: 'info' | 'warning' | 'error';
  text: string;
}

export interface RoomState {
  roomId: string;
  phase: RoomPhase;
  self: { userId: string; role: JoinRole | string; displayName: string } | null;
  participants: Record<string, Participant>;
  producers: Record<string, RemoteProducer>;
  local: Partial<Record<LocalSourceName, LocalSource>>;
  chat: ChatMessageData[];
  quality: QualityChoice;
  /** Signaling session up. */
  connected: boolean;
  /** Media transports up (or none needed yet). */
  mediaConnected: boolean;
  joined: boolean;
  everJoined: boolean;
  endReason: EndReason | null;
  error: string | null;
  notices: Notice[];
}

export type RoomAction =
  | { type: 'connected' }
  | { type: 'connection-lost' }
  | { type: 'joined'; data: RoomJoinedData; self: { userId: string; role: string; displayName: string } }
  | { type: 'media-connection'; connected: boolean }
  | { type: 'participant-joined'; participant: Participant }
  | { type: 'participant-left'; userId: string; reason?: string }
  | { type: 'new-producer'; producerId: string; userId: string; kind: MediaKind; source: string; paused: boolean }
  | { type: 'producer-paused' | 'producer-resumed' | 'producer-closed'; producerId: string }
  | { type: 'consumer-created'; producerId: string; consumerId: string; producerPaused?: boolean }
  | { type: 'consumer-closed'; consumerId: string }
  | { type: 'layers-changed'; consumerId: string; spatialLayer: number }
  | { type: 'chat-message'; message: ChatMessageData }
  | { type: 'chat-deleted'; messageId: string }
  | { type: 'local-publishing'; source: LocalSourceName }
  | { type: 'local-produced'; source: LocalSourceName; producerId: string; paused: boolean }
  | { type: 'local-paused' | 'local-resumed' | 'local-closed'; source: LocalSourceName }
  | { type: 'muted'; by: string; kind: 'audio' | 'video' | 'all' }
  | { type: 'room-closed'; reason?: string }
  | { type: 'removed'; by: string }
  | { type: 'left' }
  | { type: 'failed'; error: string }
  | { type: 'quality'; choice: QualityChoice }
  | { type: 'notice'; kind: Notice['kind']; text: string }
  | { type: 'dismiss-notice'; id: number };

export function initialRoomState(roomId: string): RoomState {
  return {
    roomId,
    phase: 'connecting',
    self: null,
    participants: {},
    producers: {},
    local: {},
    chat: [],
    quality: 'auto',
    connected: false,
    mediaConnected: true,
    joined: false,
    everJoined: false,
    endReason: null,
    error: null,
    notices: [],
  };
}

/** Sources that make a room "live" for a viewer. */
const PRESENTER_SOURCES = new Set(['camera', 'microphone', 'screen', 'screen-audio']);

/** Derives the phase from the rest of the state. */
export function derivePhase(s: Omit<RoomState, 'phase'>): RoomPhase {
  if (s.endReason) return 'ended';
  if (s.error) return 'failed';
  if (!s.connected) return s.everJoined ? 'reconnecting' : 'connecting';
  if (!s.joined) return s.everJoined ? 'reconnecting' : 'joining';
  if (!s.mediaConnected) return 'reconnecting';
  const media = Object.values(s.producers).filter((p) => p.userId !== s.self?.userId && PRESENTER_SOURCES.has(p.source));
  if (media.length === 0) return 'waiting';
  if (media.every((p) => p.paused)) return 'host-paused';
  return 'live';
}

const MAX_CHAT = 200;
const MAX_NOTICES = 4;
let noticeSeq = 0;

function producerFromInfo(userId: string, p: ParticipantInfo['producers'][number]): RemoteProducer {
  return {
    producerId: p.producerId,
    userId,
    kind: p.kind,
    source: typeof p.appData.source === 'string' ? p.appData.source : p.kind === 'audio' ? 'microphone' : 'camera',
    paused: p.paused === true,
    consumerId: null,
    receivedLayer: null,
  };
}

function isChatMessage(v: unknown): v is ChatMessageData {
  if (!v || typeof v !== 'object') return false;
  const m = v as Record<string, unknown>;
  return ['messageId', 'userId', 'displayName', 'role', 'text', 'sentAt'].every((k) => typeof m[k] === 'string');
}

function withNotice(s: RoomState, kind: Notice['kind'], text: string): RoomState {
  return { ...s, notices: [...s.notices, { id: ++noticeSeq, kind, text }].slice(-MAX_NOTICES) };
}

function reduce(s: RoomState, a: RoomAction): RoomState {
  if (s.endReason && a.type !== 'dismiss-notice' && a.type !== 'notice') return s; // ended is final
  switch (a.type) {
    case 'connected':
      return { ...s, connected: true };
    case 'connection-lost':
      // the server forgets us with the socket: everything remote is stale until we rejoin
      return { ...s, connected: false, joined: false, producers: {}, local: {} };
    case 'joined': {
      const participants: Record<string, Participant> = {};
      const producers: Record<string, RemoteProducer> = {};
      for (const p of a.data.participants) {
        participants[p.userId] = { userId: p.userId, displayName: p.displayName, role: p.role };
        for (const pr of p.producers) producers[pr.producerId] = producerFromInfo(p.userId, pr);
      }
      participants[a.self.userId] = { ...a.self };
      const history: ChatMessageData[] = [];
      for (const m of a.data.chatHistory ?? []) if (isChatMessage(m)) history.push(m);
      // keep messages we already have (rejoin), add the history we lack
      const known = new Set(s.chat.map((m) => m.messageId));
      const chat = [...s.chat, ...history.filter((m) => !known.has(m.messageId))]
        .sort((x, y) => x.sentAt.localeCompare(y.sentAt))
        .slice(-MAX_CHAT);
      return {
        ...s,
        self: a.self,
        participants,
        producers,
        chat,
        connected: true,
        joined: true,
        everJoined: true,
        mediaConnected: true,
      };
    }
    case 'media-connection':
      return { ...s, mediaConnected: a.connected };
    case 'participant-joined':
      return { ...s, participants: { ...s.participants, [a.participant.userId]: a.participant } };
    case 'participant-left': {
      const participants = { ...s.participants };
      delete participants[a.userId];
      const producers = Object.fromEntries(Object.entries(s.producers).filter(([, p]) => p.userId !== a.userId));
      return { ...s, participants, producers };
    }
    case 'new-producer':
      return {
        ...s,
        producers: {
          ...s.producers,
          [a.producerId]: { producerId: a.producerId, userId: a.userId, kind: a.kind, source: a.source, paused: a.paused, consumerId: null, receivedLayer: null },
        },
      };
    case 'producer-paused':
    case 'producer-resumed': {
      const paused = a.type === 'producer-paused';
      const p = s.producers[a.producerId];
      if (p) return { ...s, producers: { ...s.producers, [a.producerId]: { ...p, paused } } };
      const local = Object.values(s.local).find((l) => l.producerId === a.producerId);
      if (local) return { ...s, local: { ...s.local, [local.source]: { ...local, paused } } };
      return s;
    }
    case 'producer-closed': {
      if (s.producers[a.producerId]) {
        const producers = { ...s.producers };
        delete producers[a.producerId];
        return { ...s, producers };
      }
      const local = Object.values(s.local).find((l) => l.producerId === a.producerId);
      if (local) {
        const next = { ...s.local };
        delete next[local.source];
        return { ...s, local: next };
      }
      return s;
    }
    case 'consumer-created': {
      const p = s.producers[a.producerId];
      if (!p) return s;
      return {
        ...s,
        producers: {
          ...s.producers,
          [a.producerId]: { ...p, consumerId: a.consumerId, paused: a.producerPaused ?? p.paused },
        },
      };
    }
    case 'layers-changed': {
      const p = Object.values(s.producers).find((x) => x.consumerId === a.consumerId);
      if (!p || p.receivedLayer === a.spatialLayer) return s;
      return { ...s, producers: { ...s.producers, [p.producerId]: { ...p, receivedLayer: a.spatialLayer } } };
    }
    case 'consumer-closed': {
      const p = Object.values(s.producers).find((x) => x.consumerId === a.consumerId);
      if (!p) return s;
      return { ...s, producers: { ...s.producers, [p.producerId]: { ...p, consumerId: null } } };
    }
    case 'chat-message':
      if (s.chat.some((m) => m.messageId === a.message.messageId)) return s;
      return { ...s, chat: [...s.chat, a.message].slice(-MAX_CHAT) };
    case 'chat-deleted':
      return { ...s, chat: s.chat.filter((m) => m.messageId !== a.messageId) };
    case 'local-publishing':
      return { ...s, local: { ...s.local, [a.source]: { source: a.source, producerId: null, paused: false, status: 'publishing' } } };
    case 'local-produced':
      return { ...s, local: { ...s.local, [a.source]: { source: a.source, producerId: a.producerId, paused: a.paused, status: 'live' } } };
    case 'local-paused':
    case 'local-resumed': {
      const l = s.local[a.source];
      if (!l) return s;
      return { ...s, local: { ...s.local, [a.source]: { ...l, paused: a.type === 'local-paused' } } };
    }
    case 'local-closed': {
      const next = { ...s.local };
      delete next[a.source];
      return { ...s, local: next };
    }
    case 'muted': {
      const who = s.participants[a.by]?.displayName ?? 'A moderator';
      const what = a.kind === 'all' ? 'microphone and camera' : a.kind === 'video' ? 'camera' : 'microphone';
      return withNotice(s, 'warning', `${who} muted your ${what}. You can unmute when ready.`);
    }
    case 'room-closed':
      return { ...s, endReason: a.reason === 'closed_by_host' || !a.reason ? 'closed_by_host' : 'room_closed', joined: false };
    case 'removed':
      return { ...s, endReason: a.by === 'replaced' ? 'replaced' : 'removed', joined: false };
    case 'left':
      return { ...s, endReason: 'left', joined: false };
    case 'failed':
      return { ...s, error: a.error };
    case 'quality':
      return { ...s, quality: a.choice };
    case 'notice':
      return withNotice(s, a.kind, a.text);
    case 'dismiss-notice':
      return { ...s, notices: s.notices.filter((n) => n.id !== a.id) };
  }
}

export function roomReducer(s: RoomState, a: RoomAction): RoomState {
  const next = reduce(s, a);
  if (next === s) return s;
  const phase = derivePhase(next);
  return phase === next.phase ? next : { ...next, phase };
}

/**
 * The presenter's main (large) video: a live screen share first (camera in the inset), else
 * the camera (a paused screen share does not keep a live camera off the stage).
 */
export function stageProducers(s: RoomState): { main: RemoteProducer | null; inset: RemoteProducer | null; audio: RemoteProducer[] } {
  const video = Object.values(s.producers).filter((p) => p.kind === 'video' && p.userId !== s.self?.userId);
  const screen = video.find((p) => p.source === 'screen') ?? null;
  const camera = video.find((p) => p.source !== 'screen') ?? null;
  const audio = Object.values(s.producers).filter((p) => p.kind === 'audio' && p.userId !== s.self?.userId);
  if (screen && (!screen.paused || !camera || camera.paused)) return { main: screen, inset: camera, audio };
  return { main: camera, inset: null, audio };
}

/** Live with sound but no video to show (the host's camera is off or paused). */
export function isAudioOnly(s: RoomState): boolean {
  if (s.phase !== 'live') return false;
  const { main, inset, audio } = stageProducers(s);
  const showing = (p: RemoteProducer | null) => !!p && !p.paused;
  return !showing(main) && !showing(inset) && audio.some((p) => !p.paused);
}

export function isPresenterRole(role: string | undefined | null): boolean {
  return role === 'host' || role === 'co-host';
}

/**
 * Types of the signaling protocol (docs/protocol.md, version 1.0.0) and schema validation
 * of its messages. `protocolSchemas.json` is extracted from the docs by
 * scripts/extract-protocol-schemas.mjs; protocol.contract.test.ts checks that it is current
 * and that the TypeScript types below name the same fields.
 */
import schemasJson from './protocolSchemas.json';

export type JoinRole = 'host' | 'co-host' | 'moderator' | 'viewer';
export type MediaKind = 'audio' | 'video';
export type MediaSource = 'camera' | 'microphone' | 'screen' | 'screen-audio';
export type JsonObject = Record<string, unknown>;

// ---- client -> server ------------------------------------------------------------------

export interface AuthenticateData {
  token: string;
  organizationId?: string;
  deviceInfo?: { userAgent?: string; platform?: string };
}
export interface JoinRoomData {
  roomId: string;
  role?: JoinRole;
  displayName?: string;
  rtpCapabilities?: JsonObject;
}
export interface CreateTransportData {
  roomId: string;
  direction: 'send' | 'recv';
  sctpCapabilities?: JsonObject;
  forceTcp?: boolean;
}
export interface ConnectTransportData {
  transportId: string;
  dtlsParameters: { role?: 'auto' | 'client' | 'server'; fingerprints: { algorithm: string; value: string }[] };
}
export interface ProduceData {
  transportId: string;
  kind: MediaKind;
  rtpParameters: JsonObject;
  paused?: boolean;
  appData?: { source?: MediaSource };
}
export interface ConsumeData {
  producerId: string;
  rtpCapabilities: JsonObject;
  transportId?: string;
  paused?: boolean;
}
export interface SetPreferredLayersData {
  consumerId: string;
  spatialLayer: number;
  temporalLayer?: number;
}
export interface ConsumerIdData {
  consumerId: string;
}
export interface ProducerIdData {
  producerId: string;
}
export interface TransportIdData {
  transportId: string;
}
export interface RoomIdData {
  roomId?: string;
}
export interface SendChatData {
  text: string;
}
export interface DeleteChatData {
  messageId: string;
}
export interface MuteParticipantData {
  userId: string;
  kind?: 'audio' | 'video' | 'all';
}
export interface RemoveParticipantData {
  userId: string;
}
export type EmptyData = Record<string, never>;
export interface GetStatsData {
  /** `self` (default): the caller's own transports, producers and consumers; `room`: everyone's (presenters, owner/admin). */
  scope?: 'self' | 'room';
}

export interface ClientEvents {
  authenticate: AuthenticateData;
  'join-room': JoinRoomData;
  'create-transport': CreateTransportData;
  'connect-transport': ConnectTransportData;
  produce: ProduceData;
  consume: ConsumeData;
  'set-preferred-layers': SetPreferredLayersData;
  'resume-consumer': ConsumerIdData;
  'pause-consumer': ConsumerIdData;
  'pause-producer': ProducerIdData;
  'resume-producer': ProducerIdData;
  'close-producer': ProducerIdData;
  'restart-ice': TransportIdData;
  'leave-room': RoomIdData;
  'close-room': RoomIdData;
  'send-chat': SendChatData;
  'delete-chat': DeleteChatData;
  'mute-participant': MuteParticipantData;
  'remove-participant': RemoveParticipantData;
  'get-stats': GetStatsData;
  'test-network': TestNetworkData;
  ping: EmptyData;
}
export type ClientEventName = keyof ClientEvents;

// ---- server -> client ------------------------------------------------------------------

export interface RoomLimits {
  maxRooms: number | null;
  maxViewers: number | null;
  maxWorkspaces?: number | null;
  maxHosts?: number | null;
}
export interface AuthenticatedData {
  userId: string;
  organizationId: string;
  role: 'owner' | 'admin' | 'host' | 'co-host' | 'moderator' | 'viewer';
  permissions: string[];
  limits: RoomLimits;
  plan?: string;
}
export interface ProducerInfo {
  producerId: string;
  kind: MediaKind;
  appData: JsonObject;
  paused?: boolean;
}
export interface ParticipantInfo {
  userId: string;
  displayName: string;
  role: string;
  producers: ProducerInfo[];
}
export interface ChatMessageData {
  messageId: string;
  userId: string;
  displayName: string;
  role: string;
  text: string;
  sentAt: string;
}
export interface RoomJoinedData {
  roomId: string;
  routerRtpCapabilities: JsonObject & { codecs: unknown[]; headerExtensions: unknown[] };
  participants: ParticipantInfo[];
  sfuNode: string;
  chatHistory?: JsonObject[];
  you?: { userId?: string; role?: string; displayName?: string };
}
export interface TransportCreatedData {
  transportId: string;
  direction: 'send' | 'recv';
  iceParameters: JsonObject & { usernameFragment: string; password: string };
  iceCandidates: JsonObject[];
  dtlsParameters: JsonObject & { fingerprints: unknown[] };
  sctpParameters?: JsonObject;
}
export interface ProducedData {
  producerId: string;
  kind?: MediaKind;
}
export interface NewProducerData {
  producerId: string;
  producerUserId: string;
  kind: MediaKind;
  appData: { source?: string; displayName?: string } & JsonObject;
  paused?: boolean;
}
export interface ConsumerCreatedData {
  consumerId: string;
  producerId: string;
  kind: MediaKind;
  rtpParameters: JsonObject & { codecs: unknown[]; encodings: unknown[] };
  appData: JsonObject;
  type?: 'simple' | 'simulcast' | 'svc';
  producerPaused?: boolean;
  paused?: boolean;
}
export interface LayersSetData {
  consumerId: string;
  spatialLayer: number;
  temporalLayer?: number | null;
}
/** The layers the SFU currently forwards (-1 = nothing). */
export interface LayersChangedData {
  consumerId: string;
  spatialLayer: number;
  temporalLayer: number;
}
export interface ParticipantJoinedData {
  userId: string;
  displayName: string;
  role: string;
}
export interface ParticipantLeftData {
  userId: string;
  reason?: string;
}
export interface ProducerEventData {
  producerId: string;
  userId?: string;
}
export interface ConsumerClosedData {
  consumerId: string;
  producerId?: string;
  reason?: string;
}
export interface IceRestartedData {
  transportId: string;
  iceParameters: JsonObject;
}
export interface RoomClosedData {
  roomId: string;
  reason?: string;
}
export interface ChatDeletedData {
  messageId: string;
  deletedBy?: string;
}
export interface MutedData {
  by: string;
  kind: 'audio' | 'video' | 'all';
}
export interface RemovedData {
  roomId: string;
  /** The moderator's user id, or "replaced" (joined from another connection) or "media" (ICE consent lost). */
  by: string;
}
export interface ErrorData {
  code: string;
  message: string;
  requestId?: string;
  retryAfter?: number;
}

/** A file of the room was uploaded (same shape as GET /api/v1/files/{fileId}). */
export interface FileAddedData {
  id: string;
  organizationId: string;
  roomId: string;
  name: string;
  contentType: string;
  sizeBytes: number;
  uploadedBy?: string | null;
  createdAt: string;
}
export interface FileDeletedData {
  fileId: string;
  roomId: string;
}

/** `test-network` (servers started with --test-hooks only): emulated downlink impairment. */
export interface TestNetworkData {
  lossPercent?: number;
  downlinkKbps?: number;
  queueMs?: number;
}
export interface TestNetworkSetData {
  lossPercent: number;
  downlinkKbps: number;
  queueMs: number;
}

/** Server-side statistics (`get-stats` reply); counters are cumulative. */
export interface StatsData {
  roomId: string;
  scope: 'self' | 'room';
  timestamp: number;
  transports: (JsonObject & { transportId: string; userId: string })[];
  producers: (JsonObject & { producerId: string; userId: string })[];
  consumers: (JsonObject & { consumerId: string; userId: string })[];
}

export interface ServerEvents {
  authenticated: AuthenticatedData;
  'room-joined': RoomJoinedData;
  'transport-created': TransportCreatedData;
  'transport-connected': { transportId: string };
  produced: ProducedData;
  'new-producer': NewProducerData;
  'consumer-created': ConsumerCreatedData;
  'consumer-resumed': ConsumerIdData;
  'consumer-paused': ConsumerIdData;
  'layers-set': LayersSetData;
  'layers-changed': LayersChangedData;
  'participant-joined': ParticipantJoinedData;
  'participant-left': ParticipantLeftData;
  'producer-closed': ProducerEventData;
  'producer-paused': ProducerEventData;
  'producer-resumed': ProducerEventData;
  'consumer-closed': ConsumerClosedData;
  'ice-restarted': IceRestartedData;
  'left-room': { roomId: string };
  'room-closed': RoomClosedData;
  'chat-message': ChatMessageData;
  'chat-deleted': ChatDeletedData;
  muted: MutedData;
  removed: RemovedData;
  stats: StatsData;
  'file-added': FileAddedData;
  'file-deleted': FileDeletedData;
  'test-network-set': TestNetworkSetData;
  pong: EmptyData;
  error: ErrorData;
}
export type ServerEventName = keyof ServerEvents;

/**
 * The reply each request waits for. `null`: the docs define no reply addressed to the
 * requester (or only a broadcast that may not echo the requestId); such requests resolve on
 * an echoed reply or, failing that, when no `error` arrived within the acknowledgement window.
 */
export interface ReplyMap {
  authenticate: 'authenticated';
  'join-room': 'room-joined';
  'create-transport': 'transport-created';
  'connect-transport': 'transport-connected';
  produce: 'produced';
  consume: 'consumer-created';
  'set-preferred-layers': 'layers-set';
  'resume-consumer': 'consumer-resumed';
  'pause-consumer': 'consumer-paused';
  'pause-producer': 'producer-paused';
  'resume-producer': 'producer-resumed';
  'close-producer': 'producer-closed';
  'restart-ice': 'ice-restarted';
  'leave-room': 'left-room';
  'close-room': null;
  'send-chat': null;
  'delete-chat': null;
  'mute-participant': null;
  'remove-participant': null;
  'get-stats': 'stats';
  'test-network': 'test-network-set';
  ping: 'pong';
}

/**
 * The reply each request waits for. `null`: the docs define no reply addressed to the
 * requester (or only a broadcast that may not echo the requestId); such requests resolve on
 * an echoed reply or, failing that, when no `error` arrived within the acknowledgement window.
 */
export const REPLIES: ReplyMap = {
  authenticate: 'authenticated',
  'join-room': 'room-joined',
  'create-transport': 'transport-created',
  'connect-transport': 'transport-connected',
  produce: 'produced',
  consume: 'consumer-created',
  'set-preferred-layers': 'layers-set',
  'resume-consumer': 'consumer-resumed',
  'pause-consumer': 'consumer-paused',
  'pause-producer': 'producer-paused',
  'resume-producer': 'producer-resumed',
  'close-producer': 'producer-closed',
  'restart-ice': 'ice-restarted',
  'leave-room': 'left-room',
  'close-room': null,
  'send-chat': null,
  'delete-chat': null,
  'mute-participant': null,
  'remove-participant': null,
  'get-stats': 'stats',
  'test-network': 'test-network-set',
  ping: 'pong',
};

/** What a request resolves to. */
export type ReplyOf<K extends ClientEventName> = ReplyMap[K] extends ServerEventName
  ? ServerEvents[ReplyMap[K]]
  : JsonObject | undefined;

export interface Frame {
  event: string;
  data: JsonObject;
  requestId?: string;
}

// ---- validation --------------------------------------------------------------------------

/** The subset of JSON Schema (draft 2020-12) that docs/protocol.md uses. */
export interface Schema {
  type?: string | string[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

export const SCHEMAS = schemasJson as unknown as {
  client: Record<ClientEventName, Schema>;
  server: Record<ServerEventName, Schema>;
};

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Returns the first violation (a JSON-pointer-ish path and reason), or null when valid. */
export function validate(schema: Schema, value: unknown, path = ''): string | null {
  if (schema.type !== undefined) {
    const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
    const t = typeOf(value);
    const ok = allowed.some((a) => a === t || (a === 'number' && t === 'integer'));
    if (!ok) return `${path || '/'}: expected ${allowed.join('|')}, got ${t}`;
  }
  if (schema.enum && !schema.enum.some((e) => e === value)) return `${path || '/'}: not one of ${schema.enum.join(', ')}`;
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) return `${path}: too short`;
    if (schema.maxLength !== undefined && value.length > schema.maxLength) return `${path}: too long`;
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return `${path}: below ${schema.minimum}`;
    if (schema.maximum !== undefined && value > schema.maximum) return `${path}: above ${schema.maximum}`;
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return `${path}: fewer than ${schema.minItems} items`;
    if (schema.items) {
      for (let i = 0; i < value.length; i++) {
        const err = validate(schema.items, value[i], `${path}/${i}`);
        if (err) return err;
      }
    }
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in obj)) return `${path}/${key}: required`;
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (key in obj) {
        const err = validate(sub, obj[key], `${path}/${key}`);
        if (err) return err;
      }
    }
  }
  return null;
}

export type ParseResult =
  | { ok: true; frame: Frame; known: true }
  | { ok: true; frame: Frame; known: false }
  | { ok: false; reason: string };

/** Parses one text frame from the server: framing, then the event's schema. */
export function parseServerFrame(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'not an object' };
  const obj = raw as Record<string, unknown>;
  if (typeof obj.event !== 'string') return { ok: false, reason: 'missing event' };
  const data = obj.data === undefined ? {} : obj.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { ok: false, reason: `${obj.event}: data is not an object` };
  if (obj.requestId !== undefined && typeof obj.requestId !== 'string') return { ok: false, reason: 'requestId is not a string' };
  const frame: Frame = { event: obj.event, data: data as JsonObject };
  if (typeof obj.requestId === 'string') frame.requestId = obj.requestId;
  const schema = (SCHEMAS.server as Record<string, Schema | undefined>)[obj.event];
  if (!schema) return { ok: true, frame, known: false };
  const err = validate(schema, data);
  if (err) return { ok: false, reason: `${obj.event}${err}` };
  return { ok: true, frame, known: true };
}

/** Validates an outgoing event (catches our own bugs before the server does). */
export function validateClientEvent(event: ClientEventName, data: unknown): string | null {
  const schema = SCHEMAS.client[event];
  if (!schema) return `unknown client event ${event}`;
  return validate(schema, data);
}

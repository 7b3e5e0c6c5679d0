/** Schema-valid sample server messages (used by tests). */
import type { ServerEvents } from './protocol';

export const routerRtpCapabilities = {
  codecs: [
    { kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] },
    { kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 101, clockRate: 90000, parameters: {}, rtcpFeedback: [] },
  ],
  headerExtensions: [],
};

export const serverFixtures: { [K in keyof ServerEvents]: ServerEvents[K] } = {
  authenticated: {
    userId: 'usr_1',
    organizationId: 'org_1',
    role: 'host',
    permissions: ['stream', 'share_screen', 'chat', 'view'],
    limits: { maxRooms: 3, maxViewers: 50, maxWorkspaces: 1, maxHosts: null },
    plan: 'starter',
  },
  'room-joined': {
    roomId: 'room_1',
    routerRtpCapabilities,
    participants: [
      {
        userId: 'usr_host',
        displayName: 'Host',
        role: 'host',
        producers: [{ producerId: 'p_cam', kind: 'video', appData: { source: 'camera' }, paused: false }],
      },
    ],
    sfuNode: 'node-1',
    chatHistory: [
      { messageId: 'm1', userId: 'usr_host', displayName: 'Host', role: 'host', text: 'hello', sentAt: '2026-11-26T04:02:33Z' },
    ],
    you: { userId: 'usr_1', role: 'viewer', displayName: 'Me' },
  },
  'transport-created': {
    transportId: 't1',
    direction: 'recv',
    iceParameters: { usernameFragment: 'u', password: 'p', iceLite: true },
    iceCandidates: [{ foundation: 'udpcandidate', priority: 1076302079, ip: '127.0.0.1', address: '127.0.0.1', protocol: 'udp', port: 40000, type: 'host' }],
    dtlsParameters: { role: 'auto', fingerprints: [{ algorithm: 'sha-256', value: 'AA:BB' }] },
  },
  'transport-connected': { transportId: 't1' },
  produced: { producerId: 'p1', kind: 'video' },
  'new-producer': { producerId: 'p_screen', producerUserId: 'usr_host', kind: 'video', appData: { source: 'screen', displayName: 'Host' }, paused: false },
  'consumer-created': {
    consumerId: 'c1',
    producerId: 'p_cam',
    kind: 'video',
    rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 1111 }] },
    appData: { source: 'camera' },
    type: 'simulcast',
    producerPaused: false,
    paused: true,
  },
  'consumer-resumed': { consumerId: 'c1' },
  'consumer-paused': { consumerId: 'c1' },
  'layers-set': { consumerId: 'c1', spatialLayer: 2, temporalLayer: null },
  'layers-changed': { consumerId: 'c1', spatialLayer: 1, temporalLayer: 2 },
  'participant-joined': { userId: 'usr_2', displayName: 'Viewer', role: 'viewer' },
  'participant-left': { userId: 'usr_2', reason: 'removed' },
  'producer-closed': { producerId: 'p_cam', userId: 'usr_host' },
  'producer-paused': { producerId: 'p_cam', userId: 'usr_host' },
  'producer-resumed': { producerId: 'p_cam', userId: 'usr_host' },
  'consumer-closed': { consumerId: 'c1', producerId: 'p_cam', reason: 'producer_closed' },
  'ice-restarted': { transportId: 't1', iceParameters: { usernameFragment: 'u2', password: 'p2', iceLite: true } },
  'left-room': { roomId: 'room_1' },
  'room-closed': { roomId: 'room_1', reason: 'closed_by_host' },
  'chat-message': { messageId: 'm2', userId: 'usr_2', displayName: 'Viewer', role: 'viewer', text: 'hi', sentAt: '2026-11-26T04:03:00Z' },
  'chat-deleted': { messageId: 'm2', deletedBy: 'usr_host' },
  muted: { by: 'usr_host', kind: 'audio' },
  removed: { roomId: 'room_1', by: 'usr_host' },
  'test-network-set': { lossPercent: 5, downlinkKbps: 600, queueMs: 300 },
  'file-added': { id: 'file_1', organizationId: 'org_1', roomId: 'room_1', name: 'levels.pdf', contentType: 'application/pdf', sizeBytes: 1024, uploadedBy: 'usr_host', createdAt: '2026-11-26T04:03:00Z' },
  'file-deleted': { fileId: 'file_1', roomId: 'room_1' },
  stats: {
    roomId: 'room_1',
    scope: 'self',
    timestamp: 1764129753000,
    transports: [{ transportId: 't1', userId: 'usr_1', bytesReceived: 1200 }],
    producers: [{ producerId: 'p1', userId: 'usr_1', packets: 10 }],
    consumers: [{ consumerId: 'c1', userId: 'usr_1', packetsSent: 9 }],
  },
  pong: {},
  error: { code: 'forbidden', message: 'no', requestId: 'r1', retryAfter: 2 },
};

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Emitter, Observable } from './observable';
import type { ClientEventName, ServerEvents } from './protocol';
import { routerRtpCapabilities, serverFixtures } from './protocolFixtures';
import {
  derivePhase,
  initialRoomState,
  roomReducer,
  RoomSession,
  stageProducers,
  isAudioOnly,
  type RoomAction,
  type RoomState,
  type SignalingLike,
} from './room';
import { SignalingError, type SignalingState } from './signaling';

// ---- the pure state machine ------------------------------------------------------------------

const self = { userId: 'usr_me', role: 'viewer', displayName: 'Me' };
const joinedData = (producers: ServerEvents['room-joined']['participants'][number]['producers'] = []): ServerEvents['room-joined'] => ({
  roomId: 'room_1',
  routerRtpCapabilities,
  participants: [{ userId: 'usr_host', displayName: 'Host', role: 'host', producers }],
  sfuNode: 'n1',
});

function run(actions: RoomAction[], from: RoomState = initialRoomState('room_1')): RoomState {
  return actions.reduce(roomReducer, from);
}

describe('room state machine', () => {
  it('goes connecting → joining → waiting → live → host paused → live → reconnecting → live → ended', () => {
    const phases: string[] = [];
    let s = initialRoomState('room_1');
    const step = (a: RoomAction) => {
      s = roomReducer(s, a);
      phases.push(s.phase);
    };
    expect(s.phase).toBe('connecting');
    step({ type: 'connected' });
    step({ type: 'joined', data: joinedData(), self });
    step({ type: 'new-producer', producerId: 'cam', userId: 'usr_host', kind: 'video', source: 'camera', paused: false });
    step({ type: 'new-producer', producerId: 'mic', userId: 'usr_host', kind: 'audio', source: 'microphone', paused: false });
    step({ type: 'producer-paused', producerId: 'cam' });
    step({ type: 'producer-paused', producerId: 'mic' });
    step({ type: 'producer-resumed', producerId: 'mic' });
    step({ type: 'connection-lost' });
    step({ type: 'connected' });
    step({ type: 'joined', data: joinedData([{ producerId: 'cam2', kind: 'video', appData: { source: 'camera' } }]), self });
    step({ type: 'room-closed', reason: 'closed_by_host' });
    expect(phases).toEqual([
      'joining',
      'waiting',
      'live',
      'live',
      'live', // camera paused, microphone still on
      'host-paused', // everything paused
      'live',
      'reconnecting',
      'reconnecting', // socket back, not yet rejoined
      'live',
      'ended',
    ]);
    expect(s.endReason).toBe('closed_by_host');
  });

  it('treats media transport loss as reconnecting', () => {
    const s = run([
      { type: 'connected' },
      { type: 'joined', data: joinedData([{ producerId: 'cam', kind: 'video', appData: { source: 'camera' } }]), self },
      { type: 'media-connection', connected: false },
    ]);
    expect(s.phase).toBe('reconnecting');
    expect(roomReducer(s, { type: 'media-connection', connected: true }).phase).toBe('live');
  });

  it('starts host-paused when the joined producers are paused', () => {
    const s = run([
      { type: 'connected' },
      { type: 'joined', data: joinedData([{ producerId: 'cam', kind: 'video', appData: { source: 'camera' }, paused: true }]), self },
    ]);
    expect(s.phase).toBe('host-paused');
  });

  it('returns to waiting when the host leaves', () => {
    const s = run([
      { type: 'connected' },
      { type: 'joined', data: joinedData([{ producerId: 'cam', kind: 'video', appData: { source: 'camera' } }]), self },
      { type: 'participant-left', userId: 'usr_host' },
    ]);
    expect(s.phase).toBe('waiting');
    expect(s.participants.usr_host).toBeUndefined();
  });

  it('is final once ended (removed), and failed on fatal errors', () => {
    const removed = run([{ type: 'connected' }, { type: 'joined', data: joinedData(), self }, { type: 'removed', by: 'usr_host' }]);
    expect(removed.phase).toBe('ended');
    expect(removed.endReason).toBe('removed');
    expect(roomReducer(removed, { type: 'connected' })).toBe(removed);
    expect(run([{ type: 'connected' }, { type: 'failed', error: 'room full' }]).phase).toBe('failed');
  });

  it('does not count the participant’s own producers as the host’s', () => {
    const s = run([
      { type: 'connected' },
      { type: 'joined', data: joinedData(), self: { ...self, role: 'host' } },
      { type: 'new-producer', producerId: 'mine', userId: 'usr_me', kind: 'video', source: 'camera', paused: false },
    ]);
    expect(s.phase).toBe('waiting');
  });

  it('keeps chat across a rejoin without duplicates and applies deletions', () => {
    const msg = serverFixtures['chat-message'];
    const data = { ...joinedData(), chatHistory: [{ ...msg }] };
    const s = run([
      { type: 'connected' },
      { type: 'joined', data, self },
      { type: 'chat-message', message: msg },
      { type: 'connection-lost' },
      { type: 'connected' },
      { type: 'joined', data, self },
    ]);
    expect(s.chat.map((m) => m.messageId)).toEqual([msg.messageId]);
    expect(roomReducer(s, { type: 'chat-deleted', messageId: msg.messageId }).chat).toEqual([]);
  });

  it('tracks local sources paused by a moderator (producer-paused of our own producer)', () => {
    const s = run([
      { type: 'connected' },
      { type: 'joined', data: joinedData(), self: { ...self, role: 'host' } },
      { type: 'local-produced', source: 'microphone', producerId: 'my-mic', paused: false },
      { type: 'producer-paused', producerId: 'my-mic' },
      { type: 'muted', by: 'usr_host', kind: 'audio' },
    ]);
    expect(s.local.microphone?.paused).toBe(true);
    expect(s.notices.at(-1)?.text).toMatch(/Host muted your microphone/);
  });

  it('records the layer the SFU forwards (layers-changed)', () => {
    const s = run([
      { type: 'connected' },
      { type: 'joined', data: joinedData([{ producerId: 'cam', kind: 'video', appData: { source: 'camera' } }]), self },
      { type: 'consumer-created', producerId: 'cam', consumerId: 'c1' },
      { type: 'layers-changed', consumerId: 'c1', spatialLayer: 1 },
    ]);
    expect(s.producers.cam?.receivedLayer).toBe(1);
  });

  it('ends as "replaced" when the same user joined from elsewhere', () => {
    const s = run([{ type: 'connected' }, { type: 'joined', data: joinedData(), self }, { type: 'removed', by: 'replaced' }]);
    expect(s).toMatchObject({ phase: 'ended', endReason: 'replaced' });
  });

  it('puts the screen on stage and the camera in the inset', () => {
    const s = run([
      { type: 'connected' },
      { type: 'joined', data: joinedData([{ producerId: 'cam', kind: 'video', appData: { source: 'camera' } }]), self },
      { type: 'new-producer', producerId: 'scr', userId: 'usr_host', kind: 'video', source: 'screen', paused: false },
    ]);
    const stage = stageProducers(s);
    expect(stage.main?.producerId).toBe('scr');
    expect(stage.inset?.producerId).toBe('cam');
    expect(derivePhase(s)).toBe('live');
  });

  it('puts the camera on stage while the screen share is paused, and back', () => {
    const base: RoomAction[] = [
      { type: 'connected' },
      { type: 'joined', data: joinedData([{ producerId: 'cam', kind: 'video', appData: { source: 'camera' } }]), self },
      { type: 'new-producer', producerId: 'scr', userId: 'usr_host', kind: 'video', source: 'screen', paused: false },
      { type: 'producer-paused', producerId: 'scr' },
    ];
    let s = run(base);
    expect(stageProducers(s)).toMatchObject({ main: { producerId: 'cam' }, inset: null });
    s = run([{ type: 'producer-paused', producerId: 'cam' }], s);
    expect(stageProducers(s).main?.producerId).toBe('scr'); // both paused: the screen keeps the stage
    s = run([{ type: 'producer-resumed', producerId: 'scr' }, { type: 'producer-resumed', producerId: 'cam' }], s);
    expect(stageProducers(s)).toMatchObject({ main: { producerId: 'scr' }, inset: { producerId: 'cam' } });
  });

  it('is audio only when live with the microphone but no video showing', () => {
    const s = run([
      { type: 'connected' },
      {
        type: 'joined',
        data: joinedData([
          { producerId: 'cam', kind: 'video', appData: { source: 'camera' } },
          { producerId: 'mic', kind: 'audio', appData: { source: 'microphone' } },
        ]),
        self,
      },
    ]);
    expect(isAudioOnly(s)).toBe(false);
    const paused = run([{ type: 'producer-paused', producerId: 'cam' }], s);
    expect(paused.phase).toBe('live');
    expect(isAudioOnly(paused)).toBe(true);
    const closed = run([{ type: 'producer-closed', producerId: 'cam' }], s);
    expect(isAudioOnly(closed)).toBe(true);
    // everything paused is "host-paused", not audio only
    expect(isAudioOnly(run([{ type: 'producer-paused', producerId: 'mic' }], paused))).toBe(false);
  });
});

// ---- the session against fake signaling and a fake mediasoup Device ---------------------------

type Handler = (data: Record<string, unknown>) => unknown;

class FakeSignaling implements SignalingLike {
  state = new Observable<SignalingState>('idle');
  authenticated = serverFixtures.authenticated;
  emitter = new Emitter<Record<string, unknown>>();
  calls: { event: ClientEventName; data: Record<string, unknown> }[] = [];
  handlers: Partial<Record<ClientEventName, Handler>> = {};
  closed = false;
  connect = vi.fn(() => {
    this.state.set('open');
    this.emitter.emit('session', { authenticated: this.authenticated, reconnected: false });
  });
  close = vi.fn(() => {
    this.closed = true;
  });
  reconnectNow = vi.fn();
  on = ((event: string, fn: (d: never) => void) => this.emitter.on(event, fn as (d: unknown) => void)) as SignalingLike['on'];
  request = ((event: ClientEventName, data: Record<string, unknown>) => {
    this.calls.push({ event, data });
    const h = this.handlers[event];
    try {
      return Promise.resolve(h ? h(data) : {});
    } catch (e) {
      return Promise.reject(e);
    }
  }) as unknown as SignalingLike['request'];
  emit<K extends keyof ServerEvents>(event: K, data: ServerEvents[K]) {
    this.emitter.emit(event, data);
  }
  count(event: ClientEventName) {
    return this.calls.filter((c) => c.event === event).length;
  }
}

class FakeTransport {
  static all: FakeTransport[] = [];
  listeners: Record<string, ((...a: any[]) => void)[]> = {}; // eslint-disable-line @typescript-eslint/no-explicit-any
  closed = false;
  connectionState = 'new';
  restartIce = vi.fn(async () => undefined);
  constructor(
    readonly id: string,
    readonly direction: string,
  ) {
    FakeTransport.all.push(this);
  }
  on(ev: string, fn: (...a: any[]) => void) { // eslint-disable-line @typescript-eslint/no-explicit-any
    (this.listeners[ev] ??= []).push(fn);
  }
  setState(state: string) {
    this.connectionState = state;
    for (const fn of this.listeners.connectionstatechange ?? []) fn(state);
  }
  close() {
    this.closed = true;
  }
  async consume(o: { id: string; producerId: string; kind: string; rtpParameters: unknown }) {
    return {
      ...o,
      closed: false,
      track: { id: o.id },
      close() {
        this.closed = true;
      },
      getStats: async () => new Map(),
    };
  }
  async produce(o: { appData: { source: string }; track: unknown }) {
    const id: string = await new Promise((resolve, reject) => {
      for (const fn of this.listeners.produce ?? [])
        fn({ kind: o.appData.source === 'microphone' ? 'audio' : 'video', rtpParameters: {}, appData: o.appData }, ({ id }: { id: string }) => resolve(id), reject);
    });
    return {
      id,
      paused: false,
      closed: false,
      on: () => undefined,
      pause() {
        this.paused = true;
      },
      resume() {
        this.paused = false;
      },
      close() {
        this.closed = true;
      },
      replaceTrack: async () => undefined,
      getStats: async () => new Map(),
    };
  }
}

const fakeDevice = () =>
  ({
    load: vi.fn(async () => undefined),
    recvRtpCapabilities: { codecs: [] },
    createRecvTransport: (o: { id: string }) => new FakeTransport(o.id, 'recv'),
    createSendTransport: (o: { id: string }) => new FakeTransport(o.id, 'send'),
  }) as never;

function setup(role: 'viewer' | 'host' = 'viewer') {
  const sig = new FakeSignaling();
  let transportSeq = 0;
  let consumerSeq = 0;
  let producerSeq = 0;
  sig.handlers = {
    'join-room': () => ({ ...joinedData([{ producerId: 'cam', kind: 'video', appData: { source: 'camera' } }]), you: { userId: 'usr_me', role } }),
    'create-transport': (d) => ({ ...serverFixtures['transport-created'], transportId: `t${++transportSeq}`, direction: d.direction }),
    consume: (d) => ({ ...serverFixtures['consumer-created'], consumerId: `c${++consumerSeq}`, producerId: d.producerId }),
    'restart-ice': (d) => ({ transportId: d.transportId, iceParameters: { usernameFragment: 'new', password: 'new' } }),
    produce: () => ({ producerId: `p${++producerSeq}` }),
  };
  const session = new RoomSession({ roomId: 'room_1', role, signaling: sig, createDevice: async () => fakeDevice(), iceRestartDelayMs: 1000 });
  return { sig, session };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('RoomSession', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeTransport.all = [];
  });
  afterEach(() => vi.useRealTimers());

  it('joins, consumes the existing producer and resumes it', async () => {
    const { sig, session } = setup();
    session.start();
    await flush();
    expect(sig.calls.map((c) => c.event)).toEqual(['join-room', 'create-transport', 'consume', 'resume-consumer']);
    expect(sig.calls[0]!.data).toMatchObject({ roomId: 'room_1', role: 'viewer' });
    expect(sig.calls[2]!.data).toMatchObject({ producerId: 'cam', transportId: 't1' });
    expect(session.state.get().phase).toBe('live');
    expect(session.remoteTrack('cam')).toEqual({ id: 'c1' });
  });

  it('consumes producers announced later and drops closed ones', async () => {
    const { sig, session } = setup();
    session.start();
    await flush();
    sig.emit('new-producer', { producerId: 'scr', producerUserId: 'usr_host', kind: 'video', appData: { source: 'screen' } });
    await flush();
    expect(sig.count('consume')).toBe(2);
    expect(session.remoteTrack('scr')).not.toBeNull();
    sig.emit('producer-closed', { producerId: 'scr' });
    expect(session.remoteTrack('scr')).toBeNull();
    expect(stageProducers(session.state.get()).main?.producerId).toBe('cam');
  });

  it('restarts ICE after the transport stays disconnected', async () => {
    const { sig, session } = setup();
    session.start();
    await flush();
    const t = FakeTransport.all[0]!;
    t.setState('connected');
    t.setState('disconnected');
    await vi.advanceTimersByTimeAsync(999);
    expect(sig.count('restart-ice')).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(session.state.get().phase).toBe('reconnecting');
    expect(sig.calls.at(-1)).toMatchObject({ event: 'restart-ice', data: { transportId: 't1' } });
    expect(t.restartIce).toHaveBeenCalledWith({ iceParameters: { usernameFragment: 'new', password: 'new' } });
    t.setState('connected');
    expect(session.state.get().phase).toBe('live');
  });

  it('restarts ICE again while the restarted transport does not connect, then rejoins', async () => {
    const { sig, session } = setup();
    session.start();
    await flush();
    const t = FakeTransport.all[0]!;
    t.setState('connected');
    t.setState('disconnected');
    await vi.advanceTimersByTimeAsync(1000);
    expect(sig.count('restart-ice')).toBe(1);
    await vi.advanceTimersByTimeAsync(3999);
    expect(sig.count('restart-ice')).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sig.count('restart-ice')).toBe(2); // still disconnected after 4 s: again
    await vi.advanceTimersByTimeAsync(4000);
    expect(sig.count('restart-ice')).toBe(3);
    expect(sig.count('join-room')).toBe(1);
    await vi.advanceTimersByTimeAsync(4000); // three restarts did not help: rejoin
    expect(sig.count('restart-ice')).toBe(3);
    expect(sig.count('leave-room')).toBe(1);
    expect(sig.count('join-room')).toBe(2);
    expect(t.closed).toBe(true);
  });

  it('stops restarting ICE once the restarted transport connects', async () => {
    const { sig, session } = setup();
    session.start();
    await flush();
    const t = FakeTransport.all[0]!;
    t.setState('connected');
    t.setState('disconnected');
    await vi.advanceTimersByTimeAsync(1000);
    expect(sig.count('restart-ice')).toBe(1);
    t.setState('connected');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sig.count('restart-ice')).toBe(1);
    expect(sig.count('join-room')).toBe(1);
    expect(session.state.get().phase).toBe('live');
  });

  it('does not restart ICE when the transport recovers by itself', async () => {
    const { sig, session } = setup();
    session.start();
    await flush();
    const t = FakeTransport.all[0]!;
    t.setState('disconnected');
    await vi.advanceTimersByTimeAsync(500);
    t.setState('connected');
    await vi.advanceTimersByTimeAsync(2000);
    expect(sig.count('restart-ice')).toBe(0);
  });

  it('rejoins when the server no longer knows the transport', async () => {
    const { sig, session } = setup();
    session.start();
    await flush();
    sig.handlers['restart-ice'] = () => {
      throw new SignalingError('not_found', 'unknown transport');
    };
    FakeTransport.all[0]!.setState('failed');
    await flush();
    expect(FakeTransport.all[0]!.closed).toBe(true);
    expect(sig.count('leave-room')).toBe(1);
    expect(sig.count('join-room')).toBe(2);
    expect(sig.count('consume')).toBe(2);
    expect(session.state.get().phase).toBe('live');
  });

  it('rejoins after the signaling socket reconnects, and the host republishes', async () => {
    const { sig, session } = setup('host');
    session.start();
    await flush();
    const track = { readyState: 'live', stop: vi.fn() } as unknown as MediaStreamTrack;
    await session.publish('camera', track);
    expect(session.state.get().local.camera).toMatchObject({ producerId: 'p1', status: 'live' });

    sig.state.set('reconnecting');
    expect(session.state.get().phase).toBe('reconnecting');
    expect(FakeTransport.all.every((t) => t.closed)).toBe(true);

    sig.state.set('open');
    sig.emitter.emit('session', { authenticated: sig.authenticated, reconnected: true });
    await flush();
    expect(sig.count('join-room')).toBe(2);
    expect(sig.count('produce')).toBe(2);
    expect(session.state.get().local.camera).toMatchObject({ producerId: 'p2', status: 'live' });
    expect(session.state.get().phase).toBe('live');
    expect(track.stop).not.toHaveBeenCalled();
  });

  it('pauses, resumes and closes a producer on the server too', async () => {
    const { sig, session } = setup('host');
    session.start();
    await flush();
    const track = { readyState: 'live', stop: vi.fn() } as unknown as MediaStreamTrack;
    await session.publish('microphone', track);
    await session.pause('microphone');
    expect(session.state.get().local.microphone?.paused).toBe(true);
    await session.resume('microphone');
    await session.unpublish('microphone');
    expect(sig.calls.slice(-3).map((c) => [c.event, c.data.producerId])).toEqual([
      ['pause-producer', 'p1'],
      ['resume-producer', 'p1'],
      ['close-producer', 'p1'],
    ]);
    expect(track.stop).toHaveBeenCalled();
    expect(session.state.get().local.microphone).toBeUndefined();
  });

  it('a source paused while its produce is in flight is paused once produced', async () => {
    const { sig, session } = setup('host');
    session.start();
    await flush();
    const track = { readyState: 'live', stop: vi.fn() } as unknown as MediaStreamTrack;
    const publishing = session.publish('screen', track);
    expect(session.state.get().local.screen?.status).toBe('publishing');
    await session.pause('screen'); // the "Pause" button is already there
    await publishing;
    expect(session.state.get().local.screen).toMatchObject({ producerId: 'p1', status: 'live', paused: true });
    expect(sig.calls.at(-1)).toEqual({ event: 'pause-producer', data: { producerId: 'p1' } });
  });

  it('a source stopped while its produce is in flight is closed on the server, not revived', async () => {
    const { sig, session } = setup('host');
    session.start();
    await flush();
    const track = { readyState: 'live', stop: vi.fn() } as unknown as MediaStreamTrack;
    const publishing = session.publish('screen', track);
    await session.unpublish('screen'); // "Stop sharing" while publishing
    await publishing;
    expect(session.state.get().local.screen).toBeUndefined();
    expect(session.isPublishing('screen')).toBe(false);
    expect(track.stop).toHaveBeenCalled();
    expect(sig.calls.at(-1)).toEqual({ event: 'close-producer', data: { producerId: 'p1' } });
  });

  it('ends on room-closed and closes the socket', async () => {
    const { sig, session } = setup();
    session.start();
    await flush();
    sig.emit('room-closed', { roomId: 'room_1', reason: 'closed_by_host' });
    expect(session.state.get().phase).toBe('ended');
    expect(sig.close).toHaveBeenCalled();
    expect(FakeTransport.all.every((t) => t.closed)).toBe(true);
  });

  it('rejoins instead of ending when removed for lost ICE consent (by: "media")', async () => {
    const { sig, session } = setup();
    session.start();
    await flush();
    sig.emit('removed', { roomId: 'room_1', by: 'media' });
    await flush();
    expect(session.state.get().phase).toBe('live');
    expect(sig.count('join-room')).toBe(2);
    expect(sig.close).not.toHaveBeenCalled();
  });

  it('ends when a moderator removes the participant', async () => {
    const { sig, session } = setup();
    session.start();
    await flush();
    sig.emit('removed', { roomId: 'room_1', by: 'usr_host' });
    expect(session.state.get()).toMatchObject({ phase: 'ended', endReason: 'removed' });
    expect(sig.close).toHaveBeenCalled();
  });

  it('reports a full room as failed', async () => {
    const { sig, session } = setup();
    sig.handlers['join-room'] = () => {
      throw new SignalingError('limit_exceeded', 'viewer limit');
    };
    session.start();
    await flush();
    expect(session.state.get().phase).toBe('failed');
    expect(session.state.get().error).toMatch(/room is full/);
  });

  it('applies the quality choice as preferred layers of simulcast video consumers', async () => {
    const { sig, session } = setup();
    sig.handlers.consume = (d) => ({
      ...serverFixtures['consumer-created'],
      consumerId: 'c9',
      producerId: d.producerId,
      rtpParameters: { codecs: [], encodings: [{ ssrc: 1, scalabilityMode: 'L3T3' }] },
    });
    session.start();
    await flush();
    session.setQuality('360p');
    await flush();
    expect(sig.calls.filter((c) => c.event === 'set-preferred-layers').at(-1)?.data).toEqual({
      consumerId: 'c9',
      spatialLayer: 0,
      temporalLayer: 2,
    });
  });
});

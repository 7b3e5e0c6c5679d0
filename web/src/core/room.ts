/**
 * RoomSession: one participant's session in one room. Drives the signaling client and
 * mediasoup-client (docs/protocol.md "Session flow"; shared/notes/mediasoup-client-interop.md
 * section 1) and keeps the room state (roomState.ts) as an observable.
 *
 * Media objects (Device, transports, producers, consumers, tracks) stay here; the UI reads
 * tracks through `remoteTrack()` / `localTrack()` and re-reads them when `media` changes.
 *
 * Resilience:
 * - media transport `disconnected` for longer than `iceRestartDelayMs`, or `failed`:
 *   `restart-ice` → `ice-restarted` → `transport.restartIce()`, repeated every
 *   `iceRestartTimeoutMs` until the transport connects; if the server no longer knows the
 *   transport, or `maxIceRestarts` restarts did not help, the session rejoins the room;
 * - signaling reconnect: the server dropped us with the old socket, so the session rejoins,
 *   re-publishes the host's live tracks and consumes everything again;
 * - `networkChanged()` (browser `online`/connection change) reconnects at once and restarts
 *   ICE proactively.
 */
import type { types as ms } from 'mediasoup-client';
import { Emitter, Observable, type ReadonlyObservable, type Unsubscribe } from './observable';
import type { JoinRole, MediaKind, ServerEvents } from './protocol';
import { layersFor, type QualityChoice } from './quality';
import { initialRoomState, roomReducer, type LocalSourceName, type RoomAction, type RoomState } from './roomState';
import { SignalingError, type SignalingClient } from './signaling';
import { EMPTY_STATS, statsEntries, summarize, type MediaStats, type StatsEntry } from './stats';

export * from './roomState';

/** What RoomSession needs of the signaling client. */
export type SignalingLike = Pick<SignalingClient, 'request' | 'on' | 'state' | 'connect' | 'close' | 'reconnectNow' | 'authenticated'>;

export interface PublishOptions {
  encodings?: RTCRtpEncodingParameters[];
  codecOptions?: ms.ProducerCodecOptions;
  /** Start paused (e.g. republishing a muted microphone after a reconnect). */
  paused?: boolean;
}

export interface RoomSessionOptions {
  roomId: string;
  role: JoinRole;
  displayName?: string;
  signaling: SignalingLike;
  /** Creates a mediasoup-client Device (a fake one in tests). */
  createDevice: () => Promise<ms.Device>;
  /** How long a transport may stay `disconnected` before an ICE restart. Default 2 000 ms. */
  iceRestartDelayMs?: number;
  /** ICE restarts of one transport before rejoining. Default 3. */
  maxIceRestarts?: number;
  /**
   * How long a restarted transport may take to connect before the next ICE restart. Default
   * 4 000 ms. (A browser whose candidate pairs all failed while the network was away may stay
   * `disconnected` for a long time, and checks nothing until ICE restarts again.)
   */
  iceRestartTimeoutMs?: number;
}

export type SourceStats = MediaStats & { label: string };

type SessionEvents = { rejoined: { reason: string }; 'files-changed': { roomId: string } };

function sourceLabel(source: string): string {
  switch (source) {
    case 'camera':
      return 'Camera';
    case 'microphone':
      return 'Microphone';
    case 'screen':
      return 'Screen';
    case 'screen-audio':
      return 'Screen audio';
    default:
      return source;
  }
}

function joinErrorText(err: unknown): string {
  if (err instanceof SignalingError) {
    switch (err.code) {
      case 'limit_exceeded':
        return 'This room is full: the plan’s viewer limit is reached. Try again later.';
      case 'forbidden':
        return 'Your role does not allow joining this room that way.';
      case 'not_found':
        return 'This room does not exist, or belongs to another organization.';
      case 'rate_limited':
        return `Too many attempts. Try again in ${err.retryAfter ?? 60} s.`;
      default:
        return err.message;
    }
  }
  return err instanceof Error ? err.message : 'Could not join the room.';
}

/** Number of spatial layers of a consumer (from the scalability mode of its encoding). */
function spatialLayersOf(consumer: ms.Consumer): number {
  const enc = consumer.rtpParameters.encodings?.[0];
  const mode = enc?.scalabilityMode;
  const m = typeof mode === 'string' ? /^[LS](\d+)T(\d+)/.exec(mode) : null;
  return m ? Number(m[1]) : 1;
}

export class RoomSession {
  private readonly stateObs: Observable<RoomState>;
  private readonly mediaObs = new Observable(0);
  private readonly events = new Emitter<SessionEvents>();
  private readonly opts: RoomSessionOptions;
  private readonly sig: SignalingLike;
  private device: ms.Device | null = null;
  private sendTransport: ms.Transport | null = null;
  private recvTransport: ms.Transport | null = null;
  private sendTransportP: Promise<ms.Transport> | null = null;
  private recvTransportP: Promise<ms.Transport> | null = null;
  private readonly producers = new Map<LocalSourceName, ms.Producer>();
  private readonly published = new Map<LocalSourceName, { track: MediaStreamTrack; opts: PublishOptions }>();
  private readonly consumers = new Map<string, ms.Consumer>(); // by consumerId
  private readonly consumerOf = new Map<string, string>(); // producerId -> consumerId
  private readonly consuming = new Set<string>();
  private readonly iceTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly iceRestarts = new Map<string, number>();
  private readonly prevStats = new Map<string, StatsEntry[]>();
  private unsubs: Unsubscribe[] = [];
  private generation = 0;
  private disposed = false;

  constructor(opts: RoomSessionOptions) {
    this.opts = opts;
    this.sig = opts.signaling;
    this.stateObs = new Observable(initialRoomState(opts.roomId));
  }

  get state(): ReadonlyObservable<RoomState> {
    return this.stateObs;
  }

  /** Bumps whenever a remote or local track appears or goes away. */
  get media(): ReadonlyObservable<number> {
    return this.mediaObs;
  }

  on<K extends keyof SessionEvents>(event: K, fn: (data: SessionEvents[K]) => void): Unsubscribe {
    return this.events.on(event, fn);
  }

  dispatch(action: RoomAction): void {
    this.stateObs.set(roomReducer(this.stateObs.get(), action));
  }

  private bumpMedia(): void {
    this.mediaObs.set(this.mediaObs.get() + 1);
  }

  private get ended(): boolean {
    return this.disposed || this.stateObs.get().endReason !== null;
  }

  // ---- lifecycle ------------------------------------------------------------------------

  /** Subscribes to signaling and connects; joins on every (re)authenticated session. */
  start(): void {
    const s = this.sig;
    this.unsubs.push(
      s.state.subscribe((st) => {
        if ((st === 'reconnecting' || st === 'connecting') && this.stateObs.get().connected) {
          this.teardownMedia();
          this.dispatch({ type: 'connection-lost' });
        }
      }),
      s.on('session', () => {
        this.dispatch({ type: 'connected' });
        void this.join();
      }),
      s.on('fatal', (err) => {
        if (!this.ended) this.dispatch({ type: 'failed', error: err.message });
      }),
      s.on('participant-joined', (d) => this.dispatch({ type: 'participant-joined', participant: d })),
      s.on('participant-left', (d) => this.onParticipantLeft(d)),
      s.on('new-producer', (d) => this.onNewProducer(d)),
      s.on('producer-paused', (d) => this.onProducerPaused(d.producerId, true)),
      s.on('producer-resumed', (d) => this.onProducerPaused(d.producerId, false)),
      s.on('producer-closed', (d) => this.onProducerClosed(d.producerId)),
      s.on('consumer-closed', (d) => this.closeConsumer(d.consumerId)),
      s.on('chat-message', (d) => this.dispatch({ type: 'chat-message', message: d })),
      s.on('file-added', (d) => this.events.emit('files-changed', { roomId: d.roomId })),
      s.on('file-deleted', (d) => this.events.emit('files-changed', { roomId: d.roomId })),
      s.on('chat-deleted', (d) => this.dispatch({ type: 'chat-deleted', messageId: d.messageId })),
      s.on('muted', (d) => this.dispatch({ type: 'muted', by: d.by, kind: d.kind })),
      s.on('room-closed', (d) => this.finish({ type: 'room-closed', reason: d.reason })),
      s.on('layers-changed', (d) => this.dispatch({ type: 'layers-changed', consumerId: d.consumerId, spatialLayer: d.spatialLayer })),
      s.on('removed', (d) => {
        // "media": the server dropped us after losing ICE consent; that is a network problem, not a moderation
        if (d.by === 'media') void this.rejoin('removed: media');
        else this.finish({ type: 'removed', by: d.by });
      }),
    );
    if (s.state.get() === 'open') {
      this.dispatch({ type: 'connected' });
      void this.join();
    } else {
      s.connect();
    }
  }

  private async join(): Promise<void> {
    if (this.ended) return;
    const gen = ++this.generation;
    this.teardownMedia();
    try {
      const data: ServerEvents['room-joined'] = await this.sig.request('join-room', {
        roomId: this.opts.roomId,
        role: this.opts.role,
        ...(this.opts.displayName ? { displayName: this.opts.displayName } : {}),
      });
      if (gen !== this.generation || this.ended) return;
      const device = await this.opts.createDevice();
      await device.load({ routerRtpCapabilities: data.routerRtpCapabilities as unknown as ms.RtpCapabilities });
      if (gen !== this.generation || this.ended) return;
      this.device = device;
      const auth = this.sig.authenticated;
      const self = {
        userId: data.you?.userId ?? auth?.userId ?? '',
        role: data.you?.role ?? this.opts.role,
        displayName: data.you?.displayName ?? this.opts.displayName ?? '',
      };
      this.dispatch({ type: 'joined', data, self });
      for (const p of Object.values(this.stateObs.get().producers)) void this.consume(p.producerId, p.kind);
      for (const [source, { track, opts }] of [...this.published]) {
        if (track.readyState === 'live') void this.publish(source, track, opts);
        else this.published.delete(source);
      }
    } catch (err) {
      if (gen !== this.generation || this.ended) return;
      if (err instanceof SignalingError) {
        if (err.code === 'disconnected' || err.code === 'not_connected' || err.code === 'closed') return; // rejoin on next session
        if (err.code === 'room_closed') {
          this.finish({ type: 'room-closed', reason: 'room_closed' });
          return;
        }
      }
      this.dispatch({ type: 'failed', error: joinErrorText(err) });
    }
  }

  /** Leaves the room (best effort) and releases everything. */
  async leave(): Promise<void> {
    if (this.stateObs.get().joined) {
      try {
        await this.sig.request('leave-room', { roomId: this.opts.roomId }, { timeoutMs: 2_000 });
      } catch {
        // closing the socket leaves too
      }
    }
    this.finish({ type: 'left' });
  }

  /** Host: closes the room for everyone. */
  async endRoom(): Promise<void> {
    await this.sig.request('close-room', { roomId: this.opts.roomId });
    this.finish({ type: 'room-closed', reason: 'closed_by_host' });
  }

  /** Releases media and the socket (component unmount). Does not send leave-room. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const u of this.unsubs) u();
    this.unsubs = [];
    this.teardownMedia();
    for (const { track } of this.published.values()) track.stop();
    this.published.clear();
    this.sig.close();
    this.events.clear();
  }

  private finish(action: RoomAction): void {
    if (this.stateObs.get().endReason) return;
    this.dispatch(action);
    this.teardownMedia();
    for (const { track } of this.published.values()) track.stop();
    this.published.clear();
    this.bumpMedia();
    this.sig.close();
  }

  /** Closes transports, producers and consumers locally (keeps the host's tracks). */
  private teardownMedia(): void {
    for (const t of this.iceTimers.values()) clearTimeout(t);
    this.iceTimers.clear();
    this.iceRestarts.clear();
    for (const c of this.consumers.values()) c.close();
    this.consumers.clear();
    this.consumerOf.clear();
    this.consuming.clear();
    for (const p of this.producers.values()) p.close();
    this.producers.clear();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = this.recvTransport = null;
    this.sendTransportP = this.recvTransportP = null;
    this.device = null;
    this.prevStats.clear();
    this.bumpMedia();
  }

  // ---- transports -----------------------------------------------------------------------

  private transport(direction: 'send' | 'recv'): Promise<ms.Transport> {
    const existing = direction === 'send' ? this.sendTransportP : this.recvTransportP;
    if (existing) return existing;
    const gen = this.generation;
    const p = (async () => {
      const device = this.device;
      if (!device) throw new SignalingError('invalid_state', 'Not joined.');
      const t = await this.sig.request('create-transport', { roomId: this.opts.roomId, direction });
      if (gen !== this.generation) throw new SignalingError('stale', 'Rejoined meanwhile.');
      const options: ms.TransportOptions = {
        id: t.transportId,
        iceParameters: t.iceParameters as unknown as ms.IceParameters,
        iceCandidates: t.iceCandidates.map((c) => ({ ...c, address: c.address ?? c.ip })) as unknown as ms.IceCandidate[],
        dtlsParameters: t.dtlsParameters as unknown as ms.DtlsParameters,
        ...(t.sctpParameters ? { sctpParameters: t.sctpParameters as unknown as ms.SctpParameters } : {}),
      };
      const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
      transport.on('connect', ({ dtlsParameters }, callback, errback) => {
        this.sig
          .request('connect-transport', {
            transportId: transport.id,
            dtlsParameters: dtlsParameters as ServerEvents['transport-created']['dtlsParameters'] as never,
          })
          .then(() => callback(), errback);
      });
      transport.on('connectionstatechange', (state) => this.onTransportState(transport, state));
      if (direction === 'send') {
        transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
          const source = typeof appData.source === 'string' ? appData.source : kind === 'audio' ? 'microphone' : 'camera';
          this.sig
            .request('produce', {
              transportId: transport.id,
              kind,
              rtpParameters: rtpParameters as unknown as Record<string, unknown>,
              appData: { source: source as 'camera' },
            })
            .then((r) => callback({ id: r.producerId }), errback);
        });
        this.sendTransport = transport;
      } else {
        this.recvTransport = transport;
      }
      return transport;
    })();
    if (direction === 'send') this.sendTransportP = p;
    else this.recvTransportP = p;
    p.catch(() => {
      if (direction === 'send' && this.sendTransportP === p) this.sendTransportP = null;
      if (direction === 'recv' && this.recvTransportP === p) this.recvTransportP = null;
    });
    return p;
  }

  private onTransportState(transport: ms.Transport, state: ms.ConnectionState): void {
    if (transport.closed) return;
    const timer = this.iceTimers.get(transport.id);
    if (state === 'connected') {
      if (timer) clearTimeout(timer);
      this.iceTimers.delete(transport.id);
      this.iceRestarts.delete(transport.id);
      if (!this.stateObs.get().mediaConnected) this.dispatch({ type: 'media-connection', connected: true });
      return;
    }
    if (state === 'disconnected' && !timer) {
      this.iceTimers.set(
        transport.id,
        setTimeout(() => {
          this.iceTimers.delete(transport.id);
          if (!transport.closed && transport.connectionState !== 'connected') {
            this.dispatch({ type: 'media-connection', connected: false });
            void this.restartIce(transport);
          }
        }, this.opts.iceRestartDelayMs ?? 2_000),
      );
    }
    if (state === 'failed') {
      if (timer) clearTimeout(timer);
      this.iceTimers.delete(transport.id);
      this.dispatch({ type: 'media-connection', connected: false });
      void this.restartIce(transport);
    }
  }

  /** restart-ice → ice-restarted → transport.restartIce; rejoins when that cannot work. */
  async restartIce(transport: ms.Transport): Promise<void> {
    const count = (this.iceRestarts.get(transport.id) ?? 0) + 1;
    this.iceRestarts.set(transport.id, count);
    if (count > (this.opts.maxIceRestarts ?? 3)) {
      await this.rejoin('ice restarts exhausted');
      return;
    }
    try {
      const r = await this.sig.request('restart-ice', { transportId: transport.id });
      if (transport.closed) return;
      await transport.restartIce({ iceParameters: r.iceParameters as unknown as ms.IceParameters });
      if (transport.closed || transport.connectionState === 'connected') return;
      // not connected within the timeout: restart again (and rejoin once restarts are exhausted)
      const old = this.iceTimers.get(transport.id);
      if (old) clearTimeout(old);
      this.iceTimers.set(
        transport.id,
        setTimeout(() => {
          this.iceTimers.delete(transport.id);
          if (!transport.closed && transport.connectionState !== 'connected') void this.restartIce(transport);
        }, this.opts.iceRestartTimeoutMs ?? 4_000),
      );
    } catch (err) {
      if (transport.closed) return;
      if (err instanceof SignalingError && (err.code === 'disconnected' || err.code === 'not_connected')) return; // signaling rejoins
      await this.rejoin(err instanceof SignalingError ? err.code : 'restart-ice failed');
    }
  }

  /** Drops all media and joins again (server-side state is rebuilt from scratch). */
  async rejoin(reason: string): Promise<void> {
    if (this.ended) return;
    this.events.emit('rejoined', { reason });
    this.teardownMedia();
    try {
      await this.sig.request('leave-room', { roomId: this.opts.roomId }, { timeoutMs: 2_000 });
    } catch {
      // not in the room any more
    }
    await this.join();
  }

  /** Call on browser network changes (`online`, connection type change). */
  networkChanged(): void {
    if (this.ended) return;
    this.sig.reconnectNow();
    for (const t of [this.sendTransport, this.recvTransport]) {
      if (t && !t.closed) void this.restartIce(t);
    }
  }

  // ---- consuming ------------------------------------------------------------------------

  private onNewProducer(d: ServerEvents['new-producer']): void {
    this.dispatch({
      type: 'new-producer',
      producerId: d.producerId,
      userId: d.producerUserId,
      kind: d.kind,
      source: typeof d.appData.source === 'string' ? d.appData.source : d.kind === 'audio' ? 'microphone' : 'camera',
      paused: d.paused === true,
    });
    if (d.producerUserId !== this.stateObs.get().self?.userId) void this.consume(d.producerId, d.kind);
  }

  private async consume(producerId: string, kind: MediaKind): Promise<void> {
    if (this.consuming.has(producerId) || this.consumerOf.has(producerId)) return;
    const gen = this.generation;
    this.consuming.add(producerId);
    try {
      const transport = await this.transport('recv');
      const device = this.device;
      if (!device || gen !== this.generation) return;
      const c = await this.sig.request('consume', {
        producerId,
        transportId: transport.id,
        rtpCapabilities: device.recvRtpCapabilities as unknown as Record<string, unknown>,
      });
      if (gen !== this.generation || transport.closed) return;
      if (!this.stateObs.get().producers[producerId]) {
        // producer went away meanwhile
        return;
      }
      const consumer = await transport.consume({
        id: c.consumerId,
        producerId: c.producerId,
        kind: c.kind ?? kind,
        rtpParameters: c.rtpParameters as unknown as ms.RtpParameters,
        appData: c.appData,
      });
      this.consumers.set(consumer.id, consumer);
      this.consumerOf.set(producerId, consumer.id);
      this.dispatch({
        type: 'consumer-created',
        producerId,
        consumerId: consumer.id,
        ...(c.producerPaused !== undefined ? { producerPaused: c.producerPaused } : {}),
      });
      if (c.paused !== false) await this.sig.request('resume-consumer', { consumerId: consumer.id });
      if (consumer.kind === 'video') void this.applyQuality(consumer);
      this.bumpMedia();
    } catch (err) {
      if (gen !== this.generation) return;
      if (err instanceof SignalingError && err.code === 'cannot_consume') {
        this.dispatch({ type: 'notice', kind: 'error', text: 'This browser cannot play one of the streams (codec not supported).' });
      } else if (!(err instanceof SignalingError && ['disconnected', 'not_connected', 'closed', 'stale', 'not_found'].includes(err.code))) {
        this.dispatch({ type: 'notice', kind: 'error', text: `Could not receive a stream: ${err instanceof Error ? err.message : String(err)}` });
      }
    } finally {
      this.consuming.delete(producerId);
    }
  }

  private closeConsumer(consumerId: string): void {
    const c = this.consumers.get(consumerId);
    if (c) {
      c.close();
      this.consumers.delete(consumerId);
      this.consumerOf.delete(c.producerId);
    }
    this.dispatch({ type: 'consumer-closed', consumerId });
    this.bumpMedia();
  }

  private onProducerClosed(producerId: string): void {
    const consumerId = this.consumerOf.get(producerId);
    if (consumerId) this.closeConsumer(consumerId);
    const local = [...this.producers.entries()].find(([, p]) => p.id === producerId);
    if (local) {
      // closed by the server (e.g. moderation): release the source
      const [source, producer] = local;
      producer.close();
      this.producers.delete(source);
      this.published.get(source)?.track.stop();
      this.published.delete(source);
      this.bumpMedia();
    }
    this.dispatch({ type: 'producer-closed', producerId });
  }

  private onProducerPaused(producerId: string, paused: boolean): void {
    const local = [...this.producers.entries()].find(([, p]) => p.id === producerId);
    if (local) {
      // our own producer paused/resumed by the server (mute-participant) or our own reply
      const [source, producer] = local;
      if (paused && !producer.paused) producer.pause();
      if (!paused && producer.paused) producer.resume();
      const entry = this.published.get(source);
      if (entry) entry.opts = { ...entry.opts, paused };
    }
    this.dispatch({ type: paused ? 'producer-paused' : 'producer-resumed', producerId });
  }

  private onParticipantLeft(d: ServerEvents['participant-left']): void {
    for (const p of Object.values(this.stateObs.get().producers)) {
      if (p.userId === d.userId && p.consumerId) this.closeConsumer(p.consumerId);
    }
    this.dispatch({ type: 'participant-left', userId: d.userId, ...(d.reason ? { reason: d.reason } : {}) });
  }

  /** Viewer quality menu: preferred layers of every video consumer. */
  setQuality(choice: QualityChoice): void {
    this.dispatch({ type: 'quality', choice });
    for (const c of this.consumers.values()) if (c.kind === 'video') void this.applyQuality(c);
  }

  private async applyQuality(consumer: ms.Consumer): Promise<void> {
    const layers = spatialLayersOf(consumer);
    if (layers <= 1) return; // a single-encoding stream (e.g. "sharp text" screen) has one layer
    const choice = this.stateObs.get().quality;
    try {
      await this.sig.request('set-preferred-layers', { consumerId: consumer.id, ...layersFor(choice, layers - 1) });
    } catch {
      // the SFU keeps its own choice
    }
  }

  remoteTrack(producerId: string): MediaStreamTrack | null {
    const cid = this.consumerOf.get(producerId);
    const c = cid ? this.consumers.get(cid) : undefined;
    return c && !c.closed ? c.track : null;
  }

  // ---- publishing (host) ----------------------------------------------------------------

  /** Sends a local track as `source` (replaces a previous one of that source). */
  async publish(source: LocalSourceName, track: MediaStreamTrack, opts: PublishOptions = {}): Promise<void> {
    if (this.ended) return;
    const existing = this.producers.get(source);
    if (existing && !existing.closed) {
      await existing.replaceTrack({ track });
      const old = this.published.get(source)?.track;
      this.published.set(source, { track, opts: { ...opts, paused: existing.paused } });
      if (old && old !== track) old.stop();
      this.bumpMedia();
      return;
    }
    this.published.set(source, { track, opts });
    const gen = this.generation;
    this.dispatch({ type: 'local-publishing', source });
    try {
      const transport = await this.transport('send');
      if (gen !== this.generation) return;
      const producer = await transport.produce({
        track,
        ...(opts.encodings ? { encodings: opts.encodings as ms.RtpEncodingParameters[] } : {}),
        ...(opts.codecOptions ? { codecOptions: opts.codecOptions } : {}),
        stopTracks: false,
        zeroRtpOnPause: true,
        disableTrackOnPause: true,
        appData: { source },
      });
      if (gen !== this.generation) {
        producer.close();
        return;
      }
      // the user may have stopped (or replaced) the source while `produce` was in flight
      const entry = this.published.get(source);
      if (!entry || entry.track !== track || this.ended) {
        producer.close();
        await this.sig.request('close-producer', { producerId: producer.id }).catch(() => undefined);
        return;
      }
      this.producers.set(source, producer);
      producer.on('trackended', () => void this.unpublish(source));
      this.dispatch({ type: 'local-produced', source, producerId: producer.id, paused: false });
      // paused meanwhile (the buttons work while publishing), or republished paused
      if (entry.opts.paused) await this.pause(source);
      this.bumpMedia();
    } catch (err) {
      if (gen !== this.generation) return;
      this.published.delete(source);
      this.dispatch({ type: 'local-closed', source });
      const text = err instanceof SignalingError && err.code === 'forbidden' ? 'Your role may not publish this source.' : err instanceof Error ? err.message : String(err);
      this.dispatch({ type: 'notice', kind: 'error', text: `Could not publish ${sourceLabel(source).toLowerCase()}: ${text}` });
      throw err;
    }
  }

  async pause(source: LocalSourceName): Promise<void> {
    const p = this.producers.get(source);
    const entry = this.published.get(source);
    if (entry) entry.opts = { ...entry.opts, paused: true };
    if (!p) return;
    p.pause();
    this.dispatch({ type: 'local-paused', source });
    await this.sig.request('pause-producer', { producerId: p.id }).catch(() => undefined);
  }

  async resume(source: LocalSourceName): Promise<void> {
    const p = this.producers.get(source);
    const entry = this.published.get(source);
    if (entry) entry.opts = { ...entry.opts, paused: false };
    if (!p) return;
    p.resume();
    this.dispatch({ type: 'local-resumed', source });
    await this.sig.request('resume-producer', { producerId: p.id }).catch(() => undefined);
  }

  /** Stops sending `source` and stops its track. */
  async unpublish(source: LocalSourceName): Promise<void> {
    const p = this.producers.get(source);
    this.producers.delete(source);
    this.published.get(source)?.track.stop();
    this.published.delete(source);
    this.dispatch({ type: 'local-closed', source });
    this.bumpMedia();
    if (!p) return;
    p.close();
    await this.sig.request('close-producer', { producerId: p.id }).catch(() => undefined);
  }

  /** Re-tunes a live sender (e.g. the screen preset changed while sharing). */
  async setEncoding(source: LocalSourceName, params: RTCRtpEncodingParameters): Promise<void> {
    const p = this.producers.get(source);
    const entry = this.published.get(source);
    if (entry) entry.opts = { ...entry.opts, encodings: [params] };
    if (!p || p.closed) return;
    const { maxBitrate, maxFramerate, scaleResolutionDownBy } = params;
    await p.setRtpEncodingParameters({
      ...(maxBitrate !== undefined ? { maxBitrate } : {}),
      ...(maxFramerate !== undefined ? { maxFramerate } : {}),
      ...(scaleResolutionDownBy !== undefined ? { scaleResolutionDownBy } : {}),
    });
  }

  localTrack(source: LocalSourceName): MediaStreamTrack | null {
    return this.published.get(source)?.track ?? null;
  }

  isPublishing(source: LocalSourceName): boolean {
    return this.published.has(source);
  }

  // ---- chat & moderation ----------------------------------------------------------------

  async sendChat(text: string): Promise<void> {
    const trimmed = text.trim();
    if (!trimmed) return;
    await this.sig.request('send-chat', { text: trimmed.slice(0, 2000) });
  }

  async deleteChat(messageId: string): Promise<void> {
    await this.sig.request('delete-chat', { messageId });
    this.dispatch({ type: 'chat-deleted', messageId });
  }

  async muteParticipant(userId: string, kind: 'audio' | 'video' | 'all' = 'audio'): Promise<void> {
    await this.sig.request('mute-participant', { userId, kind });
  }

  async removeParticipant(userId: string): Promise<void> {
    await this.sig.request('remove-participant', { userId });
  }

  // ---- stats ----------------------------------------------------------------------------

  /** Samples getStats of every producer (by source) and consumer (by producer id). */
  async sampleStats(): Promise<Record<string, SourceStats>> {
    const out: Record<string, SourceStats> = {};
    const jobs: Promise<void>[] = [];
    const add = (key: string, label: string, get: () => Promise<RTCStatsReport>) =>
      jobs.push(
        get()
          .then((report) => {
            const entries = statsEntries(report);
            out[key] = { ...summarize(entries, this.prevStats.get(key) ?? null), label };
            this.prevStats.set(key, entries);
          })
          .catch(() => {
            out[key] = { ...EMPTY_STATS, label };
          }),
      );
    for (const [source, p] of this.producers) if (!p.closed) add(source, sourceLabel(source), () => p.getStats());
    const producers = this.stateObs.get().producers;
    for (const c of this.consumers.values()) {
      if (c.closed) continue;
      const src = producers[c.producerId]?.source ?? c.kind;
      add(c.producerId, sourceLabel(src), () => c.getStats());
    }
    await Promise.all(jobs);
    return out;
  }

  /** Connection state of the transports (for the stats overlay). */
  transportStates(): { send: string | null; recv: string | null } {
    return { send: this.sendTransport?.connectionState ?? null, recv: this.recvTransport?.connectionState ?? null };
  }
}

/**
 * Local capture: device lists, camera/microphone/screen tracks. Framework-free; the host's
 * studio keeps the tracks here (never in React state) and hands them to RoomSession.publish.
 */
import { Observable, type ReadonlyObservable } from './observable';
import { SCREEN_PRESETS, type ScreenPreset } from './quality';

export interface DeviceLists {
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
  /** Labels are empty until the page has had capture permission once. */
  labelled: boolean;
}

export interface LocalTracks {
  camera: MediaStreamTrack | null;
  microphone: MediaStreamTrack | null;
  screen: MediaStreamTrack | null;
}

export function captureSupported(): boolean {
  return typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
}

export function screenShareSupported(): boolean {
  return typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getDisplayMedia;
}

/** Human wording for getUserMedia/getDisplayMedia failures. */
export function describeMediaError(err: unknown, what: string): string {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Permission to use the ${what} was denied. Allow it in the browser's site settings.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${what} found.`;
    case 'NotReadableError':
    case 'AbortError':
      return `The ${what} is in use by another application.`;
    default:
      return err instanceof Error && err.message ? err.message : `Could not start the ${what}.`;
  }
}

export class LocalMedia {
  private readonly devicesObs = new Observable<DeviceLists>({ cameras: [], microphones: [], labelled: false });
  private readonly tracksObs = new Observable<LocalTracks>({ camera: null, microphone: null, screen: null });
  private onDeviceChange = () => void this.refreshDevices();

  /** Starts following device changes (plugging a headset in). */
  attach(): void {
    navigator.mediaDevices?.addEventListener?.('devicechange', this.onDeviceChange);
    void this.refreshDevices();
  }

  get devices(): ReadonlyObservable<DeviceLists> {
    return this.devicesObs;
  }

  get tracks(): ReadonlyObservable<LocalTracks> {
    return this.tracksObs;
  }

  async refreshDevices(): Promise<void> {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    const all = await navigator.mediaDevices.enumerateDevices();
    this.devicesObs.set({
      cameras: all.filter((d) => d.kind === 'videoinput'),
      microphones: all.filter((d) => d.kind === 'audioinput'),
      labelled: all.some((d) => d.label !== ''),
    });
  }

  private setTrack(kind: keyof LocalTracks, track: MediaStreamTrack | null): void {
    const current = this.tracksObs.get();
    const old = current[kind];
    if (old && old !== track) old.stop();
    this.tracksObs.set({ ...current, [kind]: track });
    if (track) track.addEventListener('ended', () => {
      if (this.tracksObs.get()[kind] === track) this.tracksObs.set({ ...this.tracksObs.get(), [kind]: null });
    });
  }

  /** Opens (or switches) the camera; 1080p30 so three simulcast layers fit. */
  async startCamera(deviceId?: string): Promise<MediaStreamTrack> {
    const stream = await navigator.mediaDevices.getUserMedia({
      video: {
        ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
        width: { ideal: 1920 },
        height: { ideal: 1080 },
        frameRate: { ideal: 30, max: 30 },
      },
    });
    const track = stream.getVideoTracks()[0]!;
    track.contentHint = 'motion';
    this.setTrack('camera', track);
    void this.refreshDevices();
    return track;
  }

  async startMicrophone(deviceId?: string): Promise<MediaStreamTrack> {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
        echoCancellation: true,
        noiseSuppression: true,
        autoGainControl: true,
      },
    });
    const track = stream.getAudioTracks()[0]!;
    track.contentHint = 'speech';
    this.setTrack('microphone', track);
    void this.refreshDevices();
    return track;
  }

  /** Asks the user for a screen/window/tab, tuned by the preset ("sharp text" by default). */
  async startScreen(preset: ScreenPreset): Promise<MediaStreamTrack> {
    const cfg = SCREEN_PRESETS[preset];
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: cfg.constraints, audio: false });
    const track = stream.getVideoTracks()[0]!;
    track.contentHint = cfg.contentHint;
    this.setTrack('screen', track);
    return track;
  }

  /** Re-tunes a live screen track when the host switches preset. */
  async applyScreenPreset(preset: ScreenPreset): Promise<void> {
    const track = this.tracksObs.get().screen;
    if (!track) return;
    const cfg = SCREEN_PRESETS[preset];
    track.contentHint = cfg.contentHint;
    try {
      await track.applyConstraints(cfg.constraints);
    } catch {
      // keep the current constraints
    }
  }

  stop(kind: keyof LocalTracks): void {
    this.setTrack(kind, null);
  }

  /** Forgets a track without stopping it (ownership passed to the room session). */
  release(kind: keyof LocalTracks): void {
    this.tracksObs.set({ ...this.tracksObs.get(), [kind]: null });
  }

  dispose(): void {
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
    for (const t of Object.values(this.tracksObs.get())) t?.stop();
    this.tracksObs.set({ camera: null, microphone: null, screen: null });
  }
}

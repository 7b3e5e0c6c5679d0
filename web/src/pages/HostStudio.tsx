import { useCallback, useEffect, useRef, useState } from 'react';
import { AudioSinks, MovableInset, VideoView } from '../components/media';
import { RemoteTiles } from '../components/RemoteTiles';
import { StatsOverlay } from '../components/StatsOverlay';
import { ConfirmDialog, Select } from '../components/ui';
import { useRoomContext } from '../context/RoomContext';
import { captureSupported, describeMediaError, screenShareSupported } from '../core/media';
import { can } from '../core/permissions';
import { CAMERA_ENCODINGS, SCREEN_PRESETS, type ScreenPreset } from '../core/quality';
import type { LocalSourceName, RoomState, SourceStats } from '../core/room';
import { formatBitrate } from '../core/stats';
import { studioAudio, studioTiles } from '../core/tiles';
import { useLocalMedia } from '../hooks/useLocalMedia';
import { useObservableState } from '../hooks/internal/useObservableState';
import { PhaseOverlay } from './ViewerStage';

const MIC_OPTIONS = { opusStereo: false, opusDtx: true, opusFec: true };

/** Host / co-host: preview, devices, go live, per-source controls, screen share, end room. */
export function HostStudio({ state, stats, showStats, setShowStats, unreachable }: { state: RoomState; stats: Record<string, SourceStats>; showStats: boolean; setShowStats: (v: boolean) => void; unreachable?: boolean }) {
  const room = useRoomContext();
  const statsToggle = useRef<HTMLButtonElement>(null);
  const { media, devices, tracks } = useLocalMedia();
  const [cameraId, setCameraId] = useState('');
  const [micId, setMicId] = useState('');
  const [preset, setPreset] = useState<ScreenPreset>('sharp');
  const [error, setError] = useState<string | null>(null);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [ending, setEnding] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const role = state.self?.role ?? 'host';
  const live = Object.keys(state.local).length > 0;
  const joined = state.joined;
  // "Go live" was pressed: sources turned on from now on are published at once (read at the
  // time the track arrives, not from a stale render)
  const wantLive = useRef(false);
  if (live) wantLive.current = true;

  useEffect(() => {
    if (!cameraId && devices.cameras[0]) setCameraId(devices.cameras[0].deviceId);
    if (!micId && devices.microphones[0]) setMicId(devices.microphones[0].deviceId);
  }, [devices, cameraId, micId]);

  const run = async (label: string, fn: () => Promise<void>) => {
    setBusy(label);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  const startCamera = (deviceId = cameraId) =>
    run('camera', async () => {
      try {
        const track = await media.startCamera(deviceId || undefined);
        if (wantLive.current) await room.publish('camera', track, { encodings: CAMERA_ENCODINGS });
      } catch (err) {
        throw new Error(describeMediaError(err, 'camera'));
      }
    });

  const startMic = (deviceId = micId) =>
    run('microphone', async () => {
      try {
        const track = await media.startMicrophone(deviceId || undefined);
        if (wantLive.current) await room.publish('microphone', track, { codecOptions: MIC_OPTIONS });
      } catch (err) {
        throw new Error(describeMediaError(err, 'microphone'));
      }
    });

  const goLive = () =>
    run('live', async () => {
      const current = media.tracks.get();
      if (!current.camera && !current.microphone) throw new Error('Turn on your camera or microphone first (or share your screen).');
      wantLive.current = true;
      const jobs: Promise<void>[] = [];
      if (current.camera && !room.isPublishing('camera')) jobs.push(room.publish('camera', current.camera, { encodings: CAMERA_ENCODINGS }));
      if (current.microphone && !room.isPublishing('microphone')) jobs.push(room.publish('microphone', current.microphone, { codecOptions: MIC_OPTIONS }));
      await Promise.all(jobs);
    });

  const shareScreen = () =>
    run('screen', async () => {
      let track: MediaStreamTrack;
      try {
        track = await media.startScreen(preset);
      } catch (err) {
        if (err instanceof DOMException && err.name === 'NotAllowedError') return; // the user cancelled the picker
        throw new Error(describeMediaError(err, 'screen'));
      }
      await room.publish('screen', track, { encodings: SCREEN_PRESETS[preset].encodings });
    });

  const changePreset = (p: ScreenPreset) => {
    setPreset(p);
    if (tracks.screen) {
      void media.applyScreenPreset(p);
      void room.setEncoding('screen', SCREEN_PRESETS[p].encodings[0]!).catch(() => undefined);
    }
  };

  const stopSource = (source: LocalSourceName) =>
    run(source, async () => {
      await room.unpublish(source);
      media.stop(source);
      if (Object.keys(room.state.get().local).length === 0) wantLive.current = false;
    });

  const toggle = (source: LocalSourceName) =>
    run(source, async () => {
      if (state.local[source]?.paused) await room.resume(source);
      else await room.pause(source);
    });

  const endRoom = async () => {
    setEnding(true);
    try {
      await room.endRoom();
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not end the room.');
      setEnding(false);
      setConfirmEnd(false);
    }
  };

  const cam = state.local.camera;
  const mic = state.local.microphone;
  const scr = state.local.screen;
  const rate = (s: LocalSourceName) => (stats[s] ? formatBitrate(stats[s]!.bitrateBps) : null);
  const mainTrack = tracks.screen ?? tracks.camera;
  // other presenters (co-hosts): their video as tiles, their microphones audible here
  const tiles = studioTiles(state);
  useObservableState(room.media); // re-read remote tracks when media changes
  const remoteAudio = studioAudio(state).map((p) => room.remoteTrack(p.producerId)).filter((t): t is MediaStreamTrack => !!t);
  const [audioBlocked, setAudioBlocked] = useState(false);
  const [unlockToken, setUnlockToken] = useState(0);
  const onAudioBlocked = useCallback(() => setAudioBlocked(true), []);

  return (
    <div className="stage-wrap">
      <div className="stage" role="group" aria-label="Your preview">
        {mainTrack ? (
          <VideoView track={mainTrack} label={tracks.screen ? 'Your screen (preview)' : 'Your camera (preview)'} mirror={!tracks.screen} />
        ) : (
          <div className="stage-placeholder">
            <h2>{live ? 'You are live (audio only)' : 'Set up your stream'}</h2>
            <p className="muted">Turn on your camera and microphone, check the preview, then go live. Share your screen for charts.</p>
          </div>
        )}
        {tracks.screen && tracks.camera && (
          <MovableInset label="Your camera">
            <VideoView track={tracks.camera} label="Your camera (preview)" mirror fit="cover" />
          </MovableInset>
        )}
        {live ? (
          <span className="live-badge" aria-live="polite">
            <span className="pill-dot" aria-hidden="true" /> LIVE
          </span>
        ) : (
          <span className="preview-badge">Preview — viewers don't see this yet</span>
        )}
        {state.phase === 'reconnecting' || state.phase === 'connecting' || state.phase === 'joining' ? <PhaseOverlay state={state} onRetry={() => room.networkChanged()} unreachable={unreachable} /> : null}
        {showStats && <StatsOverlay stats={stats} transports={room.transportStates()} onClose={() => setShowStats(false)} toggle={statsToggle} />}
        <AudioSinks tracks={remoteAudio} muted={false} onBlocked={onAudioBlocked} unlockToken={unlockToken} />
      </div>

      <RemoteTiles tiles={tiles} label="Co-hosts" />
      {audioBlocked && remoteAudio.length > 0 && (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            setAudioBlocked(false);
            setUnlockToken((t) => t + 1);
          }}
        >
          Hear your co-hosts
        </button>
      )}

      {error && (
        <div className="banner banner-error" role="alert">
          <div>{error}</div>
          <button type="button" className="btn btn-small" onClick={() => setError(null)}>
            Dismiss
          </button>
        </div>
      )}

      <div className="studio-controls">
        {!captureSupported() && <p className="banner banner-warning">This browser cannot capture camera or microphone (it needs HTTPS or localhost).</p>}
        <div className="device-row">
          <Select
            label="Camera"
            value={cameraId}
            options={devices.cameras.length ? devices.cameras.map((d, i) => ({ value: d.deviceId, label: d.label || `Camera ${i + 1}` })) : [{ value: '', label: 'Default camera' }]}
            onChange={(e) => {
              setCameraId(e.target.value);
              if (tracks.camera) void startCamera(e.target.value);
            }}
          />
          <Select
            label="Microphone"
            value={micId}
            options={devices.microphones.length ? devices.microphones.map((d, i) => ({ value: d.deviceId, label: d.label || `Microphone ${i + 1}` })) : [{ value: '', label: 'Default microphone' }]}
            onChange={(e) => {
              setMicId(e.target.value);
              if (tracks.microphone) void startMic(e.target.value);
            }}
          />
        </div>

        <div className="source-row" role="toolbar" aria-label="Sources">
          <div className="source">
            <span className="source-name">Camera</span>
            {!tracks.camera ? (
              <button type="button" className="btn btn-small" onClick={() => void startCamera()} disabled={busy === 'camera'}>
                Turn on
              </button>
            ) : (
              <>
                {cam && (
                  <button type="button" className="btn btn-small" aria-pressed={!cam.paused} onClick={() => void toggle('camera')}>
                    {cam.paused ? 'Resume' : 'Pause'}
                  </button>
                )}
                <button type="button" className="btn btn-small btn-ghost" onClick={() => void stopSource('camera')}>
                  Stop
                </button>
              </>
            )}
            {cam && <span className="source-rate">{cam.paused ? 'paused' : (rate('camera') ?? '…')}</span>}
          </div>

          <div className="source">
            <span className="source-name">Microphone</span>
            {!tracks.microphone ? (
              <button type="button" className="btn btn-small" onClick={() => void startMic()} disabled={busy === 'microphone'}>
                Turn on
              </button>
            ) : (
              <>
                {mic && (
                  <button type="button" className="btn btn-small" aria-pressed={mic.paused} onClick={() => void toggle('microphone')}>
                    {mic.paused ? 'Unmute' : 'Mute'}
                  </button>
                )}
                <button type="button" className="btn btn-small btn-ghost" onClick={() => void stopSource('microphone')}>
                  Stop
                </button>
              </>
            )}
            {mic && <span className="source-rate">{mic.paused ? 'muted' : (rate('microphone') ?? '…')}</span>}
          </div>

          {can(role, 'share_screen') && (
            <div className="source source-screen">
              <span className="source-name">Screen</span>
              <fieldset className="preset">
                <legend className="visually-hidden">Screen share quality</legend>
                {(Object.keys(SCREEN_PRESETS) as ScreenPreset[]).map((p) => (
                  <label key={p} className="preset-option" title={SCREEN_PRESETS[p].description}>
                    <input type="radio" name="screen-preset" value={p} checked={preset === p} onChange={() => changePreset(p)} />
                    {SCREEN_PRESETS[p].label}
                  </label>
                ))}
              </fieldset>
              {!scr ? (
                <button type="button" className="btn btn-small" onClick={() => void shareScreen()} disabled={!joined || !screenShareSupported() || busy === 'screen'}>
                  Share screen
                </button>
              ) : (
                <>
                  <button type="button" className="btn btn-small" aria-pressed={!scr.paused} onClick={() => void toggle('screen')}>
                    {scr.paused ? 'Resume' : 'Pause'}
                  </button>
                  <button type="button" className="btn btn-small btn-ghost" onClick={() => void stopSource('screen')}>
                    Stop sharing
                  </button>
                  <span className="source-rate">{scr.paused ? 'paused' : (rate('screen') ?? '…')}</span>
                </>
              )}
            </div>
          )}
        </div>

        <div className="studio-actions">
          {!live ? (
            <button type="button" className="btn btn-live" onClick={() => void goLive()} disabled={!joined || busy === 'live'}>
              {busy === 'live' ? 'Going live…' : 'Go live'}
            </button>
          ) : (
            <span className="muted">Viewers see your live sources. Pause or stop each one above.</span>
          )}
          <button type="button" ref={statsToggle} className="btn btn-small btn-ghost" aria-pressed={showStats} onClick={() => setShowStats(!showStats)}>
            Stats
          </button>
          {role === 'host' && (
            <button type="button" className="btn btn-danger btn-small" onClick={() => setConfirmEnd(true)} disabled={!joined}>
              End room
            </button>
          )}
        </div>
      </div>

      <ConfirmDialog
        open={confirmEnd}
        title="End the room for everyone?"
        body="All viewers are disconnected and the room is marked as ended."
        confirmLabel="End room"
        danger
        busy={ending}
        onConfirm={() => void endRoom()}
        onCancel={() => setConfirmEnd(false)}
      />
    </div>
  );
}

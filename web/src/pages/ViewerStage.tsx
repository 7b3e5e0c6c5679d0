import { useCallback, useRef, useState } from 'react';
import { AudioSinks, MovableInset, VideoView } from '../components/media';
import { SpeakerOffIcon } from '../components/icons';
import { QualityMenu } from '../components/QualityMenu';
import { RemoteTiles } from '../components/RemoteTiles';
import { StatsOverlay } from '../components/StatsOverlay';
import { useRoomContext } from '../context/RoomContext';
import { choiceForLayer } from '../core/quality';
import { isAudioOnly, type RoomState, type SourceStats } from '../core/room';
import { viewerLayout } from '../core/tiles';
import { useRemoteTrack } from '../hooks/useRoom';

/** The stage overlay for every phase that is not plain "live". */
export function PhaseOverlay({ state, onRetry, unreachable }: { state: RoomState; onRetry: () => void; unreachable?: boolean }) {
  const p = state.phase;
  if (p === 'live') return null;
  const content: Record<string, { title: string; text?: string; spinner?: boolean }> = {
    connecting: { title: 'Connecting…', spinner: true },
    joining: { title: 'Joining the room…', spinner: true },
    waiting: { title: 'Waiting for the host', text: 'The stream starts as soon as the host goes live. Chat is open.' },
    'host-paused': { title: 'The host paused the stream', text: 'It will resume here automatically.' },
    reconnecting: { title: 'Reconnecting…', text: 'Your connection dropped. The stream comes back on its own.', spinner: true },
  };
  if (p === 'ended' || p === 'failed') return null; // handled by the page
  const c = content[p];
  if (!c) return null;
  if (p === 'connecting' && unreachable) {
    c.title = 'Can’t reach the live server yet';
    c.text = 'Retrying automatically…';
  }
  return (
    <div className={`stage-overlay stage-overlay-${p}`} role="status" aria-live="polite">
      {c.spinner && <span className="spinner-dot spinner-large" aria-hidden="true" />}
      <h2>{c.title}</h2>
      {c.text && <p>{c.text}</p>}
      {(p === 'reconnecting' || (p === 'connecting' && unreachable)) && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Retry now
        </button>
      )}
    </div>
  );
}

/** Viewer: screen large, camera as a movable inset, one-click unmute, quality, stats. */
export function ViewerStage({ state, stats, showStats, setShowStats, unreachable }: { state: RoomState; stats: Record<string, SourceStats>; showStats: boolean; setShowStats: (v: boolean) => void; unreachable?: boolean }) {
  const room = useRoomContext();
  const statsToggle = useRef<HTMLButtonElement>(null);
  // the lead presenter on the stage, other presenters (co-hosts) as tiles, everyone's audio
  const stage = viewerLayout(state);
  const mainTrack = useRemoteTrack(stage.main?.producerId);
  const insetTrack = useRemoteTrack(stage.inset?.producerId);
  const audioProducers = stage.audio.filter((p) => p.consumerId);
  // tracks of audio producers (re-read on media changes through useRemoteTrack of each)
  const audioTracks = audioProducers.map((p) => room.remoteTrack(p.producerId)).filter((t): t is MediaStreamTrack => !!t);
  const [muted, setMuted] = useState(false);
  const [blocked, setBlocked] = useState(false);
  const [unlockToken, setUnlockToken] = useState(0);
  const onBlocked = useCallback(() => setBlocked(true), []);

  const unmute = () => {
    setBlocked(false);
    setMuted(false);
    setUnlockToken((t) => t + 1);
  };

  const mainLabel = stage.main ? (stage.main.source === 'screen' ? 'Host screen' : 'Host camera') : 'Stage';
  const hasAudio = audioTracks.length > 0;

  return (
    <div className="stage-wrap">
      <div className="stage" role="group" aria-label="Stage">
        {stage.main && !stage.main.paused ? <VideoView track={mainTrack} label={mainLabel} /> : <div className="stage-empty" aria-hidden="true" />}
        {stage.inset && !stage.inset.paused && (
          <MovableInset label="Host camera">
            <VideoView track={insetTrack} label="Host camera" fit="cover" />
          </MovableInset>
        )}
        <PhaseOverlay state={state} onRetry={() => room.networkChanged()} unreachable={unreachable} />
        {isAudioOnly(state) && (
          <div className="stage-overlay stage-overlay-audio" role="status" aria-live="polite">
            <h2>Audio only</h2>
            <p>The host’s camera is off. You can still hear them.</p>
          </div>
        )}
        {hasAudio && (blocked || muted) && state.phase === 'live' && (
          <button type="button" className="unmute-button" onClick={unmute}>
            <SpeakerOffIcon />
            Click to unmute
          </button>
        )}
        {showStats && <StatsOverlay stats={stats} transports={room.transportStates()} onClose={() => setShowStats(false)} toggle={statsToggle} />}
        <AudioSinks tracks={audioTracks} muted={muted || blocked} onBlocked={onBlocked} unlockToken={unlockToken} />
      </div>
      <RemoteTiles tiles={stage.tiles} label="Other presenters" />
      <div className="stage-controls" role="toolbar" aria-label="Playback controls">
        <button type="button" className="btn btn-small" aria-pressed={!(muted || blocked)} onClick={() => (muted || blocked ? unmute() : setMuted(true))} disabled={!hasAudio}>
          {muted || blocked ? 'Unmute' : 'Mute'}
        </button>
        <QualityMenu value={state.quality} onChange={(q) => room.setQuality(q)} receiving={stage.main && stage.main.receivedLayer !== null && stage.main.receivedLayer >= 0 ? choiceForLayer(stage.main.receivedLayer) : null} />
        <button type="button" ref={statsToggle} className="btn btn-small btn-ghost" aria-pressed={showStats} onClick={() => setShowStats(!showStats)}>
          Stats
        </button>
        {state.phase === 'live' && <span className="muted stage-note">{stage.main?.paused === false ? (stage.main.source === 'screen' ? 'Screen share' : 'Camera') : isAudioOnly(state) ? 'Audio only' : null}</span>}
      </div>
    </div>
  );
}

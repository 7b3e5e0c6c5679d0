import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';

/** Plays a video track. Video elements are always muted: sound goes through <AudioSinks>. */
export function VideoView({ track, label, mirror, fit = 'contain', className }: { track: MediaStreamTrack | null; label: string; mirror?: boolean; fit?: 'contain' | 'cover'; className?: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    if (track) {
      const current = v.srcObject as MediaStream | null;
      if (!current || current.getVideoTracks()[0] !== track) v.srcObject = new MediaStream([track]);
      void v.play().catch(() => undefined);
    } else {
      v.srcObject = null;
    }
  }, [track]);
  return (
    <video
      ref={ref}
      className={`video ${mirror ? 'video-mirror' : ''} video-${fit} ${className ?? ''}`}
      autoPlay
      playsInline
      muted
      aria-label={label}
    />
  );
}

/**
 * Plays remote audio. Browsers block audible autoplay without a user gesture: when play()
 * is refused, `onBlocked` fires and the page shows a one-click "Unmute" button, which calls
 * `unlock()` (play() inside the click).
 */
export function AudioSinks({ tracks, muted, onBlocked, unlockToken }: { tracks: MediaStreamTrack[]; muted: boolean; onBlocked: () => void; unlockToken: number }) {
  return (
    <>
      {tracks.map((t) => (
        <AudioSink key={t.id} track={t} muted={muted} onBlocked={onBlocked} unlockToken={unlockToken} />
      ))}
    </>
  );
}

function AudioSink({ track, muted, onBlocked, unlockToken }: { track: MediaStreamTrack; muted: boolean; onBlocked: () => void; unlockToken: number }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const a = ref.current;
    if (!a) return;
    a.srcObject = new MediaStream([track]);
  }, [track]);
  useEffect(() => {
    const a = ref.current;
    if (!a) return;
    a.muted = muted;
    if (!muted) void a.play().catch((e: unknown) => {
      if (e instanceof DOMException && e.name === 'NotAllowedError') onBlocked();
    });
  }, [muted, track, unlockToken, onBlocked]);
  return <audio ref={ref} autoPlay />;
}

/**
 * A picture-in-picture box the viewer can move: drag with the pointer, or focus it and use
 * the arrow keys (Shift = bigger steps); Home/End/PageUp/PageDown snap to corners.
 */
export function MovableInset({ children, label }: { children: ReactNode; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ x: 1, y: 1 }); // fractions of the free space: 1,1 = bottom right
  const drag = useRef<{ startX: number; startY: number; x: number; y: number } | null>(null);

  const free = () => {
    const el = box.current;
    const parent = el?.parentElement;
    if (!el || !parent) return { w: 1, h: 1 };
    return { w: Math.max(1, parent.clientWidth - el.offsetWidth - 16), h: Math.max(1, parent.clientHeight - el.offsetHeight - 16) };
  };
  const clamp = (v: number) => Math.min(1, Math.max(0, v));

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    drag.current = { startX: e.clientX, startY: e.clientY, x: pos.x, y: pos.y };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    const f = free();
    setPos({ x: clamp(d.x + (e.clientX - d.startX) / f.w), y: clamp(d.y + (e.clientY - d.startY) / f.h) });
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const f = free();
    const step = e.shiftKey ? 64 : 16;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step / f.w, 0],
      ArrowRight: [step / f.w, 0],
      ArrowUp: [0, -step / f.h],
      ArrowDown: [0, step / f.h],
    };
    const corners: Record<string, { x: number; y: number }> = { Home: { x: 0, y: 0 }, PageUp: { x: 1, y: 0 }, End: { x: 0, y: 1 }, PageDown: { x: 1, y: 1 } };
    if (moves[e.key]) {
      const [dx, dy] = moves[e.key]!;
      setPos((p) => ({ x: clamp(p.x + dx), y: clamp(p.y + dy) }));
      e.preventDefault();
    } else if (corners[e.key]) {
      setPos(corners[e.key]!);
      e.preventDefault();
    }
  };
  const f = box.current ? free() : { w: 0, h: 0 };
  return (
    <div
      ref={box}
      className="inset"
      style={{ left: 8 + pos.x * f.w, top: 8 + pos.y * f.h }}
      tabIndex={0}
      role="group"
      aria-label={`${label}. Drag, or use the arrow keys to move it.`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    >
      {children}
    </div>
  );
}

import { useEffect, useRef, type RefObject } from 'react';
import type { SourceStats } from '../core/room';
import { connectionQuality, formatBitrate, worstQuality, type Quality } from '../core/stats';

export function overallQuality(stats: Record<string, SourceStats>): Quality {
  return worstQuality(Object.values(stats).map((s) => connectionQuality(s)));
}

const QUALITY_TEXT: Record<Quality, string> = { good: 'Good', fair: 'Fair', poor: 'Poor', unknown: '—' };

/** Signal-bars indicator with a text label (not colour alone). */
export function QualityIndicator({ quality }: { quality: Quality }) {
  const bars = quality === 'good' ? 3 : quality === 'fair' ? 2 : quality === 'poor' ? 1 : 0;
  return (
    <span className={`quality quality-${quality}`} title={`Connection: ${QUALITY_TEXT[quality]}`}>
      <span className="quality-bars" aria-hidden="true">
        {[1, 2, 3].map((i) => (
          <span key={i} className={i <= bars ? 'bar on' : 'bar'} style={{ height: 4 + i * 4 }} />
        ))}
      </span>
      <span className="quality-label">Connection: {QUALITY_TEXT[quality]}</span>
    </span>
  );
}

/**
 * Per-source statistics table (getStats). Escape closes it (unless a modal dialog is open); when
 * the focus was inside the overlay it goes back to `toggle` (the "Stats" button).
 */
export function StatsOverlay({ stats, transports, onClose, toggle }: { stats: Record<string, SourceStats>; transports: { send: string | null; recv: string | null }; onClose: () => void; toggle?: RefObject<HTMLButtonElement | null> }) {
  const rows = Object.entries(stats);
  const box = useRef<HTMLDivElement>(null);
  const close = useRef(() => {});
  close.current = () => {
    const active = document.activeElement;
    const inside = !!active && !!box.current?.contains(active);
    onClose();
    if (inside || active === document.body) toggle?.current?.focus();
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
      close.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div className="stats-overlay" role="region" aria-label="Connection statistics" ref={box}>
      <div className="stats-head">
        <strong>Statistics</strong>
        <button type="button" className="btn-icon" aria-label="Close statistics" onClick={() => close.current()}>
          ×
        </button>
      </div>
      {rows.length === 0 ? (
        <p className="muted">No media yet.</p>
      ) : (
        <table className="stats-table">
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Bitrate</th>
              <th scope="col">Video</th>
              <th scope="col">Loss</th>
              <th scope="col">RTT</th>
              <th scope="col">Jitter</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([key, s]) => (
              <tr key={key}>
                <th scope="row">
                  {s.label}
                  {s.codec ? <span className="muted"> {s.codec}</span> : null}
                </th>
                <td>{formatBitrate(s.bitrateBps)}</td>
                <td>{s.width && s.height ? `${s.width}×${s.height}${s.fps ? ` @${Math.round(s.fps)}` : ''}` : '—'}</td>
                <td>{s.packetLossPct === null ? '—' : `${s.packetLossPct}%`}</td>
                <td>{s.rttMs === null ? '—' : `${s.rttMs} ms`}</td>
                <td>{s.jitterMs === null ? '—' : `${s.jitterMs} ms`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="stats-transports muted">
        Transports: send {transports.send ?? '—'} · receive {transports.recv ?? '—'}
      </p>
    </div>
  );
}

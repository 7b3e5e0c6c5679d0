import { useId } from 'react';
import { QUALITY_CHOICES, type QualityChoice } from '../core/quality';

/** Viewer quality: Auto / 1080p / 720p / 360p (set-preferred-layers spatial 2/1/0). */
export function QualityMenu({ value, onChange, disabled, receiving }: { value: QualityChoice; onChange: (q: QualityChoice) => void; disabled?: boolean; receiving?: string | null }) {
  const id = useId();
  return (
    <span className="inline-select">
      <label htmlFor={id}>Quality</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value as QualityChoice)}>
        {QUALITY_CHOICES.map((q) => (
          <option key={q.value} value={q.value}>
            {q.value === 'auto' && receiving ? `Auto (${receiving})` : q.label}
          </option>
        ))}
      </select>
    </span>
  );
}

import { useId } from 'react';
import { scaleBars, type Datum } from '../core/analytics';

const ROW = 28;
const LABEL_W = 92;
const VALUE_W = 64;
const WIDTH = 420;

/**
 * A small horizontal bar chart in inline SVG (scales with its box) plus the same numbers as a
 * table. The SVG is one image with a text alternative; the table is what screen readers and
 * keyboard users read (and what narrow screens show in full).
 */
export function BarChart({ title, data, unit, format = String }: { title: string; data: readonly Datum[]; unit: string; format?: (n: number) => string }) {
  const id = useId();
  const bars = scaleBars(data);
  const height = bars.length * ROW + 4;
  const barMax = WIDTH - LABEL_W - VALUE_W;
  const summary = bars.map((b) => `${b.label} ${format(b.value)}`).join(', ');
  return (
    <figure className="chart" aria-labelledby={`${id}-t`}>
      <figcaption id={`${id}-t`} className="chart-title">
        {title}
      </figcaption>
      <svg className="chart-svg" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={`${title}: ${summary}`} preserveAspectRatio="xMinYMin meet">
        {bars.map((b, i) => {
          const y = i * ROW + 4;
          return (
            <g key={b.key} className={`chart-bar chart-bar-${b.key}`}>
              <text x={LABEL_W - 8} y={y + 15} textAnchor="end" className="chart-label">
                {b.label}
              </text>
              <rect x={LABEL_W} y={y + 2} width={barMax} height={ROW - 10} rx={3} className="chart-track" />
              <rect x={LABEL_W} y={y + 2} width={Math.max(b.value > 0 ? 2 : 0, b.fraction * barMax)} height={ROW - 10} rx={3} className="chart-fill" />
              <text x={WIDTH - VALUE_W + 8} y={y + 15} className="chart-value">
                {format(b.value)}
              </text>
            </g>
          );
        })}
      </svg>
      <table className="chart-table">
        <caption className="visually-hidden">{title}</caption>
        <thead>
          <tr>
            <th scope="col">{unit}</th>
            <th scope="col" className="num">
              Count
            </th>
            <th scope="col" className="num">
              Share
            </th>
          </tr>
        </thead>
        <tbody>
          {bars.map((b) => (
            <tr key={b.key}>
              <th scope="row">{b.label}</th>
              <td className="num">{format(b.value)}</td>
              <td className="num">{b.percent}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

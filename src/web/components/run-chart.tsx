/** Users changed and errors per run over time, as inline SVG with a table for screen readers. */
import type { ChartPoint } from '../lib/figures.js';
import { formatTime } from '../lib/format.js';

const W = 640;
const H = 200;
const PAD = { top: 12, right: 12, bottom: 28, left: 44 };

function niceMax(n: number) {
  if (n <= 5) return 5;
  const p = 10 ** Math.floor(Math.log10(n));
  return Math.ceil(n / p) * p;
}

export function RunChart({ points, title = 'Users changed and errors per run' }: { points: ChartPoint[]; title?: string }) {
  if (!points.length) return <p className="muted chart-empty">The chart appears after the first sync.</p>;
  const max = niceMax(Math.max(...points.map((p) => Math.max(p.usersChanged, p.errors))));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = innerW / points.length;
  const bar = Math.max(2, Math.min(18, slot / 2.6));
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  const ticks = [0, max / 2, max];
  return (
    <figure className="chart">
      <figcaption>
        <span>{title}</span>
        <span className="legend"><span className="swatch swatch-users" aria-hidden="true" /> Users changed <span className="swatch swatch-errors" aria-hidden="true" /> Errors</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="run-chart-title run-chart-desc" className="chart-svg" data-testid="run-chart">
        <title id="run-chart-title">{title}</title>
        <desc id="run-chart-desc">{`${points.length} runs; the latest changed ${points[points.length - 1]!.usersChanged} users with ${points[points.length - 1]!.errors} errors.`}</desc>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} className="chart-grid" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="chart-label">{Math.round(t)}</text>
          </g>
        ))}
        {points.map((p, i) => {
          const cx = PAD.left + slot * i + slot / 2;
          return (
            <g key={p.runId}>
              <rect x={cx - bar - 1} y={y(p.usersChanged)} width={bar} height={Math.max(0, PAD.top + innerH - y(p.usersChanged))} className="bar-users"><title>{`${formatTime(p.at)}: ${p.usersChanged} users changed`}</title></rect>
              <rect x={cx + 1} y={y(p.errors)} width={bar} height={Math.max(0, PAD.top + innerH - y(p.errors))} className="bar-errors"><title>{`${formatTime(p.at)}: ${p.errors} errors`}</title></rect>
            </g>
          );
        })}
        <text x={PAD.left} y={H - 8} className="chart-label">{formatTime(points[0]!.at)}</text>
        {points.length > 1 ? <text x={W - PAD.right} y={H - 8} textAnchor="end" className="chart-label">{formatTime(points[points.length - 1]!.at)}</text> : null}
      </svg>
      <div className="visually-hidden"><table>
        <caption>{title}</caption>
        <thead><tr><th scope="col">Run finished</th><th scope="col">Users changed</th><th scope="col">Errors</th></tr></thead>
        <tbody>{points.map((p) => <tr key={p.runId}><td>{formatTime(p.at)}</td><td>{p.usersChanged}</td><td>{p.errors}</td></tr>)}</tbody>
      </table></div>
    </figure>
  );
}

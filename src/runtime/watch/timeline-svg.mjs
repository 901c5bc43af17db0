// @ts-check
// A restart timeline for slides: per container, when it crashed (red cross), how long the kubelet
// said it would wait (amber bar, the back-off from its message), and when it restarted (green dot),
// on one time axis. Standalone SVG 1.1, no dependencies, no scripts, no external fonts.
import { goDuration } from '../kube/backoff.mjs';

/**
 * @typedef {object} TimelineInput  what createView().timeline() returns
 * @property {'time' | 'age'} clock  time: seconds since the first observation; age: the pod's AGE
 * @property {string | null} origin
 * @property {{ name: string }} schedule
 * @property {Array<{
 *   label: string,
 *   crashes: Array<{ t: number | null, exitCode: number | null, reason: string | null }>,
 *   restarts: Array<{ t: number | null, restartCount: number, observedDelaySeconds: number | null, kubeletDelaySeconds: number | null }>,
 *   backoffs: Array<{ t: number | null, seconds: number }>,
 * }>} containers
 */

/** @param {string} s */
export function escapeXml(s) {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** @param {number} n */
const fmt = (n) => String(Math.round(n * 10) / 10);

/**
 * A tick step giving about 6-10 ticks over `span` seconds.
 * @param {number} span
 */
function tickStep(span) {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];
  return steps.find((s) => span / s <= 10) ?? Math.ceil(span / 10 / 86400) * 86400;
}

/**
 * @param {TimelineInput} input
 * @param {{ title?: string, width?: number }} [opts]
 * @returns {string}
 */
export function renderTimelineSvg(input, opts = {}) {
  const width = opts.width ?? 960;
  const left = 220;
  const right = 30;
  const top = 70;
  const rowH = 56;
  const rows = input.containers.length === 0 ? 1 : input.containers.length;
  const height = top + rows * rowH + 90; // ticks, the axis name, then the legend below them
  const title = opts.title ?? 'Restart timeline';

  /** @type {number[]} */
  const ts = [];
  for (const c of input.containers) {
    for (const x of c.crashes) if (x.t !== null) ts.push(x.t);
    for (const x of c.restarts) if (x.t !== null) ts.push(x.t);
    for (const x of c.backoffs) if (x.t !== null) ts.push(x.t, x.t + x.seconds);
  }
  const t0 = ts.length > 0 ? Math.min(0, ...ts) : 0;
  const t1 = ts.length > 0 ? Math.max(...ts, t0 + 10) : 60;
  const span = t1 - t0;
  const plotW = width - left - right;
  /** @param {number} t */
  const x = (t) => left + ((t - t0) / span) * plotW;

  const out = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
  );
  out.push(`<title>${escapeXml(title)}</title>`);
  out.push(
    '<style>.crash{stroke:#c62828;stroke-width:3}.restart{fill:#2e7d32}.backoff{fill:#f9a825;fill-opacity:0.55}.axis{stroke:#555;stroke-width:1}.grid{stroke:#ddd;stroke-width:1}.label{fill:#222}.muted{fill:#666;font-size:11px}</style>',
  );
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text class="label" x="20" y="30" font-size="18" font-weight="bold">${escapeXml(title)}</text>`);
  out.push(`<text class="muted" x="20" y="50">${escapeXml(`compared with: ${input.schedule.name}`)}</text>`);

  // Axis and grid.
  const axisY = top + rows * rowH + 10;
  const step = tickStep(span);
  out.push(`<line class="axis" x1="${left}" y1="${axisY}" x2="${width - right}" y2="${axisY}"/>`);
  for (let t = Math.ceil(t0 / step) * step; t <= t1 + 1e-9; t += step) {
    out.push(`<line class="grid" x1="${fmt(x(t))}" y1="${top - 10}" x2="${fmt(x(t))}" y2="${axisY}"/>`);
    out.push(`<text class="muted" x="${fmt(x(t))}" y="${axisY + 16}" text-anchor="middle">${escapeXml(goDuration(t))}</text>`);
  }
  const axisName = input.clock === 'age' ? 'pod age' : 'time since the first observation';
  out.push(`<text class="muted" x="${left}" y="${axisY + 36}">${escapeXml(axisName)}</text>`);

  input.containers.forEach((c, i) => {
    const y = top + i * rowH + rowH / 2;
    out.push(`<g class="row">`);
    out.push(`<text class="label" x="20" y="${y + 4}">${escapeXml(c.label)}</text>`);
    out.push(`<line class="grid" x1="${left}" y1="${y}" x2="${width - right}" y2="${y}"/>`);
    for (const b of c.backoffs) {
      if (b.t === null) continue;
      const w = Math.max(1, x(b.t + b.seconds) - x(b.t));
      out.push(
        `<rect class="backoff" x="${fmt(x(b.t))}" y="${y - 9}" width="${fmt(w)}" height="18"><title>${escapeXml(`kubelet back-off ${goDuration(b.seconds)}`)}</title></rect>`,
      );
    }
    for (const cr of c.crashes) {
      if (cr.t === null) continue;
      const cx = x(cr.t);
      const what = cr.exitCode !== null ? `exit ${cr.exitCode}${cr.reason ? ` (${cr.reason})` : ''}` : cr.reason ?? 'exited';
      out.push(
        `<path class="crash" d="M${fmt(cx - 6)} ${fmt(y - 6)} L${fmt(cx + 6)} ${fmt(y + 6)} M${fmt(cx - 6)} ${fmt(y + 6)} L${fmt(cx + 6)} ${fmt(y - 6)}"><title>${escapeXml(`crash at ${goDuration(cr.t)}: ${what}`)}</title></path>`,
      );
    }
    for (const r of c.restarts) {
      if (r.t === null) continue;
      const detail = [
        `restart #${r.restartCount} at ${goDuration(r.t)}`,
        r.observedDelaySeconds !== null ? `after ${goDuration(Math.round(r.observedDelaySeconds))}` : null,
        r.kubeletDelaySeconds !== null ? `kubelet back-off ${goDuration(r.kubeletDelaySeconds)}` : null,
      ]
        .filter(Boolean)
        .join(', ');
      out.push(`<circle class="restart" cx="${fmt(x(r.t))}" cy="${y}" r="6"><title>${escapeXml(detail)}</title></circle>`);
      out.push(`<text class="muted" x="${fmt(x(r.t))}" y="${y - 12}" text-anchor="middle">${r.restartCount}</text>`);
    }
    out.push('</g>');
  });
  if (input.containers.length === 0) {
    out.push(`<text class="muted" x="${left}" y="${top + rowH / 2}">no containers observed</text>`);
  }

  // Legend.
  const ly = height - 14;
  // Legend marks carry no mark class, so counting marks counts crashes and restarts only.
  out.push(`<path stroke="#c62828" stroke-width="3" d="M20 ${ly - 10} L30 ${ly} M20 ${ly} L30 ${ly - 10}"/>`);
  out.push(`<text class="muted" x="36" y="${ly}">crash (container exited)</text>`);
  out.push(`<rect fill="#f9a825" fill-opacity="0.55" x="200" y="${ly - 11}" width="24" height="12"/>`);
  out.push(`<text class="muted" x="230" y="${ly}">kubelet back-off (from its message)</text>`);
  out.push(`<circle fill="#2e7d32" cx="470" cy="${ly - 5}" r="6"/>`);
  out.push(`<text class="muted" x="482" y="${ly}">restart (number = restartCount)</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

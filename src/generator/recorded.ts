// What the apiserver printed for each runtime × PID 1 × crash mode on create-crash-demo's own test
// cluster (test/cluster): recorded.json is written by test/cluster/crash-matrix.test.ts, never by
// hand (test/cluster/README.md, "Recordings", says how). The generated README's expected output is
// this recording, not the outcome model; test/unit/recorded.test.ts holds it against the model.
import type { Options } from '../shared/options.js';
import data from './recorded.json' with { type: 'json' };

/** One row of the apiserver's own `kubectl get pod` table, as it printed it. */
export interface RecordedRow {
  /** Seconds after `npm run deploy` started. */
  at: number;
  ready: string;
  status: string;
  restarts: string;
  age: string;
}

export interface RecordedDemo {
  /** The pod's name on the test cluster (the demo was named after its options). */
  pod: string;
  rows: RecordedRow[];
}

export interface Recordings {
  /** How the runs were made, a phrase for the README ("`npm run deploy`, then ..."). */
  steps: string;
  /** The day of the recording (YYYY-MM-DD). */
  recordedOn: string;
  kubernetes: string;
  /** The node's memory cgroup version ('v1' or 'v2'): which of oom's predictions the run shows. */
  cgroup: string;
  /** Keyed by recordingKey(). */
  demos: Record<string, RecordedDemo>;
}

export const RECORDINGS: Recordings = data;

/** The runs were made with the http trigger; other triggers were not recorded. */
export const RECORDED_TRIGGER = 'http';

export function recordingKey(o: Pick<Options, 'runtime' | 'pid1' | 'crash'>): string {
  return `${o.runtime}/${o.pid1}/${o.crash}`;
}

export function recordingOf(o: Pick<Options, 'runtime' | 'pid1' | 'crash'>): RecordedDemo | undefined {
  return RECORDINGS.demos[recordingKey(o)];
}

const COLUMNS = ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'] as const;
/** kubectl's tabwriter pads every column but the last with 3 spaces. */
const PADDING = 3;

/** The rows laid out as `kubectl get pods` prints them, the pod named `pod` (the reader's). */
export function kubectlLines(rows: readonly RecordedRow[], pod: string): string[] {
  const cells = [COLUMNS as readonly string[], ...rows.map((r) => [pod, r.ready, r.status, r.restarts, r.age])];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((c) => (c[i] ?? '').length)) + PADDING);
  return cells.map((c) => c.map((cell, i) => (i === c.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join(''));
}

// One module per runtime, as vscode-generator-code keeps one per variant: RUNTIMES[o.runtime] is
// where a fact about gunicorn or node:cluster is read.
import type { Runtime } from '../options.js';
import { node } from './node.js';
import { python } from './python.js';
import type { RuntimeSpec } from './types.js';

export type { RuntimeSpec } from './types.js';

export const RUNTIMES: Record<Runtime, RuntimeSpec> = { python, node };

/** One fact of every runtime, by runtime: `byRuntime('baseImage').node` is 'node:24-slim'. */
export function byRuntime<K extends keyof RuntimeSpec>(key: K): Record<Runtime, RuntimeSpec[K]> {
  return Object.fromEntries(Object.entries(RUNTIMES).map(([runtime, spec]) => [runtime, spec[key]])) as Record<Runtime, RuntimeSpec[K]>;
}

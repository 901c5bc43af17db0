// One module per runtime, as vscode-generator-code keeps one per variant: RUNTIMES[o.runtime] is
// where a fact about gunicorn or node:cluster is read.
import type { Runtime } from '../options.js';
import { node } from './node.js';
import { python } from './python.js';
import type { RuntimeSpec } from './types.js';

export type { RuntimeSpec } from './types.js';

export const RUNTIMES: Record<Runtime, RuntimeSpec> = { python, node };

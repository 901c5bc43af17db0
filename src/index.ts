// The library: everything the bin and the Yeoman generator do, without prompts or Yeoman.
import { resolveOptions, type RawOptions } from './validate.js';
import { renderDemo, writeDemo } from './render.js';
import type { TargetState, WritePermission } from './target.js';
import { predictOutcome, type Outcome } from './outcome.js';
import type { Options } from './options.js';

export { OPTIONS, OPTION_KEYS, choicesOf, flagOf } from './options.js';
export type { Options, OptionKey, OptionSpec, Runtime, CrashMode, Pid1, Trigger } from './options.js';
export { resolveOptions, parseValue, toLabel, UsageError } from './validate.js';
export type { RawOptions, ResolveContext } from './validate.js';
export { predictOutcome } from './outcome.js';
export type { Outcome, Behaviour, TerminatedReason, PodStatus } from './outcome.js';
export { startCommand, pid1Comm, SUPERVISOR, HALT_CODE } from './layout.js';
export { planFiles } from './files.js';
export { packageRoot } from './package.js';
export { renderDemo, writeDemo, savedDemo, BASE_IMAGES, DEMO_VERSION } from './render.js';
export type { DemoFiles, SavedDemo } from './render.js';
export { inspectTarget, hashOf, STATE_LABEL } from './target.js';
export type { TargetState, FileState, WritePermission } from './target.js';
export { loadSaved } from './saved.js';

export interface CreatedDemo {
  dir: string;
  options: Options;
  outcome: Outcome;
  files: string[];
  target: TargetState;
}

/** Resolves, renders and writes a demo in one call: `createDemo('my-demo', { runtime: 'node' })`. */
export function createDemo(dir: string, raw: RawOptions = {}, allow: WritePermission = {}): CreatedDemo {
  const options = resolveOptions(raw, { dir });
  const files = renderDemo(options);
  const target = writeDemo(dir, files, allow);
  return { dir: target.dir, options, outcome: predictOutcome(options), files: [...files.keys()], target };
}

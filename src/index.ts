// The library: everything the bin and the Yeoman generator do, without prompts or Yeoman.
import { resolveOptions, type RawOptions } from './validate.js';
import { planDemo } from './render.js';
import { writeDemo } from './write.js';
import { ownScriptsFrom, type ScriptsFrom } from './package.js';
import type { TargetState, WritePermission } from './target.js';
import type { Outcome } from './outcome.js';
import type { Options } from './options.js';

export { OPTIONS, OPTION_KEYS, choicesOf, flagOf } from './options.js';
export type { Options, OptionKey, OptionSpec, Runtime, CrashMode, Pid1, Trigger } from './options.js';
export { resolveOptions, parseValue, toLabel, UsageError } from './validate.js';
export type { RawOptions, ResolveContext } from './validate.js';
export { predictOutcome } from './outcome.js';
export type { Outcome, Behaviour, TerminatedReason, PodStatus } from './outcome.js';
export { startCommand, pid1Comm, SUPERVISOR, HALT_CODE } from './layout.js';
export { planFiles } from './files.js';
export { packageRoot, ownScriptsFrom } from './package.js';
export type { ScriptsFrom } from './package.js';
export { planDemo, renderDemo, savedDemo, BASE_IMAGES, DEMO_VERSION } from './render.js';
export type { DemoFiles, DemoPlan, SavedDemo } from './render.js';
export { writeDemo } from './write.js';
export { RUNTIMES } from './runtimes/index.js';
export type { RuntimeSpec } from './runtimes/index.js';
export { inspectTarget, hashOf, STATE_LABEL } from './target.js';
export type { TargetState, FileState, WritePermission } from './target.js';
export { loadSaved } from './saved.js';

export interface CreatedDemo {
  dir: string;
  options: Options;
  outcome: Outcome;
  files: string[];
  target: TargetState;
  /** The packed create-crash-demo the demo installs from (vendor/...tgz, among files), or null: the registry's. */
  vendored: string | null;
}

/**
 * Resolves, renders and writes a demo in one call: `createDemo('my-demo', { runtime: 'node' })`.
 * `from` says where the demo's npm install gets create-crash-demo; by default, as the bin: the
 * registry's version when this copy came from the registry, else this copy packed into vendor/.
 */
export function createDemo(dir: string, raw: RawOptions = {}, allow: WritePermission = {}, from: ScriptsFrom = ownScriptsFrom()): CreatedDemo {
  const { options, outcome, files, vendored } = planDemo(resolveOptions(raw, { dir }), from);
  const target = writeDemo(dir, files, allow);
  return { dir: target.dir, options, outcome, files: [...files.keys()], target, vendored };
}

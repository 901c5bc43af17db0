// The library: everything the bin and the Yeoman generator do, without prompts or Yeoman. Its
// errors name what a caller wrote (`runtime: "ruby"`, `{ overwrite: true }`), not the bin's flags.
import { parseValue as parseValueRaw, resolveOptions as resolveRaw, type RawOptions, type ResolveContext } from './generator/validate.js';
import { planDemo, type DemoFiles } from './generator/render.js';
import { writeDemo as writeRaw } from './generator/write.js';
import { ownScriptsFrom, type ScriptsFrom } from './generator/package.js';
import type { TargetState, WritePermission } from './generator/target.js';
import type { Outcome } from './generator/outcome.js';
import type { OptionKey, Options } from './shared/options.js';
import { LIBRARY, asFace } from './generator/faces.js';

export { OPTIONS, OPTION_KEYS, choicesOf, flagOf } from './shared/options.js';
export type { Options, OptionKey, OptionSpec, Runtime, CrashMode, Pid1, Trigger } from './shared/options.js';
export { toLabel, UsageError } from './generator/validate.js';
export type { RawOptions, ResolveContext } from './generator/validate.js';
export { predictOutcome } from './generator/outcome.js';
export type { Outcome, Behaviour, TerminatedReason, PodStatus } from './generator/outcome.js';
export { startCommand, pid1Comm, SUPERVISOR, HALT_CODE } from './generator/layout.js';
export { planFiles } from './generator/files.js';
export { packageRoot, ownScriptsFrom } from './generator/package.js';
export type { ScriptsFrom } from './generator/package.js';
export { planDemo, renderDemo, savedDemo, BASE_IMAGES, DEMO_VERSION } from './generator/render.js';
export type { DemoFiles, DemoPlan, SavedDemo } from './generator/render.js';
export { RUNTIMES } from './shared/runtimes/index.js';
export type { RuntimeSpec } from './shared/runtimes/index.js';
export { inspectTarget, hashOf, STATE_LABEL } from './generator/target.js';
export type { TargetState, FileState, WritePermission } from './generator/target.js';
export { loadSaved } from './generator/saved.js';

export interface CreatedDemo {
  dir: string;
  options: Options;
  outcome: Outcome;
  files: string[];
  target: TargetState;
  /** The packed create-crash-demo the demo installs from (vendor/...tgz, among files), or null: the registry's. */
  vendored: string | null;
}

/** A demo's options as a program gives them: any of them, each typed from the options table. */
export type DemoOptions = Partial<Options>;

/**
 * Turns values of any type (strings from a form or a command line too) into validated Options, or
 * throws a UsageError naming the property, the value and the fix. See createDemo for typed input.
 */
export function resolveOptions(raw: RawOptions, ctx: ResolveContext = {}): Options {
  return asFace(LIBRARY, () => resolveRaw(raw, ctx));
}

/** Validates one value of any type against its option; returns it typed or throws a UsageError. */
export function parseValue(key: OptionKey, value: unknown): string | number | boolean {
  return asFace(LIBRARY, () => parseValueRaw(key, value));
}

/** Writes a planned demo (see generator/write.ts): refused, as a UsageError, where the bin would refuse. */
export function writeDemo(dir: string, files: DemoFiles, allow: WritePermission = {}, looked?: TargetState): TargetState {
  return asFace(LIBRARY, () => writeRaw(dir, files, allow, looked));
}

/**
 * Resolves, renders and writes a demo in one call: `createDemo('my-demo', { runtime: 'node' })`.
 * `from` says where the demo's npm install gets create-crash-demo; by default, as the bin: the
 * registry's version when this copy came from the registry, else this copy packed into vendor/.
 */
export function createDemo(dir: string, options: DemoOptions = {}, allow: WritePermission = {}, from: ScriptsFrom = ownScriptsFrom()): CreatedDemo {
  const plan = planDemo(resolveOptions(options, { dir }), from);
  const target = writeDemo(dir, plan.files, allow);
  return { dir: target.dir, options: plan.options, outcome: plan.outcome, files: [...plan.files.keys()], target, vendored: plan.vendored };
}

// Raw values (CLI strings, prompt answers, a library caller's object, saved answers) become typed,
// validated Options here, or a UsageError that names the value and says what to do instead.
import { basename, resolve } from 'node:path';
import { OPTIONS, OPTION_KEYS, flagOf, type OptionKey, type Options } from '../shared/options.js';
import {
  OptionError,
  RESERVED_NAMESPACES,
  checkCombination,
  parseOptionValue,
  showValue as show,
  toLabel,
} from '../shared/option-rules.mjs';

/** An error the user caused and can fix: its message is shown as is, without a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type RawOptions = Partial<Record<OptionKey, unknown>>;

export interface ResolveContext {
  /** The target directory: the default name is its base name. */
  dir?: string;
  /** Values that replace the table's defaults (e.g. answers saved in an earlier crash-demo.json). */
  defaults?: Partial<Options>;
}

export { toLabel };

/** Validates one value against its spec; returns the typed value or throws a UsageError. */
export function parseValue(key: OptionKey, value: unknown): string | number | boolean {
  return asUsageError(() => parseOptionValue(OPTIONS[key], flagOf(key), value));
}

/** The shared rules (shared/option-rules.mjs) throw OptionError; the bin shows a UsageError. */
function asUsageError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof OptionError) throw new UsageError(error.message);
    throw error;
  }
}

/** The base name of a target directory (so `.` means the current folder's name). */
export function dirName(dir: string | undefined): string {
  return basename(resolve(dir ?? 'crash-demo'));
}

/**
 * The app name a directory implies, the same rule whether or not anyone is asked: its base name made
 * a valid Kubernetes name ("My Démo" -> "my-demo"); '' when nothing of it is left ("🚀").
 */
export function defaultName(dir: string | undefined): string {
  return toLabel(dirName(dir), OPTIONS.name.startsWithLetter, OPTIONS.name.maxLength);
}

/** Each value given, checked on its own (before any question is asked, so no answer is lost). */
export function checkGiven(raw: RawOptions): void {
  for (const key of OPTION_KEYS) if (raw[key] !== undefined) parseValue(key, raw[key]);
}

/** The rules between options (a reserved namespace, a StatefulSet name's length, --fast-backoff's cluster), as a UsageError. */
export function checkTogether(o: Pick<Options, 'namespace' | 'workload' | 'name' | 'cluster' | 'fastBackoff'>): void {
  asUsageError(() => checkCombination(o));
}

export { RESERVED_NAMESPACES };

/**
 * Turns raw values into validated Options. Anything not given takes its default.
 * Throws a UsageError for an unknown key, a bad value or options that contradict each other.
 */
export function resolveOptions(raw: RawOptions, ctx: ResolveContext = {}): Options {
  for (const key of Object.keys(raw)) {
    if (!(OPTION_KEYS as string[]).includes(key)) {
      throw new UsageError(`Unknown option ${JSON.stringify(key)}: the options are ${OPTION_KEYS.join(', ')}.`);
    }
  }
  const out: Record<string, string | number | boolean> = {};
  for (const key of OPTION_KEYS) {
    const given = raw[key];
    if (given !== undefined) {
      out[key] = parseValue(key, given);
      continue;
    }
    const saved = ctx.defaults?.[key];
    if (saved !== undefined) {
      try {
        out[key] = parseValue(key, saved);
      } catch (error) {
        throw new UsageError(
          `The saved answers (crash-demo.json) have ${key} = ${show(saved)}, which is not valid: ` +
            `give ${flagOf(key)} explicitly, or fix or remove crash-demo.json. (${(error as Error).message})`,
        );
      }
      continue;
    }
    if (key === 'name') {
      out[key] = defaultName(ctx.dir);
      if (!out[key]) {
        throw new UsageError(
          `The directory name ${JSON.stringify(dirName(ctx.dir))} leaves no valid Kubernetes name for the app: pass --name <a-lowercase-name>.`,
        );
      }
      continue;
    }
    out[key] = OPTIONS[key].default as string | number | boolean;
  }
  const o = out as Options;
  // A value that would be silently ignored is a mistake, unless it is just the default (as in a
  // complete options object read back from crash-demo.json).
  const ignored = (key: 'probability' | 'after') =>
    raw[key] !== undefined && o[key] !== (ctx.defaults?.[key] ?? OPTIONS[key].default);
  if (ignored('probability') && o.trigger !== 'random') {
    throw new UsageError(
      `--probability ${raw.probability} only applies to --trigger random (the trigger is ${o.trigger}): add --trigger random or drop --probability.`,
    );
  }
  if (ignored('after') && o.trigger !== 'timer') {
    throw new UsageError(
      `--after ${raw.after} only applies to --trigger timer (the trigger is ${o.trigger}): add --trigger timer or drop --after.`,
    );
  }
  checkTogether(o);
  return o;
}

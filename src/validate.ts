// Raw values (CLI strings, prompt answers, a library caller's object, saved answers) become typed,
// validated Options here, or a UsageError that names the value and says what to do instead.
import { basename, resolve } from 'node:path';
import {
  OPTIONS,
  OPTION_KEYS,
  flagOf,
  type OptionKey,
  type OptionSpec,
  type Options,
} from './options.js';

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

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The closest valid label to a string, or '' when none is near. */
export function toLabel(text: string, startsWithLetter = true, maxLength = 63): string {
  let s = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-');
  if (startsWithLetter) s = s.replace(/^[^a-z]+/, '');
  s = s.slice(0, maxLength).replace(/^-+|-+$/g, '');
  return s;
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Validates one value against its spec; returns the typed value or throws a UsageError. */
export function parseValue(key: OptionKey, value: unknown): string | number | boolean {
  const spec: OptionSpec = OPTIONS[key];
  const flag = flagOf(key);
  switch (spec.kind) {
    case 'choice': {
      const valid = Object.keys(spec.choices);
      if (typeof value === 'string' && valid.includes(value)) return value;
      throw new UsageError(`${flag} ${show(value)} is not a valid choice: use one of ${valid.join(', ')}.`);
    }
    case 'number':
    case 'integer': {
      const n =
        typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      const range = `${spec.minExclusive ? 'greater than' : 'from'} ${spec.min}${spec.minExclusive ? ` and at most ${spec.max}` : ` to ${spec.max}`}`;
      const what = spec.kind === 'integer' ? 'a whole number' : 'a number';
      if (!Number.isFinite(n) || (spec.kind === 'integer' && !Number.isInteger(n))) {
        throw new UsageError(`${flag} ${show(value)} is not ${what}: give ${what} ${range}${spec.unit ? ` (${spec.unit})` : ''}.`);
      }
      // The app reads these back from environment variables as plain decimals: no exponent form.
      if (/e/i.test(String(n))) {
        throw new UsageError(`${flag} ${show(value)} has too many decimal places: use at most 6 (e.g. 0.000001), or 0.`);
      }
      const low = spec.minExclusive ? n <= spec.min : n < spec.min;
      if (low || n > spec.max) {
        throw new UsageError(`${flag} ${show(value)} is out of range: give ${what} ${range}${spec.unit ? ` (${spec.unit})` : ''}.`);
      }
      return n;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'yes') return true;
      if (value === 'false' || value === 'no') return false;
      throw new UsageError(`${flag} ${show(value)} is not true or false.`);
    }
    case 'label': {
      const s = typeof value === 'string' ? value : '';
      const first = spec.startsWithLetter ? /^[a-z]/ : /^[a-z0-9]/;
      if (s.length <= spec.maxLength && LABEL.test(s) && first.test(s)) return s;
      const rule =
        `lowercase letters, digits and '-', starting with a ${spec.startsWithLetter ? 'letter' : 'letter or digit'}, ` +
        `ending with a letter or digit, at most ${spec.maxLength} characters`;
      const suggestion = toLabel(String(value ?? ''), spec.startsWithLetter, spec.maxLength);
      throw new UsageError(
        `${flag} ${show(value)} is not a valid Kubernetes name (${rule})` +
          (suggestion ? `: try ${flag} ${suggestion}.` : '.'),
      );
    }
  }
}

/** The app name a directory implies: its base name (so `.` means the current folder's name). */
export function defaultName(dir: string | undefined): string {
  return basename(resolve(dir ?? 'crash-demo'));
}

/** Namespaces that belong to the cluster itself: deploy labels its namespace and teardown deletes it. */
export const RESERVED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

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
      const name = defaultName(ctx.dir);
      try {
        out[key] = parseValue('name', name);
      } catch {
        const suggestion = toLabel(name);
        throw new UsageError(
          `The directory name ${JSON.stringify(name)} is not a valid Kubernetes name, so it cannot be the app name: ` +
            `pass ${suggestion ? `--name ${suggestion}` : '--name <a-lowercase-name>'}.`,
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
  if (RESERVED_NAMESPACES.includes(o.namespace)) {
    throw new UsageError(
      `--namespace ${JSON.stringify(o.namespace)} belongs to the cluster itself: the demo labels its namespace for the ` +
        `restricted Pod Security profile and teardown deletes it. Use a namespace of its own, e.g. --namespace crash-demo.`,
    );
  }
  // A StatefulSet's pods carry a controller-revision-hash label `<name>-<10 chars>`: labels stop at 63.
  if (o.workload === 'statefulset' && o.name.length > 52) {
    throw new UsageError(
      `--name ${JSON.stringify(o.name)} is ${o.name.length} characters: a StatefulSet name must be at most 52 ` +
        `(its pods' controller-revision-hash label adds 11): use a shorter --name or --workload deployment.`,
    );
  }
  return o;
}

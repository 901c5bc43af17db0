// argv -> what the user asked for. The flags come from the options table; only the control flags
// (--yes, --dry-run, ...) are listed here.
import { parseArgs } from 'node:util';
import { OPTIONS, OPTION_KEYS, flagOf, type OptionKey } from '../shared/options.js';
import { UsageError, type RawOptions } from '../generator/validate.js';
import { didYouMean } from '../shared/option-rules.mjs';
import { replaceWithoutOverwrite } from '../generator/target.js';

export const CONTROL_FLAGS = {
  yes: { short: 'y', describe: 'use defaults for everything not given as a flag; ask nothing' },
  overwrite: { short: undefined, describe: "replace the demo's files in a non-empty target directory (not files you edited)" },
  'replace-edited': { short: undefined, describe: 'with --overwrite: also replace files you edited since generation, or that it did not write' },
  'dry-run': { short: undefined, describe: 'print the files it would write and what will happen; write nothing' },
  json: { short: undefined, describe: 'with --dry-run (or after writing): print one JSON document' },
  help: { short: 'h', describe: 'show this help' },
  version: { short: 'v', describe: 'print the version' },
} as const;

export interface Request {
  dir: string | undefined;
  raw: RawOptions;
  yes: boolean;
  overwrite: boolean;
  replaceEdited: boolean;
  dryRun: boolean;
  json: boolean;
  help: boolean;
  version: boolean;
}

export function allFlags(): string[] {
  return [...OPTION_KEYS.map(flagOf), ...Object.keys(CONTROL_FLAGS).map((f) => `--${f}`)];
}

function unknownFlag(flag: string): UsageError {
  const name = /^-+=/.test(flag) ? flag : flag.split('=')[0]!; // --= is named whole, not as --
  return new UsageError(`Unknown flag ${name}.${didYouMean(name, allFlags())} Run create-crash-demo --help for every flag.`);
}

export function parseRequest(argv: string[]): Request {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  const byFlag = new Map<string, OptionKey>();
  for (const key of OPTION_KEYS) {
    const flag = flagOf(key).slice(2);
    byFlag.set(flag, key);
    options[flag] = { type: OPTIONS[key].kind === 'boolean' ? 'boolean' : 'string' };
  }
  for (const [flag, spec] of Object.entries(CONTROL_FLAGS)) {
    options[flag] = spec.short ? { type: 'boolean', short: spec.short } : { type: 'boolean' };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    const e = error as Error & { code?: string };
    // parseArgs names a flag as '--port', '--port <value>' or '-y, --yes': take the long name.
    const quoted = /'([^']+)'/.exec(e.message)?.[1] ?? '';
    const flag = /--[a-z0-9-]+/.exec(quoted)?.[0] ?? (/^-+=/.test(quoted) ? quoted : quoted.split(/[ ,=]/)[0]) ?? '';
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw unknownFlag(flag);
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const key = byFlag.get(flag.replace(/^--?/, ''));
      const spec = key ? OPTIONS[key] : undefined;
      if (!spec) throw new UsageError(`${flag} is a switch and takes no value: write ${flag} alone.`);
      if (spec.kind === 'boolean') throw new UsageError(`${flag} is a switch and takes no value: write ${flag} alone.`);
      const valid = spec.kind === 'choice' ? `: one of ${Object.keys(spec.choices).join(', ')}` : `, e.g. ${flag} ${spec.default ?? 'my-demo'}`;
      // No option takes a value starting with '-', so the next word was a flag, not this one's value.
      const after = argv[argv.indexOf(flag) + 1];
      const next = /ambiguous/.test(e.message) && after !== undefined ? ` (the word after it, ${JSON.stringify(after)}, starts with '-': no value here is negative)` : '';
      throw new UsageError(`${flag} needs a value${valid}${next}.`);
    }
    throw new UsageError(e.message);
  }
  // parseArgs keeps the last of a repeated flag: two different values are two answers, not one.
  const given = new Map<string, string | undefined>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (given.has(token.name) && given.get(token.name) !== token.value) {
      const show = (v: string | undefined) => (v === undefined ? 'a switch' : JSON.stringify(v));
      throw new UsageError(
        `--${token.name} is given twice, as ${show(given.get(token.name))} and as ${show(token.value)}: give it once, with the value you mean.`,
      );
    }
    given.set(token.name, token.value);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values['replace-edited'] && !values['overwrite']) throw replaceWithoutOverwrite();
  if (parsed.positionals.length > 1) {
    throw new UsageError(
      `One target directory, please: got ${parsed.positionals.map((p) => JSON.stringify(p)).join(' ')}. Quote a path with spaces.`,
    );
  }
  const raw: RawOptions = {};
  for (const [flag, key] of byFlag) {
    if (values[flag] !== undefined) raw[key] = values[flag];
  }
  return {
    dir: parsed.positionals[0],
    raw,
    yes: values['yes'] === true,
    overwrite: values['overwrite'] === true,
    replaceEdited: values['replace-edited'] === true,
    dryRun: values['dry-run'] === true,
    json: values['json'] === true,
    help: values['help'] === true,
    version: values['version'] === true,
  };
}

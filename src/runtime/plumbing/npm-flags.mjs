// @ts-check
// npm's flag trap (docs/FACTS.md §8): `npm run build --dry-run`, without `--`, gives the script no
// flag. npm keeps every --flag before `--` as its own config and sets npm_config_<flag> in the
// script's environment instead ("true"; "" for --no-flag; `--flag=value` -> "value"); a value after a
// kept flag reaches the script as an argument. What a script makes of that:
//   --dry-run kept by npm is honoured: it can only make a run safer, so it is taken wherever it is set.
//   Any other flag of the script that npm kept is refused, with the command that passes it: taken
//   from npm_config_* a --yes would grant consent and a --context pick a target the user may never
//   have typed (npm_config_yes also comes from an .npmrc line or `npx --yes`); ignored, it would
//   leave the script doing what the user asked it not to. Refused only in the script npm ran (its
//   npm_lifecycle_script names it), and only for the script's own flags: a script without --yes
//   never looks at npm_config_yes, and a script another one starts (demo's watch) inherits the env
//   of a command that was not its own.
import { parseArgs } from 'node:util';

/** npm's false: its environment carries false and null as "". @param {string | undefined} value */
export function npmTrue(value) {
  return value !== undefined && value !== '' && value !== 'false' && value !== '0' && value !== 'null';
}

/** @param {string} flag */
const envName = (flag) => `npm_config_${flag.replaceAll('-', '_')}`;

/**
 * npm 11 completes a flag that starts one of its own configs: `--engine` becomes engine-strict
 * (measured). Only trusted when arguments came with it: engine-strict=true is a common .npmrc line.
 * @type {Record<string, string>}
 */
const NPM_COMPLETES = { engine: 'engine-strict' };

/**
 * @typedef {{ dryRun: string | null, refusal: string | null, argumentsHint: string | null }} NpmKept
 *   dryRun: the note to show when npm kept --dry-run (the run is then a dry run), else null;
 *   refusal: the one line to fail with when npm kept any other flag of the script;
 *   argumentsHint: what to add to "Unexpected argument" when npm ran the script (no flag known kept).
 */

/**
 * @param {object} o
 * @param {string} o.script the script's name (scripts/<script>.mjs)
 * @param {Record<string, { type: 'string' | 'boolean', placeholder?: string }>} o.table its flags, --dry-run and --help included
 * @param {string[]} o.argv what the script was given
 * @param {Record<string, string | undefined>} o.env
 * @returns {NpmKept}
 */
export function npmKept({ script, table, argv, env }) {
  /** @type {Record<string, { type: 'string' | 'boolean' }>} */
  const options = {};
  for (const [name, flag] of Object.entries(table)) options[name] = { type: flag.type };
  const given = parseArgs({ args: argv, options, strict: false, allowPositionals: true });
  const run = `npm run ${env['npm_lifecycle_event'] || script}`;

  const dryRun =
    given.values['dry-run'] === undefined && npmTrue(env['npm_config_dry_run'])
      ? `a dry run: npm took --dry-run as its own flag (npm_config_dry_run=${env['npm_config_dry_run']}) and passed nothing; ${run} -- --dry-run passes it to the script`
      : null;
  const ranByNpm = new RegExp(`(^|[\\s/])scripts/${script}\\.mjs(\\s|$)`).test(env['npm_lifecycle_script'] ?? '');
  if (!ranByNpm) return { dryRun, refusal: null, argumentsHint: null };

  const positionals = given.positionals;
  /** @type {Array<{ flag: string, env: string, value: string, takesValue: boolean }>} */
  const kept = [];
  for (const [name, flag] of Object.entries(table)) {
    if (name === 'dry-run' || name === 'help' || given.values[name] !== undefined) continue;
    const negated = name.startsWith('no-') && flag.type === 'boolean' ? name.slice(3) : null;
    const completed = NPM_COMPLETES[name];
    // --no-svg: npm keeps svg=false, "" in the environment (a name npm does not set by itself)
    if (negated !== null && env[envName(negated)] === '') kept.push({ flag: name, env: envName(negated), value: '', takesValue: false });
    else if (npmTrue(env[envName(name)])) kept.push({ flag: name, env: envName(name), value: env[envName(name)] ?? '', takesValue: flag.type === 'string' });
    else if (completed && positionals.length > 0 && npmTrue(env[envName(completed)])) {
      kept.push({ flag: name, env: envName(completed), value: 'true', takesValue: flag.type === 'string' });
    }
  }
  if (kept.length === 0) {
    return { dryRun, refusal: null, argumentsHint: `npm passes flags to a script only after --: ${run} -- --FLAG VALUE` };
  }

  // The command with --: a kept `--flag=value` has its value; one kept `--flag` whose value came as
  // an argument is followed by the arguments, as typed; with several, their order is lost: placeholders.
  const waiting = kept.filter((k) => k.takesValue && k.value === 'true');
  const words = kept.map((k) => {
    if (!k.takesValue) return `--${k.flag}`;
    if (k.value !== 'true') return `--${k.flag} ${k.value}`;
    return waiting.length === 1 ? `--${k.flag}` : `--${k.flag} ${table[k.flag]?.placeholder ?? 'VALUE'}`;
  });
  if (waiting.length <= 1) words.push(...positionals);
  const names = kept.map((k) => `--${k.flag}`).join(', ');
  const envs = kept.map((k) => `${k.env}=${JSON.stringify(k.value)}`).join(', ');
  const passed = positionals.length ? `passed only ${JSON.stringify(positionals.join(' '))} to ${script}` : `${script} never saw ${kept.length > 1 ? 'them' : 'it'}`;
  const yes = kept.some((k) => k.flag === 'yes')
    ? ` (if npm_config_yes comes from .npmrc or the environment, e.g. npx --yes, ${run} --no-yes runs without it)`
    : '';
  return {
    dryRun,
    refusal: `npm took ${names} as its own flag${kept.length > 1 ? 's' : ''} (${envs}) and ${passed}: npm needs -- before the script's flags: ${run} -- ${words.join(' ')}${yes}`,
    argumentsHint: null,
  };
}

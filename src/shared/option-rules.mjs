// @ts-check
// The rules every option value obeys, in one module that both faces use: the create-crash-demo bin
// (src/generator/validate.ts bundles this file) checks flags, prompt answers and saved answers with it, and
// the scripts check this demo's crash-demo.json with it (readDemo in runtime/plumbing/cli.mjs) before they run
// anything. The table of options itself lives in src/shared/options.ts; a demo's package.json pins the
// create-crash-demo version that made it, so its scripts check with the same table.
//
// Why the scripts check: crash-demo.json is a file anyone can edit, and its values reach kubectl's
// argv (a namespace "--context=prod" would be read as a flag) and code run inside the pod (a port).

/**
 * @typedef {{ kind: 'choice', choices: readonly string[] | Readonly<Record<string, string>>, default: string }
 *   | { kind: 'number' | 'integer', min: number, max: number, minExclusive?: boolean, default: number, unit?: string }
 *   | { kind: 'boolean', default: boolean }
 *   | { kind: 'label', startsWithLetter: boolean, maxLength: number, default: string | null }} Rule
 */

/** A value the user gave (a flag, an answer, a saved value) that breaks a rule. */
export class OptionError extends Error {}

/** Namespaces that belong to the cluster itself: deploy labels its namespace and teardown deletes it. */
export const RESERVED_NAMESPACES = /** @type {const} */ (['default', 'kube-system', 'kube-public', 'kube-node-lease']);

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Plain decimal digits: no sign, no spaces, no 0x/0b/0o, no exponent (Number() accepts all of those). */
const WHOLE = /^\d+$/;
const DECIMAL = /^(\d+(\.\d+)?|\.\d+)$/;

/** A value as an error message quotes it: strings in quotes. @param {unknown} value */
export function showValue(value) {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * The closest valid label to a string, or '' when none is near. Accented letters lose their accents
 * first (NFKD, then the combining marks dropped): "über" -> "uber", "my démo 🚀" -> "my-demo".
 * @param {string} text
 */
export function toLabel(text, startsWithLetter = true, maxLength = 63) {
  // ASCII has no accents to drop: skipping NFKD and the Unicode-aware pattern saves ~0.1 ms a call.
  const plain = /^[\0-\x7f]*$/.test(text) ? text : text.normalize('NFKD').replace(/\p{M}+/gu, '');
  let s = plain
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-');
  if (startsWithLetter) s = s.replace(/^[^a-z]+/, '');
  s = s.slice(0, maxLength).replace(/^-+|-+$/g, '');
  return s;
}

/**
 * Validates one value against its rule; returns the typed value or throws an OptionError that
 * names the flag and the value and says what is valid.
 * @param {Rule} rule
 * @param {string} flag e.g. --port
 * @param {unknown} value
 * @returns {string | number | boolean}
 */
export function parseOptionValue(rule, flag, value) {
  switch (rule.kind) {
    case 'choice': {
      const valid = Array.isArray(rule.choices) ? rule.choices : Object.keys(rule.choices);
      if (typeof value === 'string' && valid.includes(value)) return value;
      throw new OptionError(`${flag} ${showValue(value)} is not a valid choice: use one of ${valid.join(', ')}.`);
    }
    case 'number':
    case 'integer': {
      const digits = rule.kind === 'integer' ? WHOLE : DECIMAL;
      const n = typeof value === 'number' ? value : typeof value === 'string' && digits.test(value) ? Number(value) : NaN;
      const range = `${rule.minExclusive ? 'greater than' : 'from'} ${rule.min}${rule.minExclusive ? ` and at most ${rule.max}` : ` to ${rule.max}`}`;
      const what = rule.kind === 'integer' ? 'a whole number' : 'a number';
      const unit = rule.unit ? ` (${rule.unit})` : '';
      if (!Number.isFinite(n) || (rule.kind === 'integer' && !Number.isInteger(n))) {
        throw new OptionError(`${flag} ${showValue(value)} is not ${what} in decimal digits: give ${what} ${range}${unit}.`);
      }
      // The app reads these back from environment variables as plain decimals: no exponent form.
      if (/e/i.test(String(n))) {
        const zero = rule.min < 0 || (rule.min === 0 && !rule.minExclusive) ? ', or 0' : '';
        throw new OptionError(`${flag} ${showValue(value)} has too many decimal places: use at most 6 (e.g. 0.000001)${zero}.`);
      }
      const low = rule.minExclusive ? n <= rule.min : n < rule.min;
      if (low || n > rule.max) throw new OptionError(`${flag} ${showValue(value)} is out of range: give ${what} ${range}${unit}.`);
      return Object.is(n, -0) ? 0 : n; // a library caller's -0 is 0, as the app reads it back
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'yes') return true;
      if (value === 'false' || value === 'no') return false;
      throw new OptionError(`${flag} ${showValue(value)} is not true or false.`);
    }
    case 'label': {
      const s = typeof value === 'string' ? value : '';
      const first = rule.startsWithLetter ? /^[a-z]/ : /^[a-z0-9]/;
      if (s.length <= rule.maxLength && LABEL.test(s) && first.test(s)) return s;
      const what =
        `lowercase letters, digits and '-', starting with a ${rule.startsWithLetter ? 'letter' : 'letter or digit'}, ` +
        `ending with a letter or digit, at most ${rule.maxLength} characters`;
      const suggestion = toLabel(String(value ?? ''), rule.startsWithLetter, rule.maxLength);
      throw new OptionError(`${flag} ${showValue(value)} is not a valid Kubernetes name (${what})` + (suggestion ? `: try ${flag} ${suggestion}.` : '.'));
    }
  }
}

/**
 * The clusters a --fast-backoff kind config applies to: kind itself, auto (which may be kind), and a
 * node of your own (containerd), whose KubeletConfiguration takes the same settings.
 */
export const FAST_BACKOFF_CLUSTERS = /** @type {const} */ (['auto', 'kind', 'containerd']);

/**
 * The rules between options, for a complete set of valid values; throws an OptionError.
 * @param {{ namespace: string, workload: string, name: string, cluster: string, fastBackoff: boolean }} o
 */
export function checkCombination(o) {
  if (o.fastBackoff && !(/** @type {readonly string[]} */ (FAST_BACKOFF_CLUSTERS)).includes(o.cluster)) {
    throw new OptionError(
      `--fast-backoff writes a kind cluster config (kind-config.yaml), which kind reads (and whose kubelet settings a node ` +
        `of your own takes, --cluster containerd); with --cluster ${o.cluster} it would change nothing: drop --fast-backoff, or use --cluster kind.`,
    );
  }
  if (/** @type {readonly string[]} */ (RESERVED_NAMESPACES).includes(o.namespace)) {
    throw new OptionError(
      `--namespace ${JSON.stringify(o.namespace)} belongs to the cluster itself: the demo labels its namespace for the ` +
        `restricted Pod Security profile and teardown deletes it. Use a namespace of its own, e.g. --namespace crash-demo.`,
    );
  }
  // A StatefulSet's pods carry a controller-revision-hash label `<name>-<10 chars>`: labels stop at 63.
  if (o.workload === 'statefulset' && o.name.length > 52) {
    throw new OptionError(
      `--name ${JSON.stringify(o.name)} is ${o.name.length} characters: a StatefulSet name must be at most 52 ` +
        `(its pods' controller-revision-hash label adds 11): use a shorter --name or --workload deployment.`,
    );
  }
}

/** Levenshtein distance. @param {string} a @param {string} b @returns {number} */
function distance(a, b) {
  /** @type {number[]} */
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    /** @type {number[]} */
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next.push(Math.min(Number(row[j]) + 1, Number(next[j - 1]) + 1, Number(row[j - 1]) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    row = next;
  }
  return Number(row[b.length]);
}

/**
 * " Did you mean --network?" for a mistyped flag, or '' when no flag is near: the bin's flags and
 * the scripts' use it alike. A start of exactly one flag names that flag (--ru: --runtime); else the
 * nearest by edits, if it is nearer than half the typed name (so --ru is not taken for --port, nor
 * a bare -- or --= for --yes).
 * @param {string} flag e.g. --netwrok
 * @param {string[]} flags every valid flag, e.g. ['--network', ...]
 */
export function didYouMean(flag, flags) {
  const name = flag.replace(/^-+/, '');
  if (!/^[a-z0-9]/i.test(name)) return '';
  const starts = flags.filter((f) => f.replace(/^-+/, '').startsWith(name.toLowerCase()));
  if (starts.length === 1) return ` Did you mean ${starts[0]}?`;
  let best = '';
  let bestDistance = Math.min(4, Math.ceil(name.length / 2) + 1); // 3 edits at most, fewer for short names
  for (const f of flags) {
    const d = distance(name, f.replace(/^-+/, ''));
    if (d < bestDistance) [best, bestDistance] = [f, d];
  }
  return best ? ` Did you mean ${best}?` : '';
}

/** `fastBackoff` -> `--fast-backoff` @param {string} key */
export function flagOf(key) {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/**
 * A demo's saved options, checked as the scripts need them: every option of the table present and
 * valid, nothing else, and the rules between them. Throws an OptionError naming crash-demo.json,
 * the option and the value, and how to fix it.
 * @param {Record<string, Rule>} table
 * @param {unknown} saved crash-demo.json's `options`
 * @returns {Record<string, string | number | boolean>}
 */
export function checkSavedOptions(table, saved) {
  const fix = (/** @type {string} */ key) =>
    `fix it in crash-demo.json, or regenerate the demo: npx create-crash-demo . --overwrite ${flagOf(key)} VALUE`;
  if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) {
    throw new OptionError(`crash-demo.json has no "options" object: regenerate the demo: npx create-crash-demo . --overwrite`);
  }
  const given = /** @type {Record<string, unknown>} */ (saved);
  const unknown = Object.keys(given).filter((k) => !(k in table));
  if (unknown.length) {
    throw new OptionError(`crash-demo.json has an unknown option ${JSON.stringify(unknown[0])}: the options are ${Object.keys(table).join(', ')}.`);
  }
  /** @type {Record<string, string | number | boolean>} */
  const out = {};
  for (const [key, rule] of Object.entries(table)) {
    if (!(key in given)) throw new OptionError(`crash-demo.json has no ${key}: ${fix(key)}`);
    try {
      out[key] = parseOptionValue(rule, flagOf(key), given[key]);
    } catch (err) {
      if (!(err instanceof OptionError)) throw err;
      throw new OptionError(`crash-demo.json has ${key} = ${showValue(given[key])}, which is not valid (${err.message}): ${fix(key)}`);
    }
  }
  try {
    checkCombination(/** @type {{ namespace: string, workload: string, name: string, cluster: string, fastBackoff: boolean }} */ (/** @type {unknown} */ (out)));
  } catch (err) {
    if (!(err instanceof OptionError)) throw err;
    throw new OptionError(`crash-demo.json does not hold together: ${err.message}`);
  }
  return out;
}

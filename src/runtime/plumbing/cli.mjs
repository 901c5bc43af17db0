// @ts-check
// Shared plumbing for a demo's scripts/ (create-crash-demo/scripts). Plain Node >= 20 + zx, nothing else.
//
// API (everything a script needs; keep it this small):
//
//   main(import.meta.url, async () => { ... })
//       Runs the body only when this file is the one node was started with (so scripts can import
//       each other's step functions). Any failure: one red line on stderr, exit 1, no stack trace
//       (CRASH_DEMO_DEBUG=1 shows it).
//   parseFlags({ script, summary, flags }, argv?) -> values
//       `flags` is a small table { 'flag-name': { type: 'string'|'boolean', describe, default?,
//       choices?, placeholder? } }. --help and --dry-run are added to every script. --help prints
//       the table and exits 0; an unknown flag or a value outside `choices` is a UsageError. A
//       --dry-run npm kept for itself (npm_config_dry_run) counts; any other flag of the script
//       npm kept is a UsageError naming the command with -- (npm-flags.mjs).
//       Values are keyed by flag name: values['base-image'], values['dry-run'].
//   KUBE_FLAGS             the --context / --yes flag rows, for every script that talks to a cluster
//   kubeContext(values) -> Promise<string>
//       THE guard: the kube context to use. Refuses a context whose API server is not on loopback
//       (judgeContext in context.mjs) unless the user named it with --context NAME --yes, and a
//       context without a cluster or server (kubectl would fall back to localhost:8080) always. Pass the result to every kubectl
//       call as `--context` (see kubeArgs), so a context switch mid-run cannot redirect it.
//   kubeArgs(context) -> ['--context', context]
//   requireOwnership(context, demo, refusals)
//       The ownership guard for deploy and teardown (rules in ownership.mjs): what k8s/ renders
//       (kubectl kustomize k8s) stays inside the demo's namespace, whose Namespace carries this
//       demo's owner label; and the namespace on the cluster is absent or has that label. Fails
//       with one line naming the difference, or refusals.foreign/otherDemo for the cluster's namespace.
//   run`cmd ${arg}`         captured output; returns the ProcessOutput, or null under --dry-run
//   runLive`cmd`           the command's output goes straight to the terminal
//   runBackground`cmd`     started and left running (port-forward); returns the ProcessPromise,
//                          or null under --dry-run; the caller ends it with stopBackground(p)
//       Under --dry-run all three print the exact command (shell-quoted, one line) to stdout and
//       run nothing. Commands run in the project root. A failing command becomes one line:
//       "<cmd> failed (exit N): <last line of its stderr>".
//   exitedLine(what, out)  how a background command ended: "<what> exited (N): <last stderr line>"
//   dryRun() -> boolean    whether --dry-run is on
//   say(text)              a line for the user (stdout, or stderr under --dry-run so that stdout
//                          holds nothing but commands); note(text): a dim line on stderr
//   prettyJson(text)       an app's JSON answer indented for reading; text that is not JSON, trimmed
//   step(title, fn)        a spinner around a long step (plain line when stderr is no terminal)
//   startTicker(text, on) -> { clear, stop }
//       Rewrites one status line on stderr every second with text() (null: nothing to show), only
//       when `on` and stderr is a terminal. clear() wipes the line before other output; stop() ends it.
//   requireTool(name, hint?) -> Promise<void>
//       Fails with one line naming the tool and how to install it (hints known for kubectl, kind,
//       minikube, k3d, docker, podman, nerdctl). Under --dry-run it only warns.
//   hasTool(name) -> Promise<boolean>
//   readDemo() -> Demo     crash-demo.json of this project ({ options, start, outcome, generator }),
//                          its options checked with the bin's rules (option-rules.mjs): a hand-edited
//                          value that the bin would refuse fails here with one line
//   imageRef(demo?) -> '<name>:<version of the project package.json>', never latest
//   projectRoot            absolute path of the generated project
//   UsageError, fail(message)   a user error: fail() throws one, main() prints it
//   onStop(stop) -> { received, dispose() }
//       The one way a long-running script (watch, rehearse, crash, demo) hears it must stop: SIGINT
//       (Ctrl-C), SIGTERM (kill), SIGHUP (the terminal closed), and its parent going away (`npm run`
//       passes npm's SIGTERM to its sh, which dies without passing it on). stop(signal) is called once;
//       `received` is the signal. main() then exits 128 + its number, after the script's summary.
//   interruptible((signal, stops) => ..., also?)
//       onStop as an AbortSignal, for what runs in its own process group (runBackground) and must
//       be told; also(signal) hears the signal too. Disposed when the body ends.
//   outputFile(flag, path) -> path
//       Checks, before anything starts, that an output file (--record, --svg) can be written where
//       asked: one line naming the flag and the reason, instead of a crash after the container started.

import { accessSync, constants as fsConstants, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { $, ProcessOutput, YAML, chalk, spinner, which } from 'zx';
import { createdContext } from '../../shared/clusters.mjs';
import { LOOPBACK_WORDS, judgeContext } from '../guard/context.mjs';
import { npmKept } from './npm-flags.mjs';
import { OptionError, checkSavedOptions, didYouMean } from '../../shared/option-rules.mjs';
import { OWNER_LABEL, namespaceOwner, renderedMismatch } from '../guard/ownership.mjs';
import { optionRules } from '../../shared/options.js';

/**
 * @typedef {{
 *   type: 'string' | 'boolean', describe: string, default?: string | boolean, choices?: readonly string[],
 *   placeholder?: string, format?: 'duration',
 * }} FlagSpec format: 'duration' takes what kubectl's --timeout takes (Go's time.ParseDuration: 90s, 2m, 1m30s)
 */
/** @typedef {Record<string, FlagSpec>} FlagTable */
/** @typedef {Record<string, string | boolean | undefined>} FlagValues */
/**
 * @typedef {{
 *   name: string, namespace: string, port: number, cluster: string, workload: string,
 *   trigger: string, runtime: string, crash: string, pid1: string, liveness: string, fastBackoff: boolean,
 *   probability: number, after: number, workers: number,
 * }} DemoOptions
 */
/** @typedef {{ options: DemoOptions, start: string[], outcome: unknown, generator: { name?: string, version: string } }} Demo */

/**
 * The project root (where crash-demo.json, k8s/ and the Dockerfile live): the nearest folder above
 * the script node was started with (scripts/<name>.mjs) that holds crash-demo.json; else the
 * current directory. This module lives in node_modules/create-crash-demo, not in the project.
 */
export const projectRoot = findProjectRoot();

function findProjectRoot() {
  const entry = process.argv[1];
  if (entry) {
    let dir = dirname(realpathSafe(entry));
    for (;;) {
      if (existsSync(resolve(dir, 'crash-demo.json'))) return dir;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return process.cwd();
}

export class UsageError extends Error {}

/**
 * @param {string} message
 * @returns {never}
 */
export function fail(message) {
  throw new UsageError(message);
}

// ---------------------------------------------------------------------------------------------
// flags and --help

/** @type {FlagTable} */
const COMMON_FLAGS = {
  'dry-run': { type: 'boolean', describe: 'print the commands that would run, one per line, and run nothing' },
  help: { type: 'boolean', describe: 'show this help' },
};

/** @type {FlagTable} */
export const KUBE_FLAGS = {
  context: {
    type: 'string',
    placeholder: 'NAME',
    describe:
      'kube context to use (default: the current one). Only a cluster whose API server is on this ' +
      `machine's loopback (${LOOPBACK_WORDS}) is accepted, whatever the context is called; ` +
      'any other context must be named here and confirmed with --yes',
  },
  yes: { type: 'boolean', describe: 'confirm a --context that is not recognisably local' },
};

/** What Go's time.ParseDuration (kubectl's --timeout) takes: 0, or numbers each with a unit. */
const GO_DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

/**
 * `--timeout needs a value, e.g. --timeout 120s (the next word, "--dry-run", is a flag)`: node's
 * parseArgs calls a value that starts with '-' ambiguous; none of our values does.
 * @param {string} name @param {FlagSpec | undefined} flag @param {string[]} argv
 */
function needsValue(name, flag, argv) {
  const example = flag?.choices ? `: one of ${flag.choices.join(', ')}` : `, e.g. --${name} ${flag?.default ?? flag?.placeholder ?? 'VALUE'}`;
  const after = argv[argv.indexOf(`--${name}`) + 1];
  return `--${name} needs a value${example}${after === undefined ? '' : ` (the next word, ${JSON.stringify(after)}, starts with '-', so it is not one)`}.`;
}

let dryRunOn = false;

export function dryRun() {
  return dryRunOn;
}

/**
 * @param {{ script: string, summary: string, flags: FlagTable }} spec
 * @param {string[]} [argv]
 * @returns {FlagValues}
 */
export function parseFlags(spec, argv = process.argv.slice(2)) {
  const table = { ...spec.flags, ...COMMON_FLAGS };
  /** @type {Record<string, { type: 'string' | 'boolean' }>} */
  const options = {};
  for (const [name, flag] of Object.entries(table)) options[name] = { type: flag.type };
  // Flags npm kept for itself (`npm run build --dry-run`, no --): --dry-run counts, any other is refused.
  const npm = npmKept({ script: spec.script, table, argv, env: process.env });
  if (npm.refusal) fail(npm.refusal);
  /** @type {FlagValues} */
  let values;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    // node's messages already quote the flag; point to --help for the list, and to the nearest flag.
    const message = (err instanceof Error ? err.message.split('\n')[0] : undefined) ?? String(err);
    const code = /** @type {{ code?: string }} */ (err).code;
    const unknown = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(--?[^'=]+)/.exec(message)?.[1] : undefined;
    const hint = unknown === undefined ? '' : didYouMean(unknown, Object.keys(table).map((f) => `--${f}`));
    const npmHint = code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && npm.argumentsHint ? ` ${npm.argumentsHint}.` : '';
    const ambiguous = code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /ambiguous/.test(message) ? /'--([^' ]+)/.exec(message)?.[1] : undefined;
    if (ambiguous !== undefined) return fail(`${needsValue(ambiguous, table[ambiguous], argv)} See: node scripts/${spec.script}.mjs --help`);
    return fail(`${message.replace(/\.$/, '')}.${hint}${npmHint} See: node scripts/${spec.script}.mjs --help`);
  }
  if (values['help']) {
    process.stdout.write(helpText(spec.script, spec.summary, table));
    process.exit(0);
  }
  for (const [name, flag] of Object.entries(table)) {
    const value = values[name];
    if (value === undefined) {
      if (flag.default !== undefined) values[name] = flag.default;
      continue;
    }
    if (flag.choices && !flag.choices.includes(String(value))) {
      fail(`--${name} ${JSON.stringify(value)} is not valid: use one of ${flag.choices.join(', ')}`);
    }
    if (flag.type === 'string' && value === '') fail(`--${name} needs a value`);
    if (flag.format === 'duration' && !GO_DURATION.test(String(value))) {
      fail(`--${name} ${JSON.stringify(value)} is not a duration: give a number with a unit, e.g. --${name} ${flag.default ?? '90s'} (or 2m, 1m30s)`);
    }
  }
  if (npm.dryRun) {
    values['dry-run'] = true;
    note(npm.dryRun);
  }
  dryRunOn = values['dry-run'] === true;
  return values;
}

/**
 * @param {string} script
 * @param {string} summary
 * @param {FlagTable} table
 */
function helpText(script, summary, table) {
  const rows = Object.entries(table).map(([name, flag]) => {
    const left = `--${name}` + (flag.type === 'string' ? ` ${flag.placeholder ?? 'VALUE'}` : '');
    const extra = [
      flag.choices ? `one of: ${flag.choices.join(', ')}` : '',
      flag.default !== undefined && flag.default !== false ? `default: ${flag.default}` : '',
    ].filter(Boolean);
    return [left, flag.describe + (extra.length ? ` (${extra.join('; ')})` : '')];
  });
  const width = Math.max(...rows.map(([left]) => String(left).length));
  return [
    `Usage: npm run ${script} -- [flags]    (or: node scripts/${script}.mjs [flags])`,
    '',
    summary,
    '',
    'Flags:',
    ...rows.map(([left, right]) => `  ${String(left).padEnd(width)}  ${right}`),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// output

/** @param {string} text */
export function say(text) {
  (dryRunOn ? process.stderr : process.stdout).write(text + '\n');
}

/** @param {string} text */
export function note(text) {
  process.stderr.write(chalk.dim(text) + '\n');
}

/**
 * A status line on stderr, rewritten every second (a countdown): watch and rehearse share it.
 * @param {() => string | null} text
 * @param {boolean} on
 * @returns {{ clear: () => void, stop: () => void }}
 */
export function startTicker(text, on) {
  let ticking = false;
  const clear = () => {
    if (ticking) process.stderr.write('\r\x1b[K');
    ticking = false;
  };
  const timer =
    on && process.stderr.isTTY
      ? setInterval(() => {
          const line = text();
          clear();
          if (line) {
            process.stderr.write(line);
            ticking = true;
          }
        }, 1000)
      : null;
  return {
    clear,
    stop: () => {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}

/** One line: JSON re-serialized compactly, anything else with its line breaks folded. @param {string} text */
export function compactJson(text) {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text.trim().replace(/\s*\n\s*/g, ' ');
  }
}

/** @param {string} text */
export function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text.trim();
  }
}

/**
 * A spinner around a long step; a plain line when stderr is not a terminal (CI, pipes, tests).
 * @template T
 * @param {string} title
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function step(title, fn) {
  if (dryRunOn) return fn();
  if (!process.stderr.isTTY || process.env['CI']) {
    process.stderr.write(`→ ${title}\n`);
    return fn();
  }
  const result = await spinner(title, fn);
  process.stderr.write(`${chalk.green('✔')} ${title}\n`);
  return result;
}

// ---------------------------------------------------------------------------------------------
// running commands

/** @typedef {(pieces: TemplateStringsArray, ...args: unknown[]) => Promise<ProcessOutput | null>} RunTag */

/**
 * @param {TemplateStringsArray} pieces
 * @param {unknown[]} args
 * @param {Partial<import('zx').Options>} opts
 */
function halted(pieces, args, opts) {
  return $({ cwd: projectRoot, quiet: true, verbose: false, halt: true, ...opts })(pieces, ...args);
}

/** @param {string} cmd */
function echo(cmd) {
  // Clear a spinner frame first so the command gets a line of its own.
  const clear = process.stderr.isTTY ? '\r\x1b[K' : '';
  process.stderr.write(clear + chalk.dim(`$ ${cmd}`) + '\n');
}

/**
 * @param {import('zx').ProcessPromise} p
 * @returns {Promise<ProcessOutput>}
 */
async function finish(p) {
  const cmd = p.cmd;
  try {
    return await p.run();
  } catch (err) {
    if (err instanceof ProcessOutput) {
      const last = err.stderr.trim().split('\n').filter(Boolean).pop() ?? err.stdout.trim().split('\n').pop() ?? '';
      const how = err.exitCode !== null ? `exit ${err.exitCode}` : `signal ${err.signal}`;
      fail(`${cmd} failed (${how})${last ? `: ${last.trim()}` : ''}`);
    }
    throw err;
  }
}

/** @type {RunTag} */
export async function run(pieces, ...args) {
  // stdin stays the terminal's: a tool that asks something (a kubectl login) must not wait on a pipe.
  const p = halted(pieces, args, { stdio: ['inherit', 'pipe', 'pipe'] });
  if (dryRunOn) return printOnly(p);
  echo(p.cmd);
  return finish(p);
}

/** @type {RunTag} */
export async function runLive(pieces, ...args) {
  const p = halted(pieces, args, { stdio: 'inherit' });
  if (dryRunOn) return printOnly(p);
  echo(p.cmd);
  return finish(p);
}

/**
 * @param {TemplateStringsArray} pieces
 * @param {unknown[]} args
 * @returns {import('zx').ProcessPromise | null}
 */
export function runBackground(pieces, ...args) {
  // Its own process group, so stopBackground() ends the whole tree without needing `ps`.
  const p = halted(pieces, args, { nothrow: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (dryRunOn) {
    printOnly(p);
    return null;
  }
  echo(p.cmd);
  return p.run();
}

/**
 * Ends a runBackground() process and everything it started; resolves once it is gone.
 * @param {import('zx').ProcessPromise} p
 */
export async function stopBackground(p) {
  const pid = p.pid;
  if (pid !== undefined) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      p.child?.kill('SIGTERM');
    }
  }
  await p;
}

/**
 * How a runBackground() command ended, in one line: `<what> exited (1): <its last stderr line>`.
 * @param {string} what e.g. `kubectl port-forward`
 * @param {ProcessOutput} out
 */
export function exitedLine(what, out) {
  const why = out.stderr.trim().split('\n').pop() ?? '';
  return `${what} exited (${out.exitCode ?? out.signal})${why ? `: ${why}` : ''}`;
}

/** @param {import('zx').ProcessPromise} p */
function printOnly(p) {
  process.stdout.write(p.cmd + '\n');
  return null;
}

// ---------------------------------------------------------------------------------------------
// tools

/** @type {Record<string, string>} */
const INSTALL_HINTS = {
  kubectl: 'install kubectl: https://kubernetes.io/docs/tasks/tools/',
  kind: 'install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation',
  minikube: 'install minikube: https://minikube.sigs.k8s.io/docs/start/',
  k3d: 'install k3d: https://k3d.io/#installation',
  docker: 'install Docker: https://docs.docker.com/get-docker/',
  podman: 'install Podman: https://podman.io/docs/installation',
  nerdctl: 'install nerdctl: https://github.com/containerd/nerdctl#install',
  ctr: 'ctr ships with containerd: run load on the node, as a user who can open containerd\'s socket',
};

/** @param {string} name */
export async function hasTool(name) {
  return (await which(name, { nothrow: true })) !== null;
}

/**
 * @param {string} name
 * @param {string} [hint]
 */
export async function requireTool(name, hint = INSTALL_HINTS[name] ?? `install ${name}`) {
  if (await hasTool(name)) return;
  const message = `${name} is not installed (not found on PATH): ${hint}`;
  if (dryRunOn) {
    note(`warning: ${message}`);
    return;
  }
  fail(message);
}

// ---------------------------------------------------------------------------------------------
// the demo's own config

/** @type {Demo | undefined} */
let demoRead;

/**
 * crash-demo.json, its options checked with the bin's own rules (option-rules.mjs against the options
 * table of src/shared/options.ts, both of the version that made this demo) before any script uses one of
 * them. Read once per run.
 * @returns {Demo}
 */
export function readDemo() {
  if (demoRead) return demoRead;
  const demo = /** @type {Demo} */ (readJson(resolve(projectRoot, 'crash-demo.json')));
  try {
    demo.options = /** @type {DemoOptions} */ (/** @type {unknown} */ (checkSavedOptions(optionRules(), demo?.options)));
  } catch (err) {
    if (err instanceof OptionError) fail(err.message);
    throw err;
  }
  return (demoRead = demo);
}

/** @param {string} file */
function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return fail(`cannot read ${file}: ${err instanceof Error ? err.message : err}`);
  }
}

/** @param {Demo} [demo] */
export function imageRef(demo = readDemo()) {
  const file = resolve(projectRoot, 'package.json');
  const pkg = /** @type {{ version?: unknown }} */ (readJson(file));
  if (typeof pkg.version !== 'string' || pkg.version === '' || pkg.version === 'latest') {
    fail(`${file} needs a "version" (the image tag; never "latest")`);
  }
  return `${demo.options.name}:${pkg.version}`;
}

// ---------------------------------------------------------------------------------------------
// the kube context guard

/** Set when a dry run has no cluster: the context its commands show is the one npm run cluster would create. */
let offlineContext = '';

/** @param {string} context */
export function kubeArgs(context) {
  return ['--context', context];
}

/**
 * @param {FlagValues} values must include KUBE_FLAGS
 * @returns {Promise<string>}
 */
export async function kubeContext(values) {
  // The saved demo first: its namespace and name go into kubectl's argv, so not even the kubeconfig
  // is read for a crash-demo.json the bin would refuse.
  const demo = readDemo();
  // Reading the kubeconfig runs nothing against a cluster, so it happens under --dry-run too. A dry
  // run without a cluster still shows every command, with a placeholder context, and says so.
  const named = typeof values['context'] === 'string' ? values['context'] : undefined;
  const offline = (/** @type {string} */ why) => {
    offlineContext = createdContext(demo.options.cluster, demo.options.name);
    note(
      `dry run without a cluster (${why}): the commands below show --context ${offlineContext}, ` +
        'the context `npm run cluster` creates; a real run needs that cluster (or another local one)',
    );
    return offlineContext;
  };
  if (!(await hasTool('kubectl'))) {
    if (dryRunOn && !named) return offline('kubectl is not installed');
    fail(`kubectl is not installed (not found on PATH): ${INSTALL_HINTS['kubectl']}`);
  }
  const kubectl = $({ quiet: true, verbose: false, nothrow: true });
  // A named context is checked against the kubeconfig's contexts by judgeContext, from the one
  // `kubectl config view` below: the list is read once.
  let context = named;
  if (context === undefined) {
    const current = await kubectl`kubectl config current-context`;
    context = current.stdout.trim();
    if (current.exitCode !== 0 || context === '') {
      if (dryRunOn) return offline('no current kube context');
      fail(
        'no current kube context: start a local cluster (`npm run cluster` creates one) ' +
          'or pass --context NAME',
      );
    }
  }
  const view = await kubectl`kubectl config view -o json`;
  /** @type {import('../guard/context.mjs').Kubeconfig} */
  let config;
  try {
    config = JSON.parse(view.stdout);
  } catch {
    return fail(`kubectl config view failed (exit ${view.exitCode}): ${view.stderr.trim().split('\n').pop() ?? ''}`);
  }
  const judged = judgeContext(config, context);
  if ('broken' in judged) fail(judged.broken);
  if (!judged.local && !(named === context && values['yes'] === true)) {
    fail(
      `refusing kube context "${context}": it is not recognisably a local cluster (${judged.why}), and a crash demo ` +
        'must never land on a shared or production cluster by accident. If it really is a throwaway ' +
        `cluster, name it: --context ${context} --yes`,
    );
  }
  return context;
}

// ---------------------------------------------------------------------------------------------
// the ownership guard: the demo touches nothing it did not create (rules in ownership.mjs)

/**
 * The guard for what deploy and teardown do to the namespace (Pod Security labels; delete -k
 * deletes it with everything inside). First what `kubectl kustomize k8s` renders, which is what
 * apply -k / delete -k send: nothing outside the demo's namespace, and the Namespace carries this
 * demo's owner label. That reads only local files, so it runs under --dry-run too. Then the
 * namespace on the cluster: absent, or labelled as this demo's (under --dry-run only printed).
 * @param {string} context the checked kube context
 * @param {{ name: string, namespace: string }} demo crash-demo.json's options
 * @param {import('../guard/ownership.mjs').Refusals} refusals deployRefusals or teardownRefusals
 */
export async function requireOwnership(context, demo, refusals) {
  if (context === offlineContext && !(await hasTool('kubectl'))) {
    note('kubectl is not installed: this dry run does not check what k8s/ renders (a real run does)');
  } else await requireRendered(demo);
  const out = await run`kubectl ${kubeArgs(context)} get namespace ${demo.namespace} --ignore-not-found -o json`;
  if (!out) return; // --dry-run
  let found;
  try {
    found = namespaceOwner(out.stdout);
  } catch (err) {
    return fail(`kubectl get namespace ${demo.namespace} printed something that is not JSON: ${err instanceof Error ? err.message : err}`);
  }
  const label = `${OWNER_LABEL}=${demo.name}`;
  if (!found.exists || found.owner === demo.name) return;
  fail(found.owner === null ? refusals.foreign(label) : refusals.otherDemo(found.owner, label));
}

/**
 * What `kubectl kustomize k8s` renders stays inside the demo's namespace (reads local files only).
 * @param {{ name: string, namespace: string }} demo
 */
async function requireRendered(demo) {
  const rendered = await $({ cwd: projectRoot, quiet: true, verbose: false, nothrow: true })`kubectl kustomize k8s`;
  if (rendered.exitCode !== 0) {
    fail(`kubectl kustomize k8s failed (exit ${rendered.exitCode}): ${rendered.stderr.trim().split('\n').pop() ?? ''}`);
  }
  /** @type {unknown[]} */
  let objects;
  try {
    objects = YAML.parseAllDocuments(rendered.stdout).map((d) => d.toJS());
  } catch (err) {
    return fail(`kubectl kustomize k8s printed something that is not YAML: ${err instanceof Error ? err.message : err}`);
  }
  const mismatch = renderedMismatch(objects, demo);
  if (mismatch) {
    fail(
      `refusing k8s/: kubectl kustomize k8s renders ${mismatch}, and deploy and teardown act only on what this demo ` +
        `owns (crash-demo.json: demo "${demo.name}", namespace "${demo.namespace}"). ` +
        'Undo the change in k8s/, or regenerate the demo: npx create-crash-demo . --overwrite',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// main

/**
 * @param {string} moduleUrl import.meta.url of the script
 * @param {() => Promise<void>} body
 */
export function main(moduleUrl, body) {
  const entry = process.argv[1];
  if (!entry || realpathSafe(entry) !== realpathSafe(fileURLToPath(moduleUrl))) return;
  // A reader that went away (`| head -1`) ends the script quietly, as it ends `cat`, not with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err) => {
      if (/** @type {NodeJS.ErrnoException} */ (err).code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
  body().then(() => {
    // The summary is out, but a signal stopped the job: exit as the signal would, not 0.
    if (stoppedBy) process.exitCode = signalExitCode(stoppedBy);
  }, (err) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(chalk.red(`✖ ${message.split('\n')[0]}`) + '\n');
    if (process.env['CRASH_DEMO_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    // Stopped by a signal (the failure is the interruption): exit as the signal would, 128 + its number.
    process.exit(stoppedBy ? signalExitCode(stoppedBy) : 1);
  });
}

// ---------------------------------------------------------------------------------------------
// stopping

/** Ctrl-C, kill, a closed terminal: every long-running script stops the same way on each. */
export const STOP_SIGNALS = /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP']);
const PARENT_POLL_MS = 500;
/** @type {NodeJS.Signals | null} the signal that stopped this script, if one did: main() exits 128 + it */
let stoppedBy = null;

/**
 * @param {(signal: NodeJS.Signals) => void} stop called once, with the first signal
 * @returns {{ readonly received: NodeJS.Signals | null, dispose: () => void }}
 */
export function onStop(stop) {
  /** @type {NodeJS.Signals | null} */
  let received = null;
  const handler = (/** @type {NodeJS.Signals} */ signal) => {
    if (received) return;
    received = signal;
    stoppedBy ??= signal;
    stop(signal);
  };
  for (const s of STOP_SIGNALS) process.on(s, handler);
  // `npm run` starts `sh -c "node scripts/..."`; npm passes its SIGTERM to the sh, which dies and does
  // not pass it on: this process then has a new parent. Stop as if the SIGTERM had arrived.
  const parent = process.ppid;
  const poll = setInterval(() => {
    if (process.ppid !== parent) handler('SIGTERM');
  }, PARENT_POLL_MS);
  poll.unref();
  return {
    get received() {
      return received;
    },
    dispose() {
      for (const s of STOP_SIGNALS) process.removeListener(s, handler);
      clearInterval(poll);
    },
  };
}

/**
 * Runs body with a signal that Ctrl-C, kill or a closed terminal aborts (onStop): what it runs in
 * its own process group (runBackground) does not get the terminal's signal and must be told.
 * @template T
 * @param {(signal: AbortSignal, stops: { readonly received: NodeJS.Signals | null }) => Promise<T>} body
 * @param {(signal: NodeJS.Signals) => void} [also] told the signal too
 * @returns {Promise<T>}
 */
export async function interruptible(body, also) {
  const interrupt = new AbortController();
  const signals = onStop((signal) => {
    interrupt.abort();
    also?.(signal);
  });
  try {
    return await body(interrupt.signal, signals);
  } finally {
    signals.dispose();
  }
}

/**
 * Single key presses at a terminal (raw mode) until dispose. In raw mode Ctrl-C is a key, not a
 * signal: it is turned back into SIGINT, so onStop handles it as it would without keys. Without a
 * terminal on stdin nothing is read and active is false.
 * @param {Record<string, () => void>} keys handlers by lower-case key
 * @returns {{ active: boolean, dispose: () => void }}
 */
export function onKeys(keys) {
  const input = process.stdin;
  if (!input.isTTY) return { active: false, dispose: () => {} };
  /** @param {string} text */
  const onData = (text) => {
    for (const key of text) {
      if (key === '\x03') process.kill(process.pid, 'SIGINT');
      else keys[key.toLowerCase()]?.();
    }
  };
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.on('data', onData);
  input.resume();
  return {
    active: true,
    dispose() {
      input.removeListener('data', onData);
      input.setRawMode(false);
      input.pause();
    },
  };
}

/**
 * The exit code of a script stopped by a signal, as a shell reports it: 128 + the signal's number.
 * @param {NodeJS.Signals} signal
 */
export function signalExitCode(signal) {
  return 128 + (osConstants.signals[signal] ?? 0);
}

/**
 * An output file's flag and path, checked before anything starts: the directory exists and is
 * writable, and the path is no directory and, if it exists, writable.
 * @param {string} flag e.g. --record
 * @param {string} path
 * @returns {string} path
 */
export function outputFile(flag, path) {
  const target = resolve(path);
  const dir = dirname(target);
  /** @param {string} why */
  const refuse = (why) => fail(`${flag} ${path}: ${why}`);
  if (!existsSync(dir)) return refuse(`directory ${dir} does not exist (create it, or name a file in an existing directory)`);
  if (!statSync(dir).isDirectory()) return refuse(`${dir} is not a directory`);
  const exists = existsSync(target);
  if (exists && statSync(target).isDirectory()) return refuse('is a directory: name a file');
  try {
    accessSync(exists ? target : dir, fsConstants.W_OK);
  } catch {
    return refuse(`${exists ? 'the file' : `directory ${dir}`} is not writable`);
  }
  return path;
}

/** @param {string} path */
function realpathSafe(path) {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

// @ts-check
// rehearse's flags, and what they and crash-demo.json make of a rehearsal before anything runs: the
// engine, the container's name and `run` command, the schedule, where the app is published and so
// whether the crash can be fired from here. Every refusal comes before a container exists.
import { fail, imageRef, projectRoot, readDemo, requireTool } from '../plumbing/cli.mjs';
import { containerExists, imageExists, manifestMemoryLimit, pickEngine, quantityBytes, REHEARSE_ENGINES, runFlags } from '../plumbing/engine.mjs';
import { MAX_TIMES, parseTimes, selfFiring } from '../crash/firing.mjs';
import { parseUntil, projectSchedule } from '../watch/viewer.mjs';

/** @type {import('../plumbing/cli.mjs').FlagTable} */
export const REHEARSE_FLAGS = {
  image: { type: 'string', placeholder: 'IMAGE', describe: 'the image to run (default: the one npm run build tags, <name>:<version>)' },
  engine: { type: 'string', placeholder: 'NAME', choices: REHEARSE_ENGINES, describe: 'container engine (default: the first installed of docker, podman)' },
  network: { type: 'string', placeholder: 'MODE', describe: "network of the container, passed to the engine (host: for machines without a bridge network; the app then listens on the host's 127.0.0.1 directly)" },
  publish: { type: 'string', placeholder: '[ADDR:]PORT', describe: "where the app's port is published (default: 127.0.0.1:<the demo port>; not with --network host)" },
  'no-publish': { type: 'boolean', describe: "do not publish the app's port" },
  times: {
    type: 'string',
    placeholder: 'N',
    describe: `fire the crash by itself, N times (1 to ${MAX_TIMES}): POST /crash each time the app is ready again (an app that refuses to crash: 5s later); with --trigger http. At a terminal, c fires it once and q quits`,
  },
  until: { type: 'string', placeholder: 'WHEN', describe: 'stop by itself: crashloop (the first CrashLoopBackOff) or N-restarts (RESTARTS reaches N, e.g. 3-restarts); default: run until Ctrl-C' },
  backoff: { type: 'string', placeholder: 'WHICH', choices: ['kubelet', 'fast'], describe: "the restart schedule: kubelet (10s doubling, 5m0s cap) or fast (the --fast-backoff kind cluster's); default: from crash-demo.json's fastBackoff" },
  json: { type: 'boolean', describe: 'one JSON object per container state (pod, container, status, restarts, lastExitCode, lastReason, backoffSeconds); everything else goes to stderr' },
  record: { type: 'string', placeholder: 'FILE', describe: 'also save every state as a watch recording (JSON lines; replay it with npm run watch -- --replay FILE)' },
  svg: { type: 'string', placeholder: 'FILE', default: 'crash-timeline.svg', describe: 'where the restart timeline SVG is written at the end' },
  'no-svg': { type: 'boolean', describe: 'do not write the timeline SVG' },
};

/** @import { Outcome } from './rehearsal-text.mjs' */

/**
 * @typedef {object} RehearsalPlan
 * @property {string} engine docker or podman
 * @property {string} image
 * @property {string} name the container's
 * @property {string[]} runFlags `<engine> run`'s flags, before the image
 * @property {string[]} argv the whole run command's arguments (run, the flags, the image)
 * @property {import('../kube/backoff.mjs').Schedule} schedule
 * @property {import('../plumbing/cli.mjs').DemoOptions} options
 * @property {Outcome} outcome
 * @property {{ quantity: string, source: string }} memory the manifest's limit, and where it was read
 * @property {number | null} probePort where the app answers on this machine's loopback, or null
 * @property {number | null} times fire the crash this many times (POST /crash), or null
 * @property {string | null} cannotFire why c cannot fire the crash here, or null when it can
 * @property {import('../watch/viewer.mjs').Until | null} until
 * @property {boolean} json
 */

/**
 * @param {import('../plumbing/cli.mjs').FlagValues} flags
 * @param {number} port the app's port in the container
 * @returns {{ publish: string | null, probePort: number | null }}
 */
function publishing(flags, port) {
  const given = typeof flags['publish'] === 'string' ? flags['publish'] : undefined;
  if (flags['network'] === 'host') {
    if (given) fail(`--publish ${given} does not apply with --network host: the app listens on the host's port ${port} itself`);
    return { publish: null, probePort: port };
  }
  if (flags['no-publish'] === true) {
    if (given) fail('--publish and --no-publish contradict each other: give one');
    return { publish: null, probePort: null };
  }
  const m = /^(?:(.+):)?(\d{1,5})$/.exec(given ?? `127.0.0.1:${port}`);
  const hostPort = Number(m?.[2]);
  if (!m || hostPort < 1 || hostPort > 65535) return fail(`--publish ${JSON.stringify(given)} is not valid: use PORT or ADDR:PORT, e.g. 127.0.0.1:${port}`);
  const addr = m[1] ?? '127.0.0.1';
  const local = ['127.0.0.1', '0.0.0.0', 'localhost', ''].includes(addr);
  return { publish: `${addr}:${hostPort}:${port}`, probePort: local ? hostPort : null };
}

/**
 * @param {import('../plumbing/cli.mjs').DemoOptions} options
 * @param {number | null} probePort
 */
function whyCannotFire(options, probePort) {
  const self = selfFiring(options);
  if (self) return `this demo's crash is not fired by hand: ${self}`;
  if (probePort === null) return "POST /crash is not reachable from here: the app's port is not published on this machine (--no-publish, or another address)";
  return null;
}

/**
 * @param {import('../plumbing/cli.mjs').FlagValues} flags
 * @returns {Promise<RehearsalPlan>}
 */
export async function planRehearsal(flags) {
  const demo = readDemo();
  const options = demo.options;
  /** @type {ReturnType<typeof parseUntil>} */
  let until;
  try {
    until = parseUntil(typeof flags['until'] === 'string' ? flags['until'] : undefined);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  const fast = typeof flags['backoff'] === 'string' ? flags['backoff'] === 'fast' : options.fastBackoff === true;
  const schedule = projectSchedule(fast);
  const { publish, probePort } = publishing(flags, options.port);
  const cannotFire = whyCannotFire(options, probePort);
  const times = flags['times'] === undefined ? null : parseTimes(flags['times']);
  if (times !== null && cannotFire) fail(`--times ${times}: ${cannotFire}`);
  const memory = manifestMemoryLimit(projectRoot, options);
  const image = typeof flags['image'] === 'string' ? flags['image'] : imageRef(demo);
  const name = `${options.name}-rehearse`;
  const network = typeof flags['network'] === 'string' ? flags['network'] : null;
  const engine = await pickEngine(flags['engine'], REHEARSE_ENGINES);
  // On the host's network the image's HOST=0.0.0.0 would put /crash, an unauthenticated crash
  // button, on every interface of this machine: loopback only.
  /** @type {Record<string, string>} */
  const env = network === 'host' ? { HOST: '127.0.0.1' } : {};
  const flagsOfRun = runFlags({ name, label: options.name, network, publish, env, memoryBytes: quantityBytes(memory.quantity) });
  const argv = ['run', ...flagsOfRun, image];
  const outcome = /** @type {Outcome} */ (demo.outcome);
  return { engine, image, name, runFlags: flagsOfRun, argv, schedule, options, outcome, memory, probePort, times, cannotFire, until, json: flags['json'] === true };
}

/**
 * The engine is there, has the image, and no container of that name is in the way.
 * @param {RehearsalPlan} plan
 */
export async function requireRehearsable(plan) {
  const { engine, image, name } = plan;
  await requireTool(engine);
  if (!(await imageExists(engine, image))) {
    fail(`image ${image} not found in ${engine}: build it first (npm run build), or name another with --image`);
  }
  if (await containerExists(engine, name)) {
    fail(`a container named ${name} already exists (a rehearsal still running, or left over): remove it with \`${engine} rm --force ${name}\``);
  }
}

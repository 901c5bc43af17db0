// @ts-check
// No cluster? Rehearse the crash loop on Docker (or Podman): run the real image and, each time the
// container exits, restart it exactly when the kubelet's restart policy would (at once, then 10s,
// 20s, 40s ... 5m0s, or the --fast-backoff schedule), shown through the same view as watch: STATUS
// as kubectl prints it, RESTARTS, the last exit, the kubelet's back-off message and a countdown.
// It is a rehearsal of the kubelet's restart policy, not Kubernetes: no kubelet, no pod, no probes
// other than a readiness check on loopback.
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { YAML } from 'zx';
import {
  cliEngine,
  compactJson,
  containerExists,
  ContainerGone,
  CRASH_MARK,
  crashLogged,
  createNormalizer,
  createPodState,
  createView,
  demoSchedule,
  dryRun,
  fail,
  followLogs,
  goDuration,
  imageExists,
  imageRef,
  main,
  manifestMemoryLimit,
  MAX_TIMES,
  note,
  onKeys,
  onStop,
  outputFile,
  parseFlags,
  parseTimes,
  parseUntil,
  pickEngine,
  projectRoot,
  quantityBytes,
  readDemo,
  realClock,
  recordingHeader,
  recordingLine,
  REHEARSE_ENGINES,
  renderTimelineSvg,
  requireTool,
  run,
  runArgs,
  runRehearsal,
  scheduleDelays,
  selfFiring,
  startTicker,
  watchContainer,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('create-crash-demo/scripts').FlagTable} */
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

const CONTAINER = 'app'; // the container's name in k8s/, so the kubelet's messages read the same
const READINESS = { periodMs: 2000, timeoutMs: 1500, failureThreshold: 2 };
/** Unanswered readiness checks after a start before the rehearsal says what may be wrong (10 s). */
const UNREACHABLE_HINT_AFTER = 5;
/** --times: the least time between two POSTs, so one crash is not fired twice while it happens. */
const REFIRE_MS = 5000;
/** The app's own lines worth showing as they happen: the crash, and what became of the parent. */
const KEY_LOG_LINE = /<<<< crashing:|crash-demo: my parent pid=/;

/** @typedef {{ exitCode: number | null, reason: string | null, containerExits: boolean, podStatus: string, headline: string, where: string, why: string, elsewhere?: Array<{ where: string, why: string, containerExits: boolean, exitCode: number | null, reason: string | null, podStatus: string }> }} Outcome */

// ---- steps --------------------------------------------------------------------------------------

/** @param {boolean} fast */
function chooseSchedule(fast) {
  const file = resolve(projectRoot, 'kind-config.yaml');
  const text = fast && existsSync(file) ? readFileSync(file, 'utf8') : null;
  return demoSchedule(fast, text, (t) => YAML.parse(t));
}

/**
 * @param {import('create-crash-demo/scripts').FlagValues} flags
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
 * What crash-demo.json predicts where this runs (a container engine, not Kubernetes).
 * @param {Outcome} outcome
 */
function engineOutcome(outcome) {
  const here = (outcome.elsewhere ?? []).find((e) => /docker|podman/i.test(e.where));
  return here ?? outcome;
}

/** @param {{ containerExits: boolean, exitCode: number | null, reason: string | null }} b */
function describeBehaviour(b) {
  return b.containerExits ? `the container exits ${b.exitCode} (${b.reason}), so it crash-loops` : 'the container keeps running, RESTARTS stays 0';
}

/**
 * POST /crash on loopback, as npm run crash does through a port-forward.
 * @param {number} port
 * @returns {Promise<string>} one line: the app's answer, or why there was none
 */
async function postCrash(port) {
  const url = `http://127.0.0.1:${port}/crash`;
  try {
    const r = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(5000) });
    return `POST /crash: ${r.status} ${compactJson(await r.text())}`;
  } catch (err) {
    return `POST ${url} failed: ${err instanceof Error ? err.message : err}`;
  }
}

/**
 * How the crash gets fired here, in one line.
 * @param {import('create-crash-demo/scripts').DemoOptions} options
 * @param {number | null} probePort
 * @param {boolean} keys
 */
function howToFire(options, probePort, keys) {
  const self = selfFiring(options);
  if (self) return `The crash: ${self}.`;
  if (probePort === null) return 'The crash fires on POST /crash, which is not reachable from here (--no-publish or another address).';
  return `Fire the crash: ${keys ? 'press c (q quits), or ' : ''}from another terminal: curl -X POST http://127.0.0.1:${probePort}/crash`;
}

/**
 * The lines that say what this is, before anything runs.
 * @param {{ engine: string, image: string, name: string, schedule: import('create-crash-demo/scripts').Schedule, memory: { quantity: string, source: string }, outcome: Outcome, probePort: number | null, fire: string }} o
 */
function banner(o) {
  const waits = scheduleDelays(7, o.schedule).slice(1).map(goDuration).join(' ');
  const lines = [
    `REHEARSAL on ${o.engine}, not Kubernetes: the real image ${o.image} runs as container ${o.name}, and each time it exits`,
    `this script restarts it as the kubelet's restartPolicy: Always would: at once, then after ${waits} ...`,
    `(${o.schedule.name}; forgiven after ${goDuration(o.schedule.resetAfterSeconds)} of running).`,
    'STATUS, RESTARTS and the back-off messages are what kubectl would print for such a pod; there is no kubelet and no pod.',
    `Memory limit ${o.memory.quantity} (from ${o.memory.source}), as in the pod spec. ` +
      (o.probePort !== null ? `Readiness: GET 127.0.0.1:${o.probePort}/readyz.` : 'No readiness check (the app is not reachable from here): READY shows 1/1 while running.'),
    o.fire,
  ];
  const here = engineOutcome(o.outcome);
  if (here !== o.outcome) {
    lines.push(
      `crash-demo.json predicts on ${o.outcome.where}: ${describeBehaviour(o.outcome)}.`,
      `Here (${here.where}) it predicts something else: ${describeBehaviour(here)}. ${here.why}`,
    );
  } else {
    lines.push(`crash-demo.json predicts: ${o.outcome.headline}`);
  }
  return lines.join('\n');
}

/**
 * @param {object} o
 * @param {string} o.engine
 * @param {string} o.image
 * @param {string} o.name
 * @param {string[]} o.argv the run command's arguments
 * @param {import('create-crash-demo/scripts').Schedule} o.schedule
 * @param {import('create-crash-demo/scripts').DemoOptions} o.options
 * @param {Outcome} o.outcome
 * @param {{ quantity: string, source: string }} o.memory
 * @param {number | null} o.probePort
 * @param {number | null} o.times fire the crash this many times (POST /crash), or null
 * @param {string | null} o.cannotFire why c cannot fire the crash here, or null when it can
 * @param {{ crashloop: boolean, restarts: number | null } | null} o.until
 * @param {boolean} o.json
 * @param {string | null} o.record
 * @param {string | null} o.svg
 */
export async function rehearse(o) {
  const out = (/** @type {string} */ text) => (o.json ? process.stderr : process.stdout).write(text + '\n');
  const view = createView({ schedule: o.schedule });
  const normalizer = createNormalizer();
  const id = { pod: o.name, namespace: o.options.namespace, uid: randomUUID(), container: CONTAINER };
  const podState = createPodState({ ...id, creationTimestamp: new Date().toISOString() });
  const recording = o.record ? createWriteStream(o.record) : null;
  recording?.write(recordingHeader({ command: [o.engine, ...o.argv], startedAt: new Date().toISOString(), schedule: o.schedule }) + '\n');

  const ac = new AbortController();
  // Ctrl-C, kill, a closed terminal: stop, remove the container, the summary and the SVG, exit 128 + signal.
  const signals = onStop(() => ac.abort());
  let gone = false; // the container was removed from outside: there is nothing left to restart
  let removing = false; // our own rm at the end destroys it too
  /** @type {string[]} exits that were not the demo's crash: no crash line in that run's log */
  const outsideKills = [];
  let crashLines = 0; // the app's "<<<< crashing:" lines: how often the crash really fired
  let quit = false; // q pressed

  let fired = 0; // POSTs to /crash: c pressed, or --times
  let lastFire = 0;
  const fire = async (/** @type {string} */ why) => {
    if (o.probePort === null) return;
    fired++;
    lastFire = Date.now();
    const answer = await postCrash(o.probePort);
    clearTicker();
    note(`${why}: ${answer}`);
  };
  const keys = onKeys({
    c: () => (o.cannotFire ? note(`c: ${o.cannotFire}`) : void fire('c pressed')),
    q: () => {
      quit = true;
      ac.abort();
    },
  });

  // While the container backs off, a ticking countdown on stderr (terminals only).
  const ticker = startTicker(() => view.countdown(Date.now()), !o.json);
  const clearTicker = ticker.clear;

  let generation = 0; // one per container start, so a late probe answer is not taken for the next run
  let everReady = false; // the app answered a readiness check at least once
  let running = false;
  /**
   * @param {string} time
   * @param {import('create-crash-demo/scripts').Pod} pod
   */
  const emit = (time, pod) => {
    running = Boolean(pod.status?.containerStatuses?.[0]?.state?.running);
    recording?.write(recordingLine(time, pod) + '\n');
    let done = false;
    for (const e of normalizer.push({ time, pod })) {
      const { line, json } = view.update(e);
      clearTicker();
      process.stdout.write((o.json ? JSON.stringify(json) : line) + '\n');
      if (o.until?.crashloop && e.status === 'CrashLoopBackOff') done = true;
      if (o.until?.restarts != null && (e.restarts ?? 0) >= o.until.restarts) done = true;
    }
    return done;
  };

  // Readiness on loopback, like the pod's readinessProbe (failureThreshold 2); a start is not ready yet.
  let failures = 0;
  let hinted = false; // the app was never reached: said once
  const probe =
    o.probePort === null
      ? null
      : setInterval(async () => {
          if (!running || ac.signal.aborted) return;
          const gen = generation;
          let ok = false;
          try {
            const r = await fetch(`http://127.0.0.1:${o.probePort}/readyz`, { signal: AbortSignal.timeout(READINESS.timeoutMs) });
            ok = r.status >= 200 && r.status < 400;
            await r.arrayBuffer();
          } catch {
            ok = false;
          }
          if (gen !== generation || ac.signal.aborted) return;
          failures = ok ? 0 : failures + 1;
          if (ok && o.times !== null && fired < o.times && Date.now() - lastFire >= REFIRE_MS) void fire(`crash ${fired + 1}/${o.times}`);
          if (!ok && !hinted && !everReady && failures === UNREACHABLE_HINT_AFTER) {
            hinted = true;
            clearTicker();
            note(
              `no answer on 127.0.0.1:${o.probePort}/readyz for ${(UNREACHABLE_HINT_AFTER * READINESS.periodMs) / 1000}s after the start, so READY stays 0/1. ` +
                `If ${o.engine} has no bridge network here (dockerd --bridge=none, rootless podman), try --network host; or --no-publish to rehearse without the check`,
            );
          }
          if (ok) everReady = true;
          if (!ok && failures < READINESS.failureThreshold) return;
          const pod = podState.setReady(ok);
          if (pod && emit(new Date().toISOString(), pod)) ac.abort();
        }, READINESS.periodMs);

  /** @type {() => void} */
  let stopLogs = () => {};
  /** @type {() => void} */
  let stopEvents = () => {};
  const engine = cliEngine({
    engine: o.engine,
    name: o.name,
    create: async () => {
      await run`${o.engine} ${o.argv}`;
      stopEvents = watchContainer(o.engine, o.name, {
        onOom: () => {
          clearTicker();
          note(`${o.engine}: the kernel's OOM killer killed a process in ${o.name} (memory limit ${o.memory.quantity})`);
        },
        onGone: () => {
          if (removing) return;
          gone = true;
          ac.abort(); // at once, also in the middle of a back-off
        },
      });
    },
  });

  if (!o.json) process.stdout.write(view.header() + '\n');
  /** @type {unknown} */
  let error = null;
  let reached = false; // --until ended it
  try {
    const result = await runRehearsal({
      engine,
      clock: realClock,
      schedule: o.schedule,
      pod: podState,
      id,
      signal: ac.signal,
      emit,
      onStart: (r) => {
        generation++;
        failures = 0;
        stopLogs();
        // The app's own words when the crash fires: it did fire, whatever RESTARTS says.
        stopLogs = followLogs(o.engine, o.name, r.startedAt, (line) => {
          if (!KEY_LOG_LINE.test(line)) return;
          if (line.includes(CRASH_MARK)) crashLines++;
          clearTicker();
          note(`app log: ${line.trim()}`);
        });
      },
      // An exit the app did not announce was not the demo's crash: docker kill, or the OOM killer
      // outside the crash. The kubelet restarts it all the same; the view says it was not the demo.
      onExit: async (r) => {
        if (gone || (await crashLogged(o.engine, o.name, r.startedAt))) return;
        const what = `exit ${r.exitCode}${r.oomKilled ? ' (OOMKilled)' : ''} at ${r.finishedAt}`;
        outsideKills.push(what);
        clearTicker();
        note(`${what}: not the demo's crash (no "${CRASH_MARK}" line in the app's log): stopped from outside, e.g. ${o.engine} kill`);
      },
    });
    reached = result.reason === 'until';
  } catch (err) {
    // Removed from outside in the middle of an engine call: said below, in one line.
    if (err instanceof ContainerGone) gone = true;
    else error = err;
  } finally {
    ticker.stop();
    keys.dispose();
    if (probe) clearInterval(probe);
    stopLogs();
    removing = true;
    stopEvents();
    signals.dispose();
    await new Promise((done) => (recording ? recording.end(done) : done(undefined)));
    if (!gone) {
      await run`${o.engine} rm --force ${o.name}`.catch((err) => {
        note(`could not remove container ${o.name}: ${err instanceof Error ? err.message : err} (remove it with: ${o.engine} rm --force ${o.name})`);
      });
    }
  }
  if (error && !gone) throw error;

  const here = engineOutcome(o.outcome);
  const seen = view.summaryData().containers[0];
  out(view.summary());
  if (seen) {
    const last = seen.lastExitCode !== null ? `last exit ${seen.lastExitCode} (${seen.lastReason})` : 'no exit';
    const where = here === o.outcome ? 'crash-demo.json predicts' : `crash-demo.json predicts on ${here.where}`;
    out(`  ${where}: ${describeBehaviour(here)}; seen: RESTARTS ${seen.lastRestarts ?? 0}, ${last}`);
  }
  if (outsideKills.length > 0) {
    out(`  ${outsideKills.length} exit(s) were not the demo's crash (no crash line in the app's log; stopped from outside): ${outsideKills.join(', ')}`);
  }
  out(
    crashLines > 0
      ? `  the crash fired ${crashLines} time(s) (its "${CRASH_MARK}" line in the app's log)`
      : `  the crash never fired (no "${CRASH_MARK}" line in the app's log)${o.cannotFire ? '' : ': press c while it runs, or pass --times N'}`,
  );
  if (o.until && !reached && !quit) out(`  --until ${o.until.crashloop ? 'crashloop' : `${o.until.restarts}-restarts`} was not reached`);
  out(`This was a rehearsal of the kubelet's restart policy on ${o.engine}; on a cluster: npm run demo (it deploys, fires the crash and watches).`);
  if (o.svg) {
    writeFileSync(o.svg, renderTimelineSvg(view.timeline(), { title: `Restart timeline (rehearsal on ${o.engine})` }));
    note(`timeline written to ${o.svg}`);
  }
  if (o.record) note(`recording written to ${o.record} (replay: npm run watch -- --replay ${o.record})`);
  if (gone) fail(`container ${o.name} was removed from outside (${o.engine} rm?) while the rehearsal ran: nothing left to restart`);
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'rehearse',
    summary:
      "Rehearse the crash loop without Kubernetes: run the real image with Docker or Podman (container <name>-rehearse) and, each time it exits, restart it on the kubelet's crash-loop schedule " +
      '(at once, then 10s 20s 40s 1m20s 2m40s 5m0s, or the --fast-backoff one), shown as watch shows a pod. A rehearsal of the restart policy, not Kubernetes. ' +
      'Ctrl-C stops, removes the container and writes the timeline SVG.',
    flags: REHEARSE_FLAGS,
  });
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
  const schedule = chooseSchedule(fast);
  const { publish, probePort } = publishing(flags, options.port);
  const self = selfFiring(options);
  const cannotFire = self
    ? `this demo's crash is not fired by hand: ${self}`
    : probePort === null
      ? "POST /crash is not reachable from here: the app's port is not published on this machine (--no-publish, or another address)"
      : null;
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
  const argv = runArgs({ name, image, label: options.name, network, publish, env, memoryBytes: quantityBytes(memory.quantity) });

  if (dryRun()) {
    await run`${engine} ${argv}`;
    const waits = scheduleDelays(6, schedule).slice(1).map(goDuration).join(' ');
    process.stdout.write(`# on each exit: ${engine} start ${name}, at once, then after ${waits} ... (${schedule.name})\n`);
    await run`${engine} rm --force ${name}`;
    return;
  }
  // Output files are checked before the container starts, not found unwritable once it runs.
  const record = typeof flags['record'] === 'string' ? outputFile('--record', flags['record']) : null;
  const svg = flags['no-svg'] === true ? null : outputFile('--svg', String(flags['svg']));
  await requireTool(engine);
  if (!(await imageExists(engine, image))) {
    fail(`image ${image} not found in ${engine}: build it first (npm run build), or name another with --image`);
  }
  if (await containerExists(engine, name)) {
    fail(`a container named ${name} already exists (a rehearsal still running, or left over): remove it with \`${engine} rm --force ${name}\``);
  }
  const outcome = /** @type {Outcome} */ (demo.outcome);
  const fire = howToFire(options, probePort, Boolean(process.stdin.isTTY));
  process.stderr.write(banner({ engine, image, name, schedule, memory, outcome, probePort, fire }) + '\n');
  await rehearse({
    engine,
    image,
    name,
    argv,
    schedule,
    options,
    outcome,
    memory,
    probePort,
    times,
    cannotFire,
    until,
    json: flags['json'] === true,
    record,
    svg,
  });
});

// @ts-check
// Watch the demo's pods go into CrashLoopBackOff: one line per change (STATUS exactly as kubectl
// prints it, restarts, the last exit, the kubelet's back-off and a countdown to the next restart),
// a summary against the kubelet's schedule, and a restart timeline SVG for slides.
// Live: `kubectl get pods -w -o json` (kubectl from zx, no client library). --replay plays a
// recording (--record) or a `kubectl get pod(s)` / `describe` dump through the same view.
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { YAML } from 'zx';
import {
  asPods,
  createNormalizer,
  createView,
  DEFAULT_SCHEDULE,
  demoSchedule,
  dryRun,
  fail,
  followPods,
  KUBE_FLAGS,
  kubeArgs,
  kubeContext,
  main,
  note,
  onStop,
  outputFile,
  parseFlags,
  parseObservations,
  projectRoot,
  readDemo,
  recordingHeader,
  recordingLine,
  renderTimelineSvg,
  requireTool,
  runBackground,
  say,
  startTicker,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('create-crash-demo/scripts').FlagTable} */
export const WATCH_FLAGS = {
  until: { type: 'string', placeholder: 'WHEN', choices: ['crashloop'], describe: 'stop by itself: at the first CrashLoopBackOff' },
  json: { type: 'boolean', describe: 'one JSON object per observed container state (pod, container, status, restarts, lastExitCode, lastReason, backoffSeconds); the summary goes to stderr' },
  record: { type: 'string', placeholder: 'FILE', describe: 'also save what kubectl sent, with arrival times, as JSON lines (replay it with --replay)' },
  replay: { type: 'string', placeholder: 'FILE', describe: 'play a recording, or `kubectl get pod(s) -o json|yaml` / table / `kubectl describe pod` output, instead of watching a cluster' },
  svg: { type: 'string', placeholder: 'FILE', default: 'crash-timeline.svg', describe: 'where the restart timeline SVG is written at the end' },
  'no-svg': { type: 'boolean', describe: 'do not write the timeline SVG' },
  schedule: {
    type: 'string',
    placeholder: 'WHICH',
    choices: ['auto', 'default', 'fast'],
    default: 'auto',
    describe: "the kubelet schedule to compare with: auto follows crash-demo.json's fastBackoff (fast reads kind-config.yaml)",
  },
  ...KUBE_FLAGS,
};

const SELECTOR_LABEL = 'app.kubernetes.io/name';

// ---- steps --------------------------------------------------------------------------------------

/** @param {'auto' | 'default' | 'fast'} which */
function chooseSchedule(which) {
  let fast = which === 'fast';
  if (which === 'auto') {
    if (!existsSync(resolve(projectRoot, 'crash-demo.json'))) return DEFAULT_SCHEDULE;
    fast = readDemo().options.fastBackoff === true;
  }
  const kindConfig = resolve(projectRoot, 'kind-config.yaml');
  const text = existsSync(kindConfig) ? readFileSync(kindConfig, 'utf8') : null;
  return demoSchedule(fast, text, (t) => YAML.parse(t));
}

/**
 * Prints events through the view; returns true when --until is met.
 * @param {ReturnType<typeof createView>} view
 * @param {import('create-crash-demo/scripts').WatchEvent[]} events
 * @param {{ json: boolean, until: string | undefined, clearTicker: () => void }} out
 */
function show(view, events, out) {
  let done = false;
  for (const e of events) {
    const { line, json } = view.update(e);
    out.clearTicker();
    process.stdout.write((out.json ? JSON.stringify(json) : line) + '\n');
    if (out.until === 'crashloop' && e.status === 'CrashLoopBackOff') done = true;
  }
  return done;
}

/**
 * @param {ReturnType<typeof createView>} view
 * @param {{ json: boolean, svg: string | null, notes: string[] }} out
 */
function finish(view, out) {
  const text = [...out.notes, view.summary()].join('\n');
  (out.json ? process.stderr : process.stdout).write(text + '\n');
  if (out.svg) {
    writeFileSync(out.svg, renderTimelineSvg(view.timeline(), { title: 'Restart timeline' }));
    note(`timeline written to ${out.svg}`);
  }
}

/**
 * Plays a recording or a kubectl dump. A recording is compared with the schedule it was recorded
 * against (its header says which), unless --schedule named one: the demo here may run another.
 * @param {string} file
 * @param {{ schedule: import('create-crash-demo/scripts').Schedule, scheduleNamed: boolean, json: boolean, until: string | undefined, svg: string | null }} o
 */
export function replay(file, o) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return fail(`cannot read --replay ${file}: ${err instanceof Error ? err.message : err}`);
  }
  /** @type {import('create-crash-demo/scripts').Parsed} */
  let parsed;
  try {
    parsed = parseObservations(text);
  } catch (err) {
    return fail(`--replay ${file}: ${err instanceof Error ? err.message : err}`);
  }
  const recorded = o.scheduleNamed ? null : (parsed.schedule ?? null);
  const view = createView({ schedule: recorded ?? o.schedule });
  const notes = recorded && recorded.name !== o.schedule.name ? [`compared with the schedule the recording was made against: ${recorded.name}`] : [];
  const normalizer = createNormalizer();
  if (!o.json) process.stdout.write(view.header() + '\n');
  for (const obs of parsed.observations) {
    if (show(view, normalizer.push(obs), { json: o.json, until: o.until, clearTicker: () => {} })) break;
  }
  finish(view, { json: o.json, svg: o.svg, notes: [...notes, ...parsed.notes] });
}

/**
 * @param {string} context the checked kube context
 * @param {{ schedule: import('create-crash-demo/scripts').Schedule, json: boolean, until: string | undefined, svg: string | null, record: string | null }} o
 */
export async function watchLive(context, o) {
  const { options } = readDemo();
  await requireTool('kubectl');
  const args = [...kubeArgs(context), 'get', 'pods', '-n', options.namespace, '-l', `${SELECTOR_LABEL}=${options.name}`, '-w', '-o', 'json'];
  const p = runBackground`kubectl ${args}`;
  if (!p) return; // --dry-run: the command was printed

  const recording = o.record ? createWriteStream(o.record) : null;
  recording?.write(recordingHeader({ command: ['kubectl', ...args], startedAt: new Date().toISOString(), schedule: o.schedule }) + '\n');

  const view = createView({ schedule: o.schedule });
  const normalizer = createNormalizer();
  const end = () => {
    try {
      p.kill('SIGTERM').catch(() => {});
    } catch {
      // kubectl has already ended: nothing to stop
    }
  };
  // Asked to stop (--until, or a signal): kubectl's exit on our SIGTERM (1, 143 or the signal) is no failure.
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    end();
  };
  // Ctrl-C, kill, a closed terminal: stop watching, then the summary and the SVG, exit 128 + signal.
  const signals = onStop(stop);

  // While a container backs off, a ticking countdown on stderr (terminals only).
  const ticker = startTicker(() => view.countdown(Date.now()), !o.json);
  const clearTicker = ticker.clear;

  if (!o.json) process.stdout.write(view.header() + '\n');
  try {
    for await (const { time, values } of followPods(p)) {
      for (const value of values) {
        recording?.write(recordingLine(time, value) + '\n');
        for (const pod of asPods(value)) {
          if (show(view, normalizer.push({ time, pod }), { json: o.json, until: o.until, clearTicker })) stop();
        }
      }
      if (stopped) break;
    }
  } finally {
    ticker.stop();
    end(); // kubectl runs detached: it must not outlive the watch, whatever ended the loop
    await new Promise((done) => (recording ? recording.end(done) : done(undefined)));
  }
  const result = await p;
  signals.dispose();
  if (!stopped && result.exitCode !== 0) {
    const last = result.stderr.trim().split('\n').pop() ?? '';
    fail(`kubectl get pods -w failed (exit ${result.exitCode})${last ? `: ${last}` : ''}`);
  }
  finish(view, { json: o.json, svg: o.svg, notes: signals.received ? [`stopped by ${signals.received}`] : [] });
  if (o.record) note(`recording written to ${o.record} (replay: npm run watch -- --replay ${o.record})`);
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'watch',
    summary:
      'Follow the demo pods (kubectl get pods -w) and show each change as kubectl would, with the kubelet back-off, ' +
      'a countdown to the next restart, and a summary against the kubelet schedule (10s 20s 40s 1m20s 2m40s 5m0s, ' +
      'or the --fast-backoff one). Ctrl-C stops and writes the timeline SVG.',
    flags: WATCH_FLAGS,
  });
  const schedule = chooseSchedule(/** @type {'auto' | 'default' | 'fast'} */ (flags['schedule']));
  const json = flags['json'] === true;
  const until = typeof flags['until'] === 'string' ? flags['until'] : undefined;
  // Output files are checked before anything starts, not found unwritable at the end.
  const svg = flags['no-svg'] === true || dryRun() ? null : outputFile('--svg', String(flags['svg']));
  const record = typeof flags['record'] === 'string' ? outputFile('--record', flags['record']) : null;

  if (typeof flags['replay'] === 'string') {
    if (record) fail('--record saves a live watch; it cannot be combined with --replay');
    if (dryRun()) {
      say(`--replay ${flags['replay']} runs no command`);
      return;
    }
    replay(flags['replay'], { schedule, scheduleNamed: flags['schedule'] !== 'auto', json, until, svg });
    return;
  }
  await watchLive(await kubeContext(flags), { schedule, json, until, svg, record });
});

// @ts-check
// watch, but for its kubectl follower: its flags, the schedule it compares with, and --replay, which
// plays a recording (--record) or a `kubectl get pod(s)` / `describe` dump through the same printer
// as a live watch.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dryRun, fail, KUBE_FLAGS, outputFile, projectRoot, readDemo } from '../plumbing/cli.mjs';
import { parseObservations } from '../kube/events.mjs';
import { createPrinter, parseUntil, projectSchedule } from './viewer.mjs';

/** @type {import('../plumbing/cli.mjs').FlagTable} */
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

/**
 * @typedef {object} WatchOptions
 * @property {import('../kube/backoff.mjs').Schedule} schedule
 * @property {boolean} scheduleNamed --schedule named one (not auto)
 * @property {boolean} json
 * @property {import('./viewer.mjs').Until | null} until
 * @property {string | null} svg
 * @property {string | null} record
 * @property {string | null} replay the file to play instead of watching a cluster
 */

/**
 * watch's flags as it uses them. Output files are checked before anything starts, not found
 * unwritable at the end.
 * @param {import('../plumbing/cli.mjs').FlagValues} flags
 * @returns {WatchOptions}
 */
export function watchOptions(flags) {
  const schedule = watchSchedule(flags['schedule']);
  const json = flags['json'] === true;
  const until = parseUntil(typeof flags['until'] === 'string' ? flags['until'] : undefined);
  const svg = flags['no-svg'] === true || dryRun() ? null : outputFile('--svg', String(flags['svg']));
  const record = typeof flags['record'] === 'string' ? outputFile('--record', flags['record']) : null;
  const replay = typeof flags['replay'] === 'string' ? flags['replay'] : null;
  if (replay !== null && record) fail('--record saves a live watch; it cannot be combined with --replay');
  return { schedule, scheduleNamed: flags['schedule'] !== 'auto', json, until, svg, record, replay };
}

/**
 * --schedule: auto follows crash-demo.json (a folder without one, e.g. only a recording, gets the default).
 * @param {unknown} which auto, default or fast
 */
export function watchSchedule(which) {
  if (which !== 'auto') return projectSchedule(which === 'fast');
  return projectSchedule(existsSync(resolve(projectRoot, 'crash-demo.json')) && readDemo().options.fastBackoff === true);
}

/** @param {string} file */
function readReplay(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return fail(`cannot read --replay ${file}: ${err instanceof Error ? err.message : err}`);
  }
  try {
    return parseObservations(text);
  } catch (err) {
    return fail(`--replay ${file}: ${err instanceof Error ? err.message : err}`);
  }
}

/**
 * A recording is compared with the schedule it was recorded against (its header says which) unless
 * --schedule named one: the demo replaying it may run another.
 * @param {string} file
 * @param {WatchOptions} o
 */
export function replay(file, o) {
  const parsed = readReplay(file);
  const recorded = o.scheduleNamed ? null : (parsed.schedule ?? null);
  const printer = createPrinter({ schedule: recorded ?? o.schedule, json: o.json, until: o.until, ticking: false });
  const notes = recorded && recorded.name !== o.schedule.name ? [`compared with the schedule the recording was made against: ${recorded.name}`] : [];
  printer.header();
  for (const obs of parsed.observations) if (printer.show(obs)) break;
  printer.finish({ before: [...notes, ...parsed.notes], svg: o.svg, title: 'Restart timeline', record: null });
}

// @ts-check
// What watch and rehearse both do around the view (view.mjs), written once: pick the schedule the
// demo runs on, print one line (or --json object) per change with a countdown ticking on stderr,
// save a recording, and end with the summary and the timeline SVG; and read --until, which both take.
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { YAML } from 'zx';
import { demoSchedule } from '../kube/backoff.mjs';
import { note, projectRoot, startTicker } from '../plumbing/cli.mjs';
import { createNormalizer, recordingHeader, recordingLine } from '../kube/events.mjs';
import { renderTimelineSvg } from './timeline-svg.mjs';
import { createView } from './view.mjs';

/** @import { Schedule } from '../kube/backoff.mjs' */
/** @import { Observation } from '../kube/events.mjs' */
// createPrinter's declared return type names these (view.update's): tsc copies the names into
// viewer.d.mts, so they must be in scope here or the declaration refers to nothing.
/** @import { Crash, JsonState, Restart } from './view.mjs' */
/** @typedef {{ crashloop: boolean, restarts: number | null }} Until  when to stop by itself (parseUntil) */

/**
 * The most restarts --until may wait for: past the sixth, every restart waits the 5m0s cap, so 100
 * is over eight hours already, and a bigger number only means a rehearsal that never ends.
 */
export const MAX_UNTIL_RESTARTS = 100;

/**
 * --until: `crashloop` (the first CrashLoopBackOff) or `N-restarts` (RESTARTS reaches N).
 * @param {string | undefined} text
 * @returns {Until | null} null: run until stopped
 */
export function parseUntil(text) {
  if (text === undefined) return null;
  if (text === 'crashloop') return { crashloop: true, restarts: null };
  const m = /^(\d+)-restarts?$/.exec(text);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= MAX_UNTIL_RESTARTS) return { crashloop: false, restarts: Number(m[1]) };
  throw new RangeError(
    `--until ${JSON.stringify(text)} is not valid: use crashloop or N-restarts with N from 1 to ${MAX_UNTIL_RESTARTS} (e.g. 3-restarts)`,
  );
}

/**
 * The schedule the demo runs on: the kubelet default, or with --fast-backoff its kind cluster's
 * (from kind-config.yaml when the project has one).
 * @param {boolean} fast
 * @returns {Schedule}
 */
export function projectSchedule(fast) {
  const file = resolve(projectRoot, 'kind-config.yaml');
  const text = fast && existsSync(file) ? readFileSync(file, 'utf8') : null;
  return demoSchedule(fast, text, (t) => YAML.parse(t));
}

/**
 * Prints observations through the view: the text view on stdout, or with --json one object per
 * container state (everything else, the summary too, then goes to stderr).
 * @param {{ schedule: Schedule, json: boolean, until: Until | null, ticking: boolean }} o
 *   ticking: a countdown on stderr while a container backs off (at a terminal, never with --json)
 */
export function createPrinter(o) {
  const view = createView({ schedule: o.schedule });
  const normalizer = createNormalizer();
  const ticker = startTicker(() => view.countdown(Date.now()), o.ticking && !o.json);
  /** @param {import('../kube/events.mjs').WatchEvent} e */
  const reached = (e) => (o.until?.crashloop === true && e.status === 'CrashLoopBackOff') || (o.until?.restarts != null && (e.restarts ?? 0) >= o.until.restarts);
  return {
    view,
    header() {
      if (!o.json) process.stdout.write(view.header() + '\n');
    },
    /**
     * @param {Observation} obs
     * @returns {boolean} true when --until is met
     */
    show(obs) {
      let done = false;
      for (const e of normalizer.push(obs)) {
        const { line, json } = view.update(e);
        ticker.clear();
        process.stdout.write((o.json ? JSON.stringify(json) : line) + '\n');
        if (reached(e)) done = true;
      }
      return done;
    },
    /** A dim line on stderr, the ticking line cleared first. @param {string} text */
    note(text) {
      ticker.clear();
      note(text);
    },
    stop: ticker.stop,
    /**
     * The summary (with lines before and after it), the SVG, and where the recording went.
     * @param {{ before?: string[], after?: string[], svg: string | null, title: string, record: string | null }} end
     */
    finish(end) {
      const text = [...(end.before ?? []), view.summary(), ...(end.after ?? [])].join('\n');
      (o.json ? process.stderr : process.stdout).write(text + '\n');
      if (end.svg) {
        writeFileSync(end.svg, renderTimelineSvg(view.timeline(), { title: end.title }));
        note(`timeline written to ${end.svg}`);
      }
      if (end.record) note(`recording written to ${end.record} (replay: npm run watch -- --replay ${end.record})`);
    },
  };
}

/**
 * --record: a header naming the command and the schedule, then one line per object seen.
 * @param {string | null} file null: record nothing
 * @param {string[]} command
 * @param {Schedule} schedule
 */
export function createRecording(file, command, schedule) {
  const stream = file ? createWriteStream(file) : null;
  stream?.write(recordingHeader({ command, startedAt: new Date().toISOString(), schedule }) + '\n');
  return {
    /** @param {string} time @param {unknown} object */
    write(time, object) {
      stream?.write(recordingLine(time, object) + '\n');
    },
    /** @returns {Promise<void>} once all of it is on disk */
    end: () => new Promise((done) => (stream ? stream.end(done) : done())),
  };
}

// Rendering is pure (options in, file contents out); writing is the one side effect, kept apart.
import { VERIFIED_CGROUP2, VERIFIED_CLUSTER } from './verified.js';
import { kubectlLines, RECORDED_TRIGGER, RECORDINGS, recordingOf } from './recorded.js';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { planFiles, type TemplateFile } from './files.js';
import { ownVersion } from './package.js';
import { startCommand } from './layout.js';
import { ARTICLE, OPTIONS, type Options, type Runtime } from './options.js';
import { predictOutcome, type Outcome } from './outcome.js';
import { SAVED_FILE, cannotWrite, checkWrite, hashOf, inspectTarget, type TargetState, type WritePermission } from './target.js';
import { pinnedVersion } from './versions.js';
import { renderTemplate } from './templates.js';
import { outcomeTable } from './report.js';
import { createdContext } from './scripts/clusters.mjs';
import { MEMORY_LIMIT_RULE, memoryLimit } from './scripts/memory.mjs';

/** The default base images: tagged official slim images, never `latest`. */
export const BASE_IMAGES: Record<Runtime, string> = {
  python: 'python:3.13-slim',
  node: 'node:24-slim',
};

/** The generated project's own version, which is also its image tag. */
export const DEMO_VERSION = '0.1.0';

export type DemoFiles = Map<string, string | Buffer>;

/**
 * What crash-demo.json holds: the resolved options, the start command, the prediction, and a hash of
 * every other file as written (so a re-run can tell them from the user's edits).
 */
export interface SavedDemo {
  generator: { name: 'create-crash-demo'; version: string };
  options: Options;
  start: string[];
  outcome: Outcome;
  files: Record<string, string>;
}

/** The npm scripts a demo has: one per scripts/<name>.mjs among its files. */
export function scriptNames(paths: Iterable<string>): string[] {
  return [...paths].flatMap((p) => /^scripts\/([^/]+)\.mjs$/.exec(p)?.[1] ?? []);
}

function recordedRun(o: Options) {
  const run = recordingOf(o);
  if (!run) return undefined;
  return {
    kubernetes: RECORDINGS.kubernetes,
    cgroup: RECORDINGS.cgroup,
    on: RECORDINGS.recordedOn,
    steps: RECORDINGS.steps,
    trigger: RECORDED_TRIGGER,
    /** The rows as `kubectl get pods` lays them out, with the reader's pod name. */
    lines: (pod: string) => kubectlLines(run.rows, pod),
  };
}

/** Everything a template may use. */
export function templateData(o: Options, plan: TemplateFile[] = planFiles(o)) {
  const scripts = scriptNames(plan.map((f) => f.dest));
  return {
    /** The zx scripts this demo has (scripts/<name>.mjs), for package.json and the README. */
    scripts,
    pinned: pinnedVersion,
    o,
    outcome: predictOutcome(o),
    start: startCommand(o.runtime, o.pid1),
    image: { repository: o.name, tag: DEMO_VERSION, ref: `${o.name}:${DEMO_VERSION}` },
    baseImage: BASE_IMAGES[o.runtime],
    version: ownVersion(),
    json: (value: unknown) => JSON.stringify(value),
    /** The article the demo grew from, by name. */
    article: ARTICLE,
    /** The kube context of the cluster `npm run cluster` creates for this demo. */
    clusterContext: createdContext(o.cluster, o.name),
    /** The app container's memory limit and its rule in words (memory.mjs, which rehearse reads too). */
    memory: { limit: memoryLimit(o.workers), rule: MEMORY_LIMIT_RULE },
    /** The real cluster this project's tests ran the demos on. */
    verified: VERIFIED_CLUSTER,
    /** Where --crash oom ran on cgroup v2 (a VM, not a kubelet). */
    verifiedCgroup2: VERIFIED_CGROUP2,
    /** Every runtime x PID 1 x crash mode, this demo's row marked (Markdown). */
    outcomeTable: outcomeTable(o),
    /** What the test cluster's apiserver printed for this runtime x PID 1 x crash mode. */
    recorded: recordedRun(o),
  };
}

export function savedDemo(o: Options, data: ReturnType<typeof templateData>, files: DemoFiles): SavedDemo {
  return {
    generator: { name: 'create-crash-demo', version: data.version },
    options: o,
    start: data.start,
    outcome: data.outcome,
    files: Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, contents]) => [path, hashOf(contents)])),
  };
}

/** The generated project as path -> contents, sorted by path. Reads templates; writes nothing. */
export function renderDemo(o: Options): DemoFiles {
  const plan = planFiles(o);
  const data = templateData(o, plan);
  const files: DemoFiles = new Map();
  for (const t of plan) {
    files.set(
      t.dest,
      t.ejs ? renderTemplate(t.source, data) : readFileSync(t.source),
    );
  }
  files.set(SAVED_FILE, JSON.stringify(savedDemo(o, data, files), null, 2) + '\n');
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function modeOf(path: string): number {
  return path.endsWith('.sh') ? 0o755 : 0o644;
}

/** A name beside `path` that no other writer picks (no node:crypto: loading it costs the bin ~5 ms). */
let asides = 0;
function asideOf(path: string): string {
  return `${path}.${process.pid}-${Date.now().toString(36)}-${++asides}.tmp`;
}

/**
 * Writes every file below `root`. In a directory someone may look at (`beside`), each file is written
 * beside its target, then renamed, so a crash mid-write never leaves a half-written file; a staging
 * directory nobody sees until it is renamed whole needs no such step.
 */
function writeTree(root: string, files: DemoFiles, { beside }: { beside: boolean }): void {
  const made = new Set<string>();
  for (const [path, contents] of files) {
    const target = join(root, path);
    const dir = dirname(target);
    if (!made.has(dir)) mkdirSync(dir, { recursive: true });
    made.add(dir);
    if (!beside) {
      writeFileSync(target, contents, { mode: modeOf(path) });
      continue;
    }
    const tmp = asideOf(target);
    writeFileSync(tmp, contents, { mode: modeOf(path) });
    renameSync(tmp, target);
  }
}

/**
 * Writes a rendered demo. A new directory appears whole or not at all (written aside, then renamed).
 * An existing non-empty directory is refused unless `overwrite`, which replaces the demo's own files
 * (identical ones are left as they are) and no other file; a file the user edited since generation,
 * or never generated, is replaced only with `replaceEdited` too (see target.ts).
 */
export function writeDemo(dir: string, files: DemoFiles, allow: WritePermission = {}): TargetState {
  const state = inspectTarget(dir, files);
  checkWrite(dir, state, allow);
  try {
    if (!state.exists) {
      const staging = asideOf(join(dirname(state.dir), '.crash-demo'));
      mkdirSync(dirname(state.dir), { recursive: true });
      try {
        writeTree(staging, files, { beside: false });
        renameSync(staging, state.dir);
      } finally {
        rmSync(staging, { recursive: true, force: true });
      }
      return state;
    }
    const identical = new Set(state.files.filter((f) => f.state === 'identical').map((f) => f.path));
    writeTree(state.dir, new Map([...files].filter(([path]) => !identical.has(path))), { beside: true });
    return state;
  } catch (error) {
    throw cannotWrite(dir, error) ?? error;
  }
}

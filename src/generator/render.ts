// One demo, computed once and purely (options in; outcome, start command, scripts and file contents
// out): planDemo is what the bin, the Yeoman generator and the library read. Writing is write.ts.
import { VERIFIED_CGROUP2, VERIFIED_CLUSTER } from './verified.js';
import { kubectlLines, RECORDED_TRIGGER, RECORDINGS, recordingOf } from './recorded.js';
import { planFiles, type TemplateFile } from './files.js';
import { ownVersion, type ScriptsFrom } from './package.js';
import { packOwnPackage, vendoredFile } from './pack.js';
import { startCommand } from './layout.js';
import { RUNTIMES, byRuntime } from '../shared/runtimes/index.js';
import { ARTICLE, OPTIONS, type Options, type Runtime } from '../shared/options.js';
import { predictOutcome, type Outcome } from './outcome.js';
import { SAVED_FILE, hashOf } from './target.js';
import { pinnedVersion } from './versions.js';
import { renderTemplate, templateText } from './templates.js';
import { outcomeTable } from './outcome-table.js';
import { clusterCreator, createdContext } from '../shared/clusters.mjs';
import { MEMORY_LIMIT_RULE, memoryLimit } from '../shared/memory.mjs';

/** The default base images: tagged official slim images, never `latest`. */
export const BASE_IMAGES: Record<Runtime, string> = byRuntime('baseImage');

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
function scriptNames(paths: Iterable<string>): string[] {
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
export function templateData(o: Options, plan: TemplateFile[] = planFiles(o), outcome: Outcome = predictOutcome(o), from: ScriptsFrom = 'registry') {
  const scripts = scriptNames(plan.map((f) => f.dest));
  const vendored = from === 'vendor' ? vendoredFile(ownVersion()) : null;
  return {
    /** The zx scripts this demo has (scripts/<name>.mjs), for package.json and the README. */
    scripts,
    pinned: pinnedVersion,
    o,
    /** The runtime's facts (src/shared/runtimes/): its supervisor's name, base image, ... */
    runtime: RUNTIMES[o.runtime],
    outcome,
    start: startCommand(o.runtime, o.pid1),
    image: { repository: o.name, tag: DEMO_VERSION, ref: `${o.name}:${DEMO_VERSION}` },
    baseImage: BASE_IMAGES[o.runtime],
    version: ownVersion(),
    /** The packed create-crash-demo the demo installs (vendor/create-crash-demo-<version>.tgz), or null: the registry's. */
    vendored,
    /** The demo's dependency on create-crash-demo: the registry's version, or file: its vendored tarball. */
    scriptsDependency: vendored ? `file:${vendored}` : ownVersion(),
    json: (value: unknown) => JSON.stringify(value),
    /** The article the demo grew from, by name. */
    article: ARTICLE,
    /** The kube context of the cluster `npm run cluster` creates for this demo. */
    clusterContext: createdContext(o.cluster, o.name),
    /** The tool `npm run cluster` creates this demo's cluster with, or null where it creates none. */
    clusterCreator: clusterCreator(o.cluster),
    /** The objects k8s/kustomization.yaml lists: the demo's k8s/ files, in the order they are applied. */
    k8sResources: k8sResources(plan),
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

/**
 * k8s/'s objects as kustomization.yaml lists them: the Namespace first, the workload last, the rest
 * by name. Which files there are is decided once, by planFiles (files.ts).
 */
function k8sResources(plan: TemplateFile[]): string[] {
  const rank = (f: string) => (f === 'namespace' ? 0 : WORKLOADS.includes(f) ? 2 : 1);
  return plan
    .flatMap((t) => /^k8s\/([^/]+)\.yaml$/.exec(t.dest)?.[1] ?? [])
    .filter((f) => f !== 'kustomization')
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((f) => `${f}.yaml`);
}
const WORKLOADS = ['deployment', 'statefulset'];

export function savedDemo(o: Options, data: ReturnType<typeof templateData>, files: DemoFiles): SavedDemo {
  return {
    generator: { name: 'create-crash-demo', version: data.version },
    options: o,
    start: data.start,
    outcome: data.outcome,
    files: Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, contents]) => [path, hashOf(contents)])),
  };
}

/** Everything a face needs to show, check and write one demo, computed once. */
export interface DemoPlan {
  options: Options;
  /** What the container and Kubernetes will do (also in crash-demo.json). */
  outcome: Outcome;
  /** PID 1's argv (the Dockerfile's ENTRYPOINT + CMD). */
  start: string[];
  /** The demo's npm scripts, one per scripts/<name>.mjs. */
  scripts: string[];
  /** The generated project as path -> contents, sorted by path; crash-demo.json included. */
  files: DemoFiles;
  /** What crash-demo.json holds. */
  saved: SavedDemo;
  /** Where the demo's npm install gets create-crash-demo: vendor/<tarball> (among the files), or null: the registry. */
  vendored: string | null;
}

/**
 * The whole demo for these options. Reads templates; writes nothing. `from`: where the demo's
 * npm install gets create-crash-demo: 'registry' (the default: what the registry's package writes)
 * pins its version; 'vendor' packs this copy into vendor/ and depends on that file (the bin and
 * createDemo choose by where they run from: ownScriptsFrom in package.ts).
 */
export function planDemo(o: Options, from: ScriptsFrom = 'registry'): DemoPlan {
  const plan = planFiles(o);
  const outcome = predictOutcome(o);
  const data = templateData(o, plan, outcome, from);
  const files: DemoFiles = new Map();
  for (const t of plan) {
    files.set(
      t.dest,
      t.ejs ? renderTemplate(t.source, data) : templateText(t.source),
    );
  }
  if (data.vendored) files.set(data.vendored, packOwnPackage().tarball);
  const saved = savedDemo(o, data, files);
  files.set(SAVED_FILE, JSON.stringify(saved, null, 2) + '\n');
  const sorted: DemoFiles = new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
  return { options: o, outcome, start: data.start, scripts: data.scripts, files: sorted, saved, vendored: data.vendored };
}

/** The generated project as path -> contents, sorted by path (planDemo's files). */
export function renderDemo(o: Options, from: ScriptsFrom = 'registry'): DemoFiles {
  return planDemo(o, from).files;
}

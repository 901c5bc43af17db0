// Helpers for the tests that run demos on the real single-node cluster of test/cluster/up.sh
// (kubelet, containerd, runc, kube-apiserver and etcd built here). A demo is used exactly as a user
// would: scaffolded by the real bin, its image built, loaded, deployed and crashed by its own npm
// scripts, and observed with this cluster's own kubectl. Nothing here stands in for kubectl, the
// kubelet or containerd.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Options, SavedDemo } from '../../src/index.js';
import { ensureBaseImage, ensureBaseImages } from '../support/base-images.js';
import { BIN, ROOT } from '../support/bin.js';
import { linkDemoModules } from '../support/demo-modules.js';
import { aftermath, predicted, type Prediction } from '../support/crash-proof.js';
import { docker, run, sleep, waitFor, type RunOptions, type RunResult } from '../support/docker.js';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { requireCurrentBuild } from '../support/build.js';

requireCurrentBuild();

export const CLUSTER_DIR = join(ROOT, 'test', 'cluster');
const STATE = process.env['CRASH_DEMO_CLUSTER_STATE'] ?? join(CLUSTER_DIR, '.state');

export interface Cluster {
  kubeconfig: string;
  context: string;
  bin: string;
  containerdAddress: string;
  k8sVersion: string;
  etcdVersion: string;
  containerdVersion: string;
  runcVersion: string;
  /** The environment a user of this cluster has: its kubectl and ctr first on PATH, its kubeconfig. */
  env: NodeJS.ProcessEnv;
}

/** The cluster up.sh started, from the cluster.env it wrote; fails with the fix when it is not up. */
export function cluster(): Cluster {
  const file = join(STATE, 'cluster.env');
  if (!existsSync(file)) {
    throw new Error(`the test cluster is not up (no ${file}): run bash test/cluster/up.sh as root (npm test does)`);
  }
  const v: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) v[line.slice(0, i)] = line.slice(i + 1);
  }
  const need = (k: string) => {
    const value = v[k];
    if (!value) throw new Error(`${file} has no ${k}: run bash test/cluster/up.sh again`);
    return value;
  };
  const bin = need('BIN');
  return {
    kubeconfig: need('KUBECONFIG'),
    context: need('CONTEXT'),
    bin,
    containerdAddress: need('CONTAINERD_ADDRESS'),
    k8sVersion: need('K8S_VERSION'),
    etcdVersion: need('ETCD_VERSION'),
    containerdVersion: need('CONTAINERD_VERSION'),
    runcVersion: need('RUNC_VERSION'),
    env: {
      ...process.env,
      PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      KUBECONFIG: need('KUBECONFIG'),
      CONTAINERD_ADDRESS: need('CONTAINERD_ADDRESS'),
      NO_COLOR: '1',
      DOCKER_BUILDKIT: '0',
    },
  };
}

/** This cluster's kubectl, against its context. */
export function kubectl(c: Cluster, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(join(c.bin, 'kubectl'), ['--context', c.context, ...args], { timeoutMs: 60_000, env: c.env, ...opts });
}

/** Restarts the kubelet with these KubeletConfiguration fields (none: the defaults). Pods keep running. */
export async function restartKubelet(extraConfigFile?: string): Promise<void> {
  await run('bash', [join(CLUSTER_DIR, 'up.sh'), ...(extraConfigFile ? ['--kubelet-config', extraConfigFile] : [])], {
    timeoutMs: 5 * 60_000,
  });
}

export interface ClusterDemo {
  dir: string;
  name: string;
  saved: SavedDemo;
  image: string;
}

/** Temp dirs and images that a test file made, removed by cleanup(). */
export class Scratch {
  readonly root = mkdtempSync(join(tmpdir(), 'crash-demo-cluster-'));
  private readonly images = new Set<string>();
  private readonly namespaces = new Set<string>();

  /** Scaffolds with the real bin, non-interactively, for --cluster containerd; the namespace defaults to the name. */
  async scaffold(name: string, flags: readonly string[], { namespace = name } = {}): Promise<ClusterDemo> {
    const dir = join(this.root, name);
    await run(process.execPath, [BIN, dir, '--yes', '--name', name, '--namespace', namespace, '--cluster', 'containerd', ...flags], {
      env: { ...process.env, NO_COLOR: '1' },
      timeoutMs: 60_000,
    });
    // The demo's devDependencies, as its `npm install` would give them (create-crash-demo packed, zx).
    linkDemoModules(dir);
    const saved = JSON.parse(readFileSync(join(dir, 'crash-demo.json'), 'utf8')) as SavedDemo;
    const image = `${name}:${saved.generator.version}`;
    this.images.add(image);
    this.namespaces.add(saved.options.namespace);
    return { dir, name, saved, image };
  }

  async cleanup(c: Cluster | undefined): Promise<void> {
    if (c) {
      for (const ns of this.namespaces) {
        await kubectl(c, ['delete', 'namespace', ns, '--ignore-not-found', '--wait=false'], { allowFail: true });
      }
    }
    for (const image of this.images) await docker(['rmi', '--force', image], { allowFail: true });
    rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * A test file's cluster and scratch area: the cluster (and the stand-in base images, unless
 * baseImages is false) from a before() hook, everything the file made removed in an after() hook.
 * `cluster` throws when read before the hook ran. Call it at the top of the file, before its own hooks.
 */
export function useCluster({ baseImages = true } = {}): { readonly cluster: Cluster; scratch: Scratch } {
  const scratch = new Scratch();
  let c: Cluster | undefined;
  before(async () => {
    c = cluster();
    if (baseImages) await ensureBaseImages();
  });
  after(async () => scratch.cleanup(c));
  return {
    scratch,
    get cluster() {
      if (!c) throw new Error('useCluster(): the cluster is read before its before() hook ran');
      return c;
    },
  };
}

/** `npm run SCRIPT -- ARGS` in the demo, as a user of this cluster runs it. */
export function npmRun(c: Cluster, demo: ClusterDemo, script: string, args: readonly string[] = [], opts: RunOptions = {}) {
  return run('npm', ['run', '--silent', script, '--', ...args], { env: c.env, timeoutMs: 10 * 60_000, ...opts, cwd: demo.dir });
}

/**
 * The flags every cluster-facing script gets here: this cluster's context, named, and no --yes: its
 * API server is on loopback, so the scripts' guard takes it as local although nothing in its name
 * says kind, minikube or k3d.
 */
export function contextFlags(c: Cluster): string[] {
  return ['--context', c.context];
}

/** build (on the stand-in base, host network for apt-get) and load, with the demo's own scripts. */
export async function buildAndLoad(c: Cluster, demo: ClusterDemo): Promise<void> {
  const base = (await ensureBaseImage(demo.saved.options.runtime as Options['runtime'])).tag;
  await npmRun(c, demo, 'build', ['--base-image', base, '--network', 'host']);
  await npmRun(c, demo, 'load', contextFlags(c));
}

// ---- what the apiserver says about a demo's pod ------------------------------------------------

export interface PodView {
  name: string;
  /** The apiserver's own printer: `kubectl get pod NAME` columns. */
  table: { ready: string; status: string; restarts: string };
  restartCount: number;
  waitingReason: string | null;
  running: boolean;
  startedAt: string | null;
  last: { exitCode: number; reason: string; finishedAt: string; startedAt: string } | null;
}

export interface PodJson {
  metadata: { name: string };
  status?: {
    containerStatuses?: {
      restartCount: number;
      state?: { waiting?: { reason?: string }; running?: { startedAt: string } };
      lastState?: { terminated?: { exitCode: number; reason: string; finishedAt: string; startedAt: string } };
    }[];
  };
}

/** The demo's one pod (by its app.kubernetes.io/name label), seen through kubectl. */
export async function podView(c: Cluster, demo: ClusterDemo): Promise<PodView | undefined> {
  const ns = demo.saved.options.namespace;
  const sel = `app.kubernetes.io/name=${demo.saved.options.name}`;
  const list = JSON.parse((await kubectl(c, ['-n', ns, 'get', 'pods', '-l', sel, '-o', 'json'])).stdout) as { items: PodJson[] };
  const pod = list.items[0];
  if (!pod) return undefined;
  const table = await kubectl(c, ['-n', ns, 'get', 'pod', pod.metadata.name, '--no-headers']);
  const cols = table.stdout.trim().split(/\s{2,}/);
  const cs = pod.status?.containerStatuses?.[0];
  return {
    name: pod.metadata.name,
    table: { ready: cols[1] ?? '', status: cols[2] ?? '', restarts: cols[3] ?? '' },
    restartCount: cs?.restartCount ?? 0,
    waitingReason: cs?.state?.waiting?.reason ?? null,
    running: cs?.state?.running !== undefined,
    startedAt: cs?.state?.running?.startedAt ?? null,
    last: cs?.lastState?.terminated ?? null,
  };
}

/** Logs of the demo's current container. */
export async function podLogs(c: Cluster, demo: ClusterDemo, pod: string): Promise<string> {
  const r = await kubectl(c, ['-n', demo.saved.options.namespace, 'logs', pod], {
    allowFail: true,
  });
  return r.stdout + r.stderr;
}

// ---- the outcome, held against the prediction --------------------------------------------------

/** After a survived crash has played out: long enough for a dying container to be seen as dead. */
const SETTLE_MS = 5_000;
/** RESTARTS as a number: `1 (5s ago)` is 1. */
export const restartsOf = (r: Pick<TableRow, 'restarts'>) => Number.parseInt(r.restarts, 10);
/**
 * The row a crashing demo is judged on: CrashLoopBackOff after a restart. (RESTARTS counts restarts
 * done: in the back-off after the second crash it is still 1.)
 */
export const inCrashLoop = (r: TableRow) => r.status === 'CrashLoopBackOff' && restartsOf(r) >= 1;

/**
 * Waits until the crash has played out and asserts what the apiserver shows against `expected`:
 * a crashing demo reaches CrashLoopBackOff (seen on `table`, watched from before the deploy, since
 * a back-off lasts only seconds) with the predicted exit code and reason; a refusing one keeps
 * running, never restarted, with the aftermath of the crash in its log. Returns the pod at the end.
 */
export async function assertOutcome(k: Cluster, demo: ClusterDemo, table: { rows: TableRow[] }, expected: Prediction, timeoutMs = 180_000): Promise<PodView> {
  const name = demo.name;
  let pod: PodView;
  if (expected.containerExits) {
    const row = await waitFor(
      `${name}: the pod in CrashLoopBackOff`,
      async () => table.rows.find(inCrashLoop),
      { timeoutMs, intervalMs: 500 },
    );
    const last = (row.pod as PodJson).status?.containerStatuses?.[0]?.lastState?.terminated;
    assert.equal(row.status, expected.podStatus, `kubectl get pod STATUS (${predicted(expected)})`);
    assert.equal(last?.exitCode, expected.exitCode, 'lastState.terminated.exitCode');
    assert.equal(last?.reason, expected.reason, 'lastState.terminated.reason');
    assert.match(row.restarts, /^[1-9]\d* \(\d+[smh]/, 'RESTARTS: at least the first restart, with its age');
    pod = (await podView(k, demo)) as PodView;
  } else {
    const next = aftermath(demo.saved.options, demo.saved.options.workers);
    const seen = await waitFor(
      `${name}: ${next.what} in the pod's log`,
      async () => {
        const p = await podView(k, demo);
        if (!p) return undefined;
        const logs = await podLogs(k, demo, p.name);
        return (logs.match(/<<<< crashing: /g) ?? []).length >= 2 && next.seen(logs) ? p : undefined;
      },
      { timeoutMs, intervalMs: 1_000 },
    );
    await sleep(SETTLE_MS);
    pod = (await podView(k, demo)) ?? seen;
    assert.equal(pod.name, seen.name, 'the same pod');
    assert.equal(pod.table.status, expected.podStatus, 'kubectl get pod STATUS');
    assert.equal(pod.table.ready, '1/1', 'READY');
    assert.equal(pod.restartCount, 0, 'RESTARTS: the container never exited');
    assert.equal(pod.last, null, 'no lastState.terminated');
    const statuses = new Set(table.rows.map((r) => r.status));
    assert.ok(!statuses.has('Error') && !statuses.has('CrashLoopBackOff'), `never Error or CrashLoopBackOff: ${[...statuses].join(', ')}`);
  }
  return pod;
}

// ---- the apiserver's own printer, watched ------------------------------------------------------

export interface TableRow {
  /** The pod's resourceVersion: the row and the object are the same version. */
  resourceVersion: string;
  ready: string;
  status: string;
  restarts: string;
  age: string;
  /** When the row arrived here (ms since the epoch). */
  at: number;
  /** The pod object the row was printed from (includeObject=Object). */
  pod: unknown;
}

/**
 * Watches pods through the apiserver's server-side printing (`Accept: ...;as=Table`, the printer
 * kubectl get shows): every row comes with the pod object it was printed from. Stop with stop().
 */
export function watchTable(c: Cluster, namespace: string, selector: string) {
  const kc = parseYaml(readFileSync(c.kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const server = new URL(kc.clusters[0]?.cluster.server ?? '');
  const b64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64');
  const rows: TableRow[] = [];
  let columns: string[] = [];
  let buffered = '';
  const query = new URLSearchParams({ watch: 'true', labelSelector: selector, includeObject: 'Object' });
  const req = httpsRequest({
    host: server.hostname,
    port: server.port,
    path: `/api/v1/namespaces/${namespace}/pods?${query}`,
    method: 'GET',
    ca: b64(kc.clusters[0]?.cluster['certificate-authority-data']),
    cert: b64(kc.users[0]?.user['client-certificate-data']),
    key: b64(kc.users[0]?.user['client-key-data']),
    headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
  });
  const failed: Error[] = [];
  req.on('response', (res) => {
    if (res.statusCode !== 200) failed.push(new Error(`table watch: HTTP ${res.statusCode}`));
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        const event = JSON.parse(line) as {
          object: { columnDefinitions?: { name: string }[]; rows?: { cells: unknown[]; object: { metadata: { resourceVersion: string } } }[] };
        };
        if (event.object.columnDefinitions?.length) columns = event.object.columnDefinitions.map((d) => d.name);
        for (const row of event.object.rows ?? []) {
          const cell = (name: string) => String(row.cells[columns.indexOf(name)] ?? '');
          rows.push({
            resourceVersion: row.object.metadata.resourceVersion,
            ready: cell('Ready'),
            status: cell('Status'),
            restarts: cell('Restarts'),
            age: cell('Age'),
            at: Date.now(),
            pod: row.object,
          });
        }
      }
    });
  });
  req.on('error', (e) => {
    if (!stopped) failed.push(e);
  });
  req.end();
  let stopped = false;
  return {
    rows,
    stop() {
      stopped = true;
      req.destroy();
      if (failed.length > 0) throw failed[0];
    },
  };
}

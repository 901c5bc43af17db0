// scripts/watch.mjs as a user runs it in a generated project: --help, --dry-run, a live watch (a
// stand-in kubectl on PATH prints what `kubectl get pods -w -o json` prints), --record then
// --replay, Ctrl-C, and the one-red-line errors.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { resolveOptions } from '../../../src/index.js';
import { renderDemo } from '../../../src/generator/render.js';
import { linkDemoModules } from '../../support/demo-modules.js';
import { hostProcesses, waitGone } from '../../support/processes.js';
import { requireCurrentBuild } from '../../support/build.js';

requireCurrentBuild();

const projectRoot = resolve(fileURLToPath(import.meta.url), '../../../..');

const POD = 'demo-7c9d8f6b5-abcde';
/** What `kubectl config view -o json` prints for one context, kind-demo, whose server is on loopback. */
const LOOPBACK_KUBECONFIG = {
  clusters: [{ name: 'kind-demo', cluster: { server: 'https://127.0.0.1:1' } }],
  contexts: [{ name: 'kind-demo', context: { cluster: 'kind-demo', user: 'kind-demo' } }],
  'current-context': 'kind-demo',
};
const UID = '5f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';

/** Two pod states, as the API server sends them: running, then backing off after exit 137. */
function podStates() {
  const base = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD, namespace: 'crash-demo', uid: UID, labels: { 'app.kubernetes.io/name': 'demo' } },
    spec: { containers: [{ name: 'demo' }] },
  };
  const term = { exitCode: 137, reason: 'Error', startedAt: '2025-01-01T10:00:00Z', finishedAt: '2025-01-01T10:00:05Z' };
  return [
    { ...base, status: { phase: 'Running', containerStatuses: [{ name: 'demo', ready: true, restartCount: 0, state: { running: { startedAt: '2025-01-01T10:00:00Z' } } }] } },
    {
      ...base,
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'demo',
            ready: false,
            restartCount: 1,
            state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=demo pod=${POD}_crash-demo(${UID})` } },
            lastState: { terminated: term },
          },
        ],
      },
    },
  ];
}

let dir = '';
let bin = '';

/** A generated-project stand-in: scripts/ copied verbatim, the generated crash-demo.json, its node_modules (create-crash-demo packed, zx). */
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'watch-script-'));
  cpSync(resolve(projectRoot, 'templates/common/scripts'), join(dir, 'scripts'), { recursive: true });
  linkDemoModules(dir);
  const files = renderDemo(resolveOptions({ name: 'demo' }));
  writeFileSync(join(dir, 'crash-demo.json'), files.get('crash-demo.json')!);
  bin = join(dir, 'bin');
  mkdirSync(bin);
  // kubectl: answers `config current-context` and `config view` (kind-demo, on loopback), logs its argv, prints the pod states like -w -o json
  // (indented objects, one after the other), then exits or, with KUBECTL_HOLD=1, keeps watching.
  writeFileSync(
    join(bin, 'kubectl'),
    `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
if (args.join(' ') === 'config view -o json') { process.stdout.write(${JSON.stringify(JSON.stringify(LOOPBACK_KUBECONFIG))}); process.exit(0); }
if (args[0] === 'config') { process.stdout.write('kind-demo\\n'); process.exit(0); }
fs.writeFileSync(process.env.KUBECTL_ARGS_LOG, JSON.stringify(args));
if (process.env.KUBECTL_PID_FILE) fs.writeFileSync(process.env.KUBECTL_PID_FILE, String(process.pid));
for (const pod of ${JSON.stringify(podStates())}) process.stdout.write(JSON.stringify(pod, null, 4) + '\\n');
if (process.env.KUBECTL_HOLD === '1') setInterval(() => {}, 1000);
`,
  );
  chmodSync(join(bin, 'kubectl'), 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const env = () => ({
  ...process.env,
  PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}`,
  KUBECTL_ARGS_LOG: join(dir, 'kubectl-args.json'),
  NO_COLOR: '1',
  FORCE_COLOR: '0',
});
/** Pids of `node scripts/<script> ...` processes whose arguments include `text`. */
function scriptProcesses(script: string, text: string): number[] {
  return hostProcesses()
    .filter(({ argv }) => argv[1] === `scripts/${script}` && argv.includes(text))
    .map(({ pid }) => pid);
}

const watch = (...args: string[]) => spawnSync(process.execPath, ['scripts/watch.mjs', ...args], { cwd: dir, encoding: 'utf8', env: env() });

const EXPECTED = [
  { pod: POD, container: 'demo', status: 'Running', restarts: 0, lastExitCode: null, lastReason: null, backoffSeconds: null },
  { pod: POD, container: 'demo', status: 'CrashLoopBackOff', restarts: 1, lastExitCode: 137, lastReason: 'Error', backoffSeconds: 10 },
];

describe('watch.mjs in a generated project', () => {
  it('--help lists its flags and exits 0', () => {
    const r = watch('--help');
    assert.equal(r.status, 0);
    for (const flag of ['--until', '--json', '--record', '--replay', '--svg', '--dry-run', '--help']) assert.match(r.stdout, new RegExp(`^  ${flag}\\b`, 'm'));
  });

  it('--dry-run prints the exact kubectl command and runs nothing', () => {
    rmSync(join(dir, 'kubectl-args.json'), { force: true });
    const r = watch('--dry-run');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'kubectl --context kind-demo get pods -n crash-demo -l app.kubernetes.io/name=demo -w -o json\n');
    assert.ok(!existsSync(join(dir, 'kubectl-args.json')), 'kubectl get never ran');
  });

  it('follows the pods with kubectl get pods -w -o json and prints one JSON object per state', () => {
    const r = watch('--json', '--no-svg');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'kubectl-args.json'), 'utf8')), [
      '--context', 'kind-demo', 'get', 'pods', '-n', 'crash-demo', '-l', 'app.kubernetes.io/name=demo', '-w', '-o', 'json',
    ]);
    assert.deepEqual(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l)), EXPECTED);
  });

  it('records what kubectl sent, and --replay of the recording shows the same states', () => {
    const rec = join(dir, 'watch.jsonl');
    const live = watch('--json', '--no-svg', '--record', rec);
    assert.equal(live.status, 0, live.stderr);
    const lines = readFileSync(rec, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0].recording, 'crash-demo/watch');
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[1].object.metadata.name, POD);
    const replayed = watch('--replay', rec, '--json', '--no-svg');
    assert.equal(replayed.status, 0, replayed.stderr);
    assert.equal(replayed.stdout, live.stdout);
  });

  it('prints the view and the summary in text mode, and the SVG at the end', () => {
    const r = watch('--svg', 'out.svg');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0] ?? '', /^TIME\s+POD\s+CONTAINER\s+READY\s+STATUS\s+RST\s+LAST EXIT\s+KUBELET$/);
    assert.match(lines[2] ?? '', /\+\d+s\s+demo-7c9d8f6b5-abcde\s+demo\s+0\/1\s+CrashLoopBackOff\s+1\s+exit 137 Error\s+kubelet back-off 10s/);
    assert.match(r.stdout, /kubelet back-offs seen: 10s\n/);
    assert.match(readFileSync(join(dir, 'out.svg'), 'utf8'), /<circle class="restart"/);
  });

  // Ctrl-C, kill and a closed terminal alike: kubectl (detached, its own process group) is stopped,
  // the summary and the SVG come out, and the exit says which signal ended it (128 + its number).
  for (const [signal, exit] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`stops on ${signal}: kubectl get -w stopped, the summary and the SVG, exit ${exit}`, async () => {
      const pidFile = join(dir, `kubectl-${signal}.pid`);
      const svg = `${signal}.svg`;
      const child = spawn(process.execPath, ['scripts/watch.mjs', '--json', '--svg', svg], {
        cwd: dir,
        env: { ...env(), KUBECTL_HOLD: '1', KUBECTL_PID_FILE: pidFile },
      });
      let out = '';
      let err = '';
      child.stderr.on('data', (b: Buffer) => (err += b));
      const code = await new Promise<number | null>((done) => {
        child.stdout.on('data', (b: Buffer) => {
          out += b;
          if (out.split('\n').length > EXPECTED.length) child.kill(signal);
        });
        child.on('close', (c) => done(c));
      });
      assert.equal(code, exit, err);
      assert.deepEqual(out.trimEnd().split('\n').map((l) => JSON.parse(l)), EXPECTED);
      assert.match(err, new RegExp(`stopped by ${signal}\nSummary: 2 change\\(s\\) seen`));
      assert.ok(existsSync(join(dir, svg)));
      await waitGone(Number(readFileSync(pidFile, 'utf8')), 'the kubectl get -w that watch started');
    });
  }

  it('--until crashloop ends by itself with exit 0 and stops the kubectl get -w it started', async () => {
    const pidFile = join(dir, 'kubectl-until.pid');
    const r = spawnSync(process.execPath, ['scripts/watch.mjs', '--json', '--no-svg', '--until', 'crashloop'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...env(), KUBECTL_HOLD: '1', KUBECTL_PID_FILE: pidFile },
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l)), EXPECTED);
    await waitGone(Number(readFileSync(pidFile, 'utf8')), 'the kubectl get -w that watch started');
  });

  it('stops when `npm run watch` is stopped with SIGTERM (npm passes it to its sh, which does not pass it on)', async () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'demo', version: '0.1.0', private: true, scripts: { watch: 'node scripts/watch.mjs' } }));
    const pidFile = join(dir, 'kubectl-npm.pid');
    const record = join(dir, 'npm-term.jsonl');
    const npm = spawn('npm', ['run', '--silent', 'watch', '--', '--json', '--no-svg', '--record', record], {
      cwd: dir,
      env: { ...env(), KUBECTL_HOLD: '1', KUBECTL_PID_FILE: pidFile },
    });
    let out = '';
    const npmExited = new Promise<void>((done) => npm.on('exit', () => done())); // not 'close': an orphaned watch would hold its pipes
    await new Promise<void>((done) =>
      npm.stdout.on('data', (b: Buffer) => {
        out += b;
        if (out.split('\n').length > EXPECTED.length) done();
      }),
    );
    const watchPids = scriptProcesses('watch.mjs', record);
    const kubectlPid = Number(readFileSync(pidFile, 'utf8'));
    try {
      assert.equal(watchPids.length, 1, 'one watch.mjs process runs under npm');
      npm.kill('SIGTERM');
      await npmExited;
      await waitGone(watchPids[0]!, 'watch.mjs, whose npm was stopped');
      await waitGone(kubectlPid, 'the kubectl get -w that watch started');
    } finally {
      // A failed run leaves nothing behind either.
      for (const pid of [...watchPids, kubectlPid]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone, as it should be
        }
      }
    }
    // It stopped the way a signal stops it: the recording is complete and closed.
    assert.equal(readFileSync(record, 'utf8').trimEnd().split('\n').length, 1 + EXPECTED.length);
  });

  it('refuses an unwritable --record in one line before kubectl starts', () => {
    rmSync(join(dir, 'kubectl-args.json'), { force: true });
    const r = watch('--record', '/nonexistent/dir/rec.jsonl', '--no-svg');
    assert.equal(r.status, 1);
    assert.equal(r.stderr, '✖ --record /nonexistent/dir/rec.jsonl: directory /nonexistent/dir does not exist (create it, or name a file in an existing directory)\n');
    assert.ok(!existsSync(join(dir, 'kubectl-args.json')), 'kubectl get never ran');
  });

  it('refuses an unwritable --svg in one line before kubectl starts', () => {
    rmSync(join(dir, 'kubectl-args.json'), { force: true });
    const r = watch('--svg', 'scripts');
    assert.equal(r.status, 1);
    assert.equal(r.stderr, '✖ --svg scripts: is a directory: name a file\n');
    assert.ok(!existsSync(join(dir, 'kubectl-args.json')), 'kubectl get never ran');
  });

  // What is not pods is refused, naming what was found; before, each of these printed "0 change(s) seen" and exited 0.
  const notPods: Array<[string, string, RegExp]> = [
    ['truncated JSON', JSON.stringify(podStates()[0]).slice(0, 80), /^✖ --replay truncated-json\.json: the JSON is cut off: it ends inside a value, after 0 complete one\(s\)\n$/],
    ['a Deployment', JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'demo' }, status: { replicas: 1 } }), /^✖ --replay a-deployment\.json: no pods in it: found a Deployment\n$/],
    ['an array of numbers', '[1,2,3]', /^✖ --replay an-array-of-numbers\.json: no pods in it: found an array of numbers\n$/],
    ['an empty List', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }), /^✖ --replay an-empty-list\.json: no pods in it: found an empty List\n$/],
    ['a header-only recording', JSON.stringify({ recording: 'crash-demo/watch', version: 1, command: ['kubectl'], startedAt: '2025-01-01T10:00:00Z' }), /^✖ --replay a-header-only-recording\.json: a watch recording with no pods in it: its header, then nothing\n$/],
    ['a bare Pod', '{"kind":"Pod"}', /^✖ --replay a-bare-pod\.json: a Pod with neither metadata\.name nor status\.containerStatuses: there is nothing to show for it\n$/],
    ['a table header only', 'NAME   READY   STATUS   RESTARTS   AGE\n', /^✖ --replay a-table-header-only\.json: a kubectl table with its header only: no pod rows\n$/],
    ['a Deployment in YAML', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: demo\nstatus:\n  replicas: 1\n', /^✖ --replay a-deployment-in-yaml\.json: no pods in it: found a Deployment\n$/],
  ];
  for (const [what, text, refusal] of notPods) {
    it(`--replay refuses ${what} in one line, exit 1, no SVG`, () => {
      const file = `${what.replace(/ /g, '-').toLowerCase()}.json`;
      writeFileSync(join(dir, file), text);
      const svg = `${file}.svg`;
      const r = watch('--replay', file, '--svg', svg);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stderr, refusal);
      assert.equal(r.stdout, '');
      assert.ok(!existsSync(join(dir, svg)));
    });
  }

  it('--replay of a recording compares with the schedule it was recorded against, not the demo\'s', () => {
    // Recorded on a --fast-backoff cluster (1s doubling, 1m0s cap): the kubelet announced back-off 1s.
    const [running, backingOff] = podStates() as unknown as [Record<string, any>, Record<string, any>];
    backingOff['status'].containerStatuses[0].state.waiting.message = `back-off 1s restarting failed container=demo pod=${POD}_crash-demo(${UID})`;
    const header = { recording: 'crash-demo/watch', version: 1, command: ['kubectl'], startedAt: '2025-01-01T10:00:00Z', schedule: 'kubelet with ReduceDefaultCrashLoopBackOffDecay (1s doubling, 1m0s cap)', backoff: { initialSeconds: 1, maxSeconds: 60 } };
    const lines = [header, { time: '2025-01-01T10:00:01Z', object: running }, { time: '2025-01-01T10:00:06Z', object: backingOff }];
    writeFileSync(join(dir, 'fast.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = watch('--replay', 'fast.jsonl', '--no-svg');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /compared with the schedule the recording was made against: kubelet with ReduceDefaultCrashLoopBackOffDecay \(1s doubling, 1m0s cap\)\n/);
    assert.match(r.stdout, /kubelet back-offs seen: 1s\n\s+the schedule says:\s+1s\s+match/);
    // A header from before `backoff` was written: the numbers come from the schedule's name.
    delete (header as Partial<typeof header>).backoff;
    writeFileSync(join(dir, 'fast-old.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const old = watch('--replay', 'fast-old.jsonl', '--no-svg');
    assert.match(old.stdout, /the schedule says:\s+1s\s+match/);
    // --schedule default names the schedule to compare with: it wins over the recording's.
    const named = watch('--replay', 'fast.jsonl', '--no-svg', '--schedule', 'default');
    assert.match(named.stdout, /the schedule says:\s+10s\s+MISMATCH|the schedule says:\s+10s\s+(?!match)/);
  });

  it('refuses --record together with --replay in one red line', () => {
    const r = watch('--replay', 'x.jsonl', '--record', 'y.jsonl');
    assert.equal(r.status, 1);
    assert.equal(r.stderr, '✖ --record saves a live watch; it cannot be combined with --replay\n');
  });

  it('names a --replay file it cannot read', () => {
    const r = watch('--replay', 'missing.jsonl');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^✖ cannot read --replay missing\.jsonl: ENOENT/);
  });

  it('rejects an --until it does not know, listing the valid one', () => {
    const r = watch('--until', 'forever');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--until "forever" is not valid: use one of crashloop/);
  });
});

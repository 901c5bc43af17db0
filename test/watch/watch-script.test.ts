// scripts/watch.mjs as a user runs it in a generated project: --help, --dry-run, a live watch (a
// stand-in kubectl on PATH prints what `kubectl get pods -w -o json` prints), --record then
// --replay, Ctrl-C, and the one-red-line errors.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { resolveOptions } from '../../src/index.js';
import { OPTION_RULES_FILE, renderDemo } from '../../src/render.js';

const projectRoot = resolve(fileURLToPath(import.meta.url), '../../..');

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

/** A generated-project stand-in: scripts/ copied verbatim, the generated crash-demo.json and options table, zx reachable. */
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'watch-script-'));
  cpSync(resolve(projectRoot, 'templates/common/scripts'), join(dir, 'scripts'), { recursive: true });
  symlinkSync(resolve(projectRoot, 'node_modules'), join(dir, 'node_modules'));
  const files = renderDemo(resolveOptions({ name: 'demo' }));
  for (const path of ['crash-demo.json', OPTION_RULES_FILE]) writeFileSync(join(dir, path), files.get(path)!);
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

  it('stops on Ctrl-C, then prints the summary and writes the SVG', async () => {
    const child = spawn(process.execPath, ['scripts/watch.mjs', '--json', '--svg', 'ctrl-c.svg'], { cwd: dir, env: { ...env(), KUBECTL_HOLD: '1' } });
    let out = '';
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b));
    const code = await new Promise<number | null>((done) => {
      child.stdout.on('data', (b: Buffer) => {
        out += b;
        if (out.split('\n').length > EXPECTED.length) child.kill('SIGINT');
      });
      child.on('close', (c) => done(c));
    });
    assert.equal(code, 0, err);
    assert.deepEqual(out.trimEnd().split('\n').map((l) => JSON.parse(l)), EXPECTED);
    assert.match(err, /Summary: 2 change\(s\) seen/);
    assert.ok(existsSync(join(dir, 'ctrl-c.svg')));
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

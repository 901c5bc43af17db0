// `npm run watch` live, during a real crash loop: every state it prints must be one the apiserver's
// own printer (server-side `kubectl get pod` table) showed for the same pod, and our port of
// kubectl's printPod must agree with that printer on every pod version seen (matched by
// resourceVersion: the same object, printed twice).
//
// With CRASH_DEMO_KEEP_RECORDING=DIR the recording and the apiserver's rows are kept in DIR: that
// is how test/fixtures/cluster/ was made (see its README).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { printPod, type Pod } from '../../src/runtime/kube/podstatus.mjs';
import { buildAndLoad, contextFlags, npmRun, useCluster, watchTable } from './support.js';

const use = useCluster();
const { scratch } = use;

interface JsonState {
  pod: string;
  status: string;
  restarts: number;
}

test('watch --json --record during a real crash loop prints only states the apiserver printed, and printPod agrees with it on every pod version', async () => {
  const k = use.cluster;
  const demo = await scratch.scaffold('w-timer', ['--runtime', 'python', '--pid1', 'exec', '--crash', 'halt-supervisor', '--trigger', 'timer', '--after', '4']);
  await buildAndLoad(k, demo);
  const { namespace, name } = demo.saved.options;
  const table = watchTable(k, namespace, `app.kubernetes.io/name=${name}`);
  const recording = join(scratch.root, 'watch.jsonl');

  // Started before the deploy, so it sees the pod from its first version on.
  const watch = spawn('npm', ['run', '--silent', 'watch', '--', '--json', '--record', recording, '--no-svg', '--until', 'crashloop', ...contextFlags(k)], {
    cwd: demo.dir,
    env: k.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  watch.stdout.on('data', (b: Buffer) => (out += b.toString()));
  watch.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((resolve) => watch.on('close', resolve));
  const guard = setTimeout(() => watch.kill('SIGKILL'), 300_000);
  try {
    await npmRun(k, demo, 'deploy', [...contextFlags(k)]);
    assert.equal(await exited, 0, `watch --until crashloop ends by itself, exit 0\n${err}`);
  } finally {
    clearTimeout(guard);
    table.stop();
  }

  const printed = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as JsonState);
  assert.ok(printed.some((s) => s.status === 'CrashLoopBackOff'), `watch printed CrashLoopBackOff: ${out}`);
  const real = table.rows;
  assert.ok(real.length >= 4, `the apiserver printed the pod at least 4 times (${real.length})`);

  // 1. printPod agrees with the apiserver's printer on every version the apiserver printed.
  for (const row of real) {
    const ours = printPod(row.pod as Pod);
    const where = `resourceVersion ${row.resourceVersion}`;
    assert.equal(ours.status, row.status, `STATUS at ${where}`);
    assert.equal(ours.ready, row.ready, `READY at ${where}`);
    assert.equal(ours.restarts, Number.parseInt(row.restarts, 10), `RESTARTS at ${where} (${row.restarts})`);
  }
  // 2. Everything watch printed is a state the apiserver printed too.
  const seen = new Set(real.map((r) => `${r.status}/${Number.parseInt(r.restarts, 10)}`));
  for (const s of printed) assert.ok(seen.has(`${s.status}/${s.restarts}`), `watch printed ${s.status} with ${s.restarts} restarts; the apiserver printed ${[...seen].join(', ')}`);
  // 3. The recording holds what kubectl sent, version for version.
  const recorded = readFileSync(recording, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as { object: { metadata: { resourceVersion: string } } });
  const realVersions = new Set(real.map((r) => r.resourceVersion));
  for (const r of recorded) assert.ok(realVersions.has(r.object.metadata.resourceVersion), `recorded version ${r.object.metadata.resourceVersion} was printed by the apiserver`);

  const keep = process.env['CRASH_DEMO_KEEP_RECORDING'];
  if (keep) {
    copyFileSync(recording, join(keep, 'watch-timer-halt.jsonl'));
    writeFileSync(join(keep, 'apiserver-table-timer-halt.json'), JSON.stringify(real.map(({ pod: _pod, ...r }) => r), null, 1) + '\n');
  }
  const states = [...new Set(printed.map((s) => s.status))].join(' -> ');
  console.log(`watch saw ${printed.length} state(s): ${states}; the apiserver printed ${real.length} version(s) on Kubernetes ${k.k8sVersion}`);
});

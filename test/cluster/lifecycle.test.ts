// The demo's other scripts on a real cluster: `npm run demo` end to end, `inspect` (who is PID 1 in
// the pod), `teardown` (removes what the demo created and nothing else, and refuses a namespace the
// demo did not create), StatefulSet demos that crash and that refuse to, and the self-firing
// triggers (random; timer and startup run in watch-live and backoff).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pid1Comm } from '../../src/index.js';
import { ensureBaseImage } from '../support/base-images.js';
import { predictionHere } from '../support/crash-proof.js';
import { waitFor } from '../support/docker.js';
import { assertOutcome, buildAndLoad, contextFlags, kubectl, npmRun, podView, useCluster, watchTable, type Cluster, type ClusterDemo } from './support.js';

const use = useCluster();
const { scratch } = use;

const namespaceExists = async (k: Cluster, ns: string) =>
  (await kubectl(k, ['get', 'namespace', ns, '--ignore-not-found', '-o', 'name'])).stdout.trim() !== '';

/** Deploys (or runs `run`) under a table watch and asserts the predicted outcome on it. */
async function deployAndAssert(k: Cluster, demo: ClusterDemo, run: () => Promise<unknown>, timeoutMs = 180_000): Promise<void> {
  const { namespace, name } = demo.saved.options;
  const table = watchTable(k, namespace, `app.kubernetes.io/name=${name}`);
  try {
    await run();
    await assertOutcome(k, demo, table, predictionHere(demo.saved), timeoutMs);
  } finally {
    table.stop();
  }
}

test('npm run demo builds, loads, deploys, fires the crashes under watch and ends at CrashLoopBackOff; inspect shows the predicted PID 1; teardown removes the demo and nothing else', async () => {
  const k = use.cluster;
  const demo = await scratch.scaffold('l-node-tini', ['--runtime', 'node', '--pid1', 'tini', '--crash', 'kill-parent']);
  const neighbour = await scratch.scaffold('l-neighbour', ['--runtime', 'node', '--pid1', 'exec', '--crash', 'exit-worker']);
  await buildAndLoad(k, neighbour);
  await npmRun(k, neighbour, 'deploy', [...contextFlags(k)]);

  const base = (await ensureBaseImage('node')).tag;
  let shown = '';
  await deployAndAssert(k, demo, async () => {
    shown = (await npmRun(k, demo, 'demo', ['--base-image', base, '--network', 'host', ...contextFlags(k)], { timeoutMs: 15 * 60_000 })).stdout;
  });
  assert.match(shown, /CrashLoopBackOff/, 'watch, inside demo, showed the crash loop');

  // inspect execs into the running container: wait for the restarted one to run.
  await waitFor('the container running again', async () => ((await podView(k, demo))?.running ? true : undefined), { timeoutMs: 120_000, intervalMs: 1_000 });
  const inspected = await npmRun(k, demo, 'inspect', [...contextFlags(k)]);
  assert.match(inspected.stdout, new RegExp(`Name:\\s+${pid1Comm('node', 'tini')}\\b`), 'PID 1 is tini');
  assert.equal(demo.saved.outcome.pid1, pid1Comm('node', 'tini'));
  assert.match(inspected.stdout, /Uid:\s+10001\s/, 'and runs as 10001');

  await npmRun(k, demo, 'teardown', [...contextFlags(k)]);
  await waitFor('the demo namespace gone', async () => ((await namespaceExists(k, demo.saved.options.namespace)) ? undefined : true), { timeoutMs: 120_000, intervalMs: 1_000 });
  assert.ok(await namespaceExists(k, neighbour.saved.options.namespace), "the other demo's namespace is still there");
  assert.ok((await podView(k, neighbour))?.running, "and its pod still runs");
  for (const ns of ['default', 'kube-system']) assert.ok(await namespaceExists(k, ns), `${ns} is untouched`);
});

test('deploy and teardown refuse, for real, a namespace the demo did not create, and leave it as it was', async () => {
  const k = use.cluster;
  const foreign = 'l-not-the-demos';
  await kubectl(k, ['create', 'namespace', foreign]);
  try {
    await kubectl(k, ['-n', foreign, 'create', 'configmap', 'keep-me', '--from-literal=a=b']);
    const demo = await scratch.scaffold('l-foreign', ['--runtime', 'python'], { namespace: foreign });
    for (const script of ['deploy', 'teardown']) {
      const r = await npmRun(k, demo, script, [...contextFlags(k)], { allowFail: true });
      assert.notEqual(r.code, 0, `${script} exits non-zero`);
      assert.match(r.stderr, new RegExp(`namespace "${foreign}"`), `${script} names the namespace: ${r.stderr}`);
    }
    assert.equal((await kubectl(k, ['-n', foreign, 'get', 'configmap', 'keep-me', '-o', 'name'])).stdout.trim(), 'configmap/keep-me');
    const labels = JSON.parse((await kubectl(k, ['get', 'namespace', foreign, '-o', 'jsonpath={.metadata.labels}'])).stdout || '{}') as Record<string, string>;
    assert.equal(labels['pod-security.kubernetes.io/enforce'], undefined, 'deploy did not relabel it');
    assert.equal((await kubectl(k, ['-n', foreign, 'get', 'deployments', '-o', 'name'])).stdout.trim(), '', 'nothing was applied');
  } finally {
    await kubectl(k, ['delete', 'namespace', foreign, '--wait=false'], { allowFail: true });
  }
});

test('an image never loaded: the kubelet shows ErrImageNeverPull (no pull is tried) and deploy says npm run load is the fix; a second demo may not deploy into, or tear down, the first one\'s namespace', async () => {
  const k = use.cluster;
  const owner = await scratch.scaffold('l-never-loaded', ['--runtime', 'python', '--pid1', 'exec']);
  const { namespace } = owner.saved.options;
  const deployed = await npmRun(k, owner, 'deploy', [...contextFlags(k), '--timeout', '20s'], { allowFail: true });
  assert.notEqual(deployed.code, 0, 'deploy fails');
  assert.equal(
    deployed.stderr.trim().split('\n').at(-1),
    `✖ the pod shows ErrImageNeverPull: the image ${owner.image} is not in the cluster (it is never pulled). Load it: npm run load, then npm run deploy again`,
  );
  const pod = JSON.parse((await kubectl(k, ['-n', namespace, 'get', 'pods', '-l', `app.kubernetes.io/name=${owner.name}`, '-o', 'json'])).stdout) as {
    items: Array<{ status?: { containerStatuses?: Array<{ state?: { waiting?: { reason?: string } } }> } }>;
  };
  assert.equal(pod.items[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'ErrImageNeverPull', "the kubelet's own reason");

  // Another demo, generated into the same namespace: refused by both scripts, naming the owner.
  const other = await scratch.scaffold('l-second-demo', ['--runtime', 'node'], { namespace });
  for (const script of ['deploy', 'teardown']) {
    const r = await npmRun(k, other, script, [...contextFlags(k)], { allowFail: true });
    assert.notEqual(r.code, 0, `${script} exits non-zero`);
    assert.match(r.stderr, new RegExp(`namespace "${namespace}".* belongs to the demo "${owner.name}"|it belongs to the demo "${owner.name}"`), `${script}: ${r.stderr}`);
  }
  assert.ok(await namespaceExists(k, namespace), 'the namespace is still there');
  assert.equal((await kubectl(k, ['-n', namespace, 'get', 'deployments', '-o', 'name'])).stdout.trim(), `deployment.apps/${owner.name}`, "only the owner's Deployment, untouched");

  await npmRun(k, owner, 'teardown', [...contextFlags(k)]);
  await waitFor('the namespace gone', async () => ((await namespaceExists(k, namespace)) ? undefined : true), { timeoutMs: 120_000, intervalMs: 1_000 });
});

describe('StatefulSet demos, and the random trigger', { concurrency: 3 }, () => {
  const cases: { name: string; flags: string[]; fire: boolean }[] = [
    { name: 's-py-halt', flags: ['--runtime', 'python', '--pid1', 'exec', '--crash', 'halt-supervisor', '--workload', 'statefulset'], fire: true },
    { name: 's-py-refuses', flags: ['--runtime', 'python', '--pid1', 'exec', '--crash', 'kill-parent', '--workload', 'statefulset'], fire: true },
    { name: 's-node-shell', flags: ['--runtime', 'node', '--pid1', 'shell', '--crash', 'kill-parent', '--workload', 'statefulset'], fire: true },
    { name: 's-node-refuses', flags: ['--runtime', 'node', '--pid1', 'exec', '--crash', 'exit-worker', '--workload', 'statefulset'], fire: true },
    { name: 'r-py-random', flags: ['--runtime', 'python', '--pid1', 'tini', '--crash', 'halt-supervisor', '--trigger', 'random', '--probability', '0.5'], fire: false },
  ];
  for (const t of cases) {
    test(`${t.name} (${t.flags.filter((f) => !f.startsWith('--')).join(', ')}) does what crash-demo.json says`, async () => {
      const k = use.cluster;
      const demo = await scratch.scaffold(t.name, t.flags);
      await buildAndLoad(k, demo);
      await deployAndAssert(k, demo, async () => {
        // A random crash may fire before the pod was ever ready: deploy then times out waiting.
        await npmRun(k, demo, 'deploy', [...contextFlags(k), '--timeout', '60s'], { allowFail: !t.fire });
        if (t.fire) await npmRun(k, demo, 'crash', ['--times', '2', ...contextFlags(k)]);
      }, 300_000);
      if (demo.saved.options.workload === 'statefulset') {
        const pod = await podView(k, demo);
        assert.equal(pod?.name, `${t.name}-0`, 'the StatefulSet names its pod NAME-0');
      }
    });
  }
});


// A speaker previewing offline: every script's --dry-run without a kube context (or without
// kubectl) still prints its commands, with the context `npm run cluster` would create, and says so.
// And npm run cluster itself: what it creates for each --cluster, and that it never touches a
// cluster of the demo's name that exists already (kind is not installed here: a stand-in that
// lists clusters and records its calls). Flags mistyped to any script get a "did you mean".
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlStandIn, makeBin, makeProject, kubeconfig, oneLine, runScript } from '../../support/project.js';
import { requireCurrentBuild } from '../../support/build.js';

requireCurrentBuild();

const NOTE = /^dry run without a cluster \((no current kube context|kubectl is not installed)\): the commands below show --context (\S+), the context `npm run cluster` creates; a real run needs that cluster \(or another local one\)$/m;

describe('--dry-run without a cluster', { concurrency: true }, () => {
  const project = makeProject({ cluster: 'auto' });
  const noContext = kubeconfig('', []);

  for (const script of ['deploy', 'load', 'crash', 'watch', 'inspect', 'teardown', 'demo']) {
    test(`${script} --dry-run with no current context: exit 0, its commands with --context kind-demo, and a note saying so`, async () => {
      const bin = makeBin({ kubectl: 'logged', docker: 'real' });
      const r = await runScript(project, script, ['--dry-run'], { bin, kubeconfig: noContext });
      assert.equal(r.code, 0, r.stderr);
      const note = NOTE.exec(r.stderr);
      assert.ok(note, r.stderr);
      assert.equal(note[1], 'no current kube context');
      assert.equal(note[2], 'kind-demo');
      const kubectl = r.lines.filter((l) => l.startsWith('kubectl '));
      if (script !== 'load') assert.ok(kubectl.length > 0, r.stdout);
      for (const l of kubectl) assert.match(l, /^kubectl --context kind-demo /);
      if (script === 'load' || script === 'demo') assert.ok(r.lines.includes('kind load docker-image demo:0.1.0 --name demo'), r.stdout);
      // Only the kubeconfig and the local k8s/ were read: nothing was sent to any cluster.
      for (const call of bin.calls().filter((c) => c.startsWith('kubectl'))) assert.match(call, /^kubectl (config (current-context|view -o json)|kustomize k8s)$/);
    });
  }

  test('deploy --dry-run without kubectl at all: the commands, and a note that k8s/ was not checked', async () => {
    const r = await runScript(project, 'deploy', ['--dry-run'], { bin: makeBin({}), kubeconfig: noContext });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(NOTE.exec(r.stderr)?.[1], 'kubectl is not installed');
    assert.match(r.stderr, /^kubectl is not installed: this dry run does not check what k8s\/ renders \(a real run does\)$/m);
    assert.ok(r.lines.includes('kubectl --context kind-demo apply -k k8s'), r.stdout);
  });

  test('a real run with no current context still fails, naming npm run cluster', async () => {
    const bin = makeBin({ kubectl: 'logged' });
    const r = await runScript(project, 'deploy', [], { bin, kubeconfig: noContext });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^✖ no current kube context: start a local cluster \(`npm run cluster` creates one\) or pass --context NAME/);
  });
});

/** A kind stand-in: `kind get clusters` prints $FAKE_KIND_CLUSTERS; every call is recorded. */
function kindStandIn() {
  const bin = makeBin({ kubectl: 'real' });
  writeFileSync(
    join(bin.dir, 'kind'),
    [
      '#!/bin/bash',
      `printf '%s\\n' "kind $*" >> '${join(bin.dir, '.calls')}'`,
      'case "$*" in',
      '  "get clusters") [ -n "$FAKE_KIND_CLUSTERS" ] && printf "%s\\n" $FAKE_KIND_CLUSTERS; exit 0;;',
      '  "create cluster "*) echo "Creating cluster ..." >&2; exit 0;;',
      '  *) exit 99;;',
      'esac',
      '',
    ].join('\n'),
  );
  chmodSync(join(bin.dir, 'kind'), 0o755);
  return bin;
}

/**
 * A minikube or k3d stand-in: its list command (`minikube profile list -o json`, `k3d cluster list
 * -o json`) prints $FAKE_LIST as the tool's JSON; every call is recorded, and any other call exits 0.
 */
function listingStandIn(tool: string, list: string) {
  const bin = makeBin({ kubectl: 'real' });
  writeFileSync(
    join(bin.dir, tool),
    [
      '#!/bin/bash',
      `printf '%s\\n' "${tool} $*" >> '${join(bin.dir, '.calls')}'`,
      `[ "$*" = "${list}" ] && printf '%s\\n' "$FAKE_LIST"`,
      'exit 0',
      '',
    ].join('\n'),
  );
  chmodSync(join(bin.dir, tool), 0o755);
  return bin;
}

describe('npm run cluster', { concurrency: true }, () => {
  const kc = kubeconfig('', []);
  for (const [raw, expected] of [
    [{ cluster: 'auto' }, ['kind get clusters', 'kind create cluster --name demo']],
    [{ cluster: 'kind', fastBackoff: true }, ['kind get clusters', 'kind create cluster --name demo --config kind-config.yaml']],
    [{ cluster: 'minikube' }, ['minikube profile list -o json', 'minikube start --profile demo']],
    [{ cluster: 'k3d' }, ['k3d cluster list -o json', 'k3d cluster create demo']],
  ] as const) {
    test(`--cluster ${raw.cluster}${'fastBackoff' in raw ? ' --fast-backoff' : ''}: --dry-run prints ${expected[1]}`, async () => {
      const r = await runScript(makeProject(raw), 'cluster', ['--dry-run'], { bin: makeBin({}), kubeconfig: kc });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.lines, expected);
    });
  }

  for (const [cluster, why] of [
    ['docker-desktop', /^✖ Docker Desktop's cluster is not created by a command: switch it on in Docker Desktop/],
    ['containerd', /^✖ --cluster containerd is a node you bring up yourself .*: npm run cluster creates kind, minikube or k3d clusters only$/m],
  ] as const) {
    test(`--cluster ${cluster}: refused in one line, exit 1`, async () => {
      const r = await runScript(makeProject({ cluster }), 'cluster', [], { bin: makeBin({}), kubeconfig: kc });
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, why);
    });
  }

  test('a kind cluster of the demo\'s name exists: refused, and kind is never asked to create one', async () => {
    const bin = kindStandIn();
    const r = await runScript(makeProject({ cluster: 'auto' }), 'cluster', [], { bin, kubeconfig: kc, env: { FAKE_KIND_CLUSTERS: 'other demo' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^✖ a kind cluster named "demo" already exists: npm run cluster creates a new one and never reuses or replaces one/m);
    assert.deepEqual(bin.calls().filter((c) => c.startsWith('kind')), ['kind get clusters']);
  });

  // What each tool prints for its clusters: a profile minikube cannot load is listed as invalid.
  for (const [cluster, list, what, listed] of [
    ['minikube', 'profile list -o json', 'a profile', { invalid: [], valid: [{ Name: 'other', Status: 'Running' }, { Name: 'demo', Status: 'Running' }] }],
    ['minikube', 'profile list -o json', 'a broken profile', { invalid: [{ Name: 'demo' }], valid: [{ Name: 'other', Status: 'Running' }] }],
    ['k3d', 'cluster list -o json', 'a cluster', [{ name: 'other', serversCount: 1 }, { name: 'demo', serversCount: 1 }]],
  ] as const) {
    test(`${what} named like the demo in ${cluster}'s list: refused, and ${cluster} is never asked to create one`, async () => {
      const bin = listingStandIn(cluster, list);
      const r = await runScript(makeProject({ cluster }), 'cluster', [], { bin, kubeconfig: kc, env: { FAKE_LIST: JSON.stringify(listed) } });
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, new RegExp(`^✖ a ${cluster} cluster named "demo" already exists: npm run cluster creates a new one and never reuses or replaces one`, 'm'));
      assert.deepEqual(bin.calls().filter((c) => c.startsWith(cluster)), [`${cluster} ${list}`]);
    });
  }

  for (const [cluster, list, listed, create] of [
    ['minikube', 'profile list -o json', { invalid: [], valid: [{ Name: 'demo-2', Status: 'Running' }] }, 'start --profile demo'],
    ['k3d', 'cluster list -o json', [{ name: 'demo-2', serversCount: 1 }], 'cluster create demo'],
  ] as const) {
    test(`only other ${cluster} clusters (demo-2): ${cluster} ${create} is run`, async () => {
      const bin = listingStandIn(cluster, list);
      const r = await runScript(makeProject({ cluster }), 'cluster', [], { bin, kubeconfig: kc, env: { FAKE_LIST: JSON.stringify(listed) } });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(bin.calls().filter((c) => c.startsWith(cluster)), [`${cluster} ${list}`, `${cluster} ${create}`]);
    });
  }

  test('no kind cluster of that name: created with the kind config, and the next step said', async () => {
    const bin = kindStandIn();
    const r = await runScript(makeProject({ cluster: 'kind', fastBackoff: true }), 'cluster', [], { bin, kubeconfig: kc, env: { FAKE_KIND_CLUSTERS: 'other' } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(bin.calls().filter((c) => c.startsWith('kind')), ['kind get clusters', 'kind create cluster --name demo --config kind-config.yaml']);
    assert.match(r.stdout, /^created the kind cluster "demo" \(kube context kind-demo\): next, npm run demo$/m);
  });
});

test('a mistyped flag to a script: "did you mean", as the bin does', async () => {
  const project = makeProject({});
  const r = await runScript(project, 'rehearse', ['--netwrok', 'host'], { bin: makeBin({}), kubeconfig: kubeconfig('', []) });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "✖ Unknown option '--netwrok'. Did you mean --network? See: node scripts/rehearse.mjs --help\n");
});

test('a flag name started but not finished names the one flag it starts; a bare -- or --= is never taken for --yes', async () => {
  const project = makeProject({});
  const said = async (args: string[]) => {
    const bin = makeBin({});
    const r = await runScript(project, 'deploy', args, { bin, kubeconfig: kubeconfig('', []) });
    assert.equal(r.code, 1);
    assert.deepEqual(bin.calls(), [], 'no tool ran');
    return oneLine(r.stderr);
  };
  assert.equal(await said(['--ti', '2m']), "✖ Unknown option '--ti'. Did you mean --timeout? See: node scripts/deploy.mjs --help");
  assert.equal(await said(['--=']), "✖ Unknown option '--='. See: node scripts/deploy.mjs --help");
});

test("deploy --timeout takes what kubectl's --timeout takes, and refuses anything else before any tool runs", async () => {
  const project = makeProject({});
  for (const bad of ['banana', '5', '2 m', '1h-30m']) {
    const bin = makeBin({});
    const r = await runScript(project, 'deploy', ['--timeout', bad], { bin, kubeconfig: kubeconfig('', []) });
    assert.equal(r.code, 1, bad);
    assert.equal(oneLine(r.stderr), `✖ --timeout ${JSON.stringify(bad)} is not a duration: give a number with a unit, e.g. --timeout 120s (or 2m, 1m30s)`);
    assert.deepEqual(bin.calls(), [], `no tool ran for --timeout ${bad}`);
  }
  // Each of these is one Go's time.ParseDuration reads: the dry run shows it passed on to kubectl.
  for (const good of ['90s', '1m30s', '0', '1.5h', '500ms']) {
    const fake = kubectlStandIn();
    const r = await runScript(project, 'deploy', ['--dry-run', `--timeout=${good}`], { bin: fake.bin, kubeconfig: kubeconfig('kind-demo') });
    assert.equal(r.code, 0, `${good}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`rollout status deployment/demo --timeout=${good.replace('.', '\\.')}$`, 'm'));
  }
});

test("a flag whose value is missing, because the next word starts with '-': one line naming the flag and an example, one period", async () => {
  const project = makeProject({});
  const bin = makeBin({});
  const r = await runScript(project, 'deploy', ['--timeout', '--dry-run'], { bin, kubeconfig: kubeconfig('', []) });
  assert.equal(r.code, 1);
  assert.equal(
    oneLine(r.stderr),
    `✖ --timeout needs a value, e.g. --timeout 120s (the next word, "--dry-run", starts with '-', so it is not one). See: node scripts/deploy.mjs --help`,
  );
  assert.deepEqual(bin.calls(), []);
});

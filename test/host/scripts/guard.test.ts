// The context guard: a crash demo must never land on a cluster that is not recognisably local, and
// a cluster is local by where its API server is (loopback), not by what its context is called.
// kubectl here is a logging shim that records each call and then runs the real kubectl, so the
// tests can prove what was (not) run; docker is a placeholder that records calls and never builds.
// "prod-eu" and any context given REMOTE_SERVER point at an address that is never contacted.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { REMOTE_SERVER, makeBin, makeProject, kubeconfig as anyKubeconfig, runScript } from '../../support/project.js';
import { requireCurrentBuild } from '../../support/build.js';

requireCurrentBuild();

const KUBE_SCRIPTS = ['deploy', 'teardown', 'crash', 'inspect', 'load', 'demo'];
const project = makeProject({ cluster: 'auto' });
const READ_KUBECONFIG = ['kubectl config current-context', 'kubectl config view -o json'];

/** The tests' kubeconfig: prod-eu is a remote cluster, every other context is on loopback. */
function kubeconfig(current: string, contexts: string[] = [current], servers: Record<string, string | null> = {}) {
  return anyKubeconfig(current, contexts, { 'prod-eu': REMOTE_SERVER, ...servers });
}

/** Every call the kubectl shim saw only read local files: the kubeconfig, and k8s/ through kustomize. */
function onlyReadTheKubeconfig(calls: string[]) {
  for (const call of calls) assert.match(call, /^kubectl (config (current-context|get-contexts -o name|view -o json)|kustomize k8s)$/, `unexpected call: ${call}`);
}

describe('a context that is not recognisably local (kubectl: logging shim over the real kubectl)', { concurrency: true }, () => {
  for (const script of KUBE_SCRIPTS) {
    test(`${script} refuses the current context "prod-eu" with exit 1, says why and how to confirm, and runs nothing`, async () => {
      const bin = makeBin({ kubectl: 'logged', docker: 'placeholder' });
      const r = await runScript(project, script, [], { bin, kubeconfig: kubeconfig('prod-eu') });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line: ${r.stderr}`);
      assert.match(lines[0]!, /^✖ refusing kube context "prod-eu": it is not recognisably a local cluster \(its server https:\/\/192\.0\.2\.10:6443 is not on this machine/);
      assert.match(lines[0]!, /must never land on a shared or production cluster by accident/);
      assert.match(lines[0]!, /--context prod-eu --yes$/);
      const calls = bin.calls();
      assert.deepEqual(calls, READ_KUBECONFIG, 'it read the kubeconfig and ran nothing else');
    });
  }

  test('--yes alone does not confirm the current context: the context must be named', async () => {
    const bin = makeBin({ kubectl: 'logged' });
    const r = await runScript(project, 'deploy', ['--yes'], { bin, kubeconfig: kubeconfig('prod-eu') });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refusing kube context "prod-eu"/);
    onlyReadTheKubeconfig(bin.calls());
  });

  test('--context prod-eu without --yes is refused too', async () => {
    const bin = makeBin({ kubectl: 'logged' });
    const r = await runScript(project, 'teardown', ['--context', 'prod-eu'], { bin, kubeconfig: kubeconfig('kind-demo', ['kind-demo', 'prod-eu']) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refusing kube context "prod-eu".*--context prod-eu --yes/);
    onlyReadTheKubeconfig(bin.calls());
  });

  test('--dry-run does not get past the guard either', async () => {
    const bin = makeBin({ kubectl: 'logged' });
    const r = await runScript(project, 'deploy', ['--dry-run'], { bin, kubeconfig: kubeconfig('prod-eu') });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /refusing kube context "prod-eu"/);
  });

  test('--context prod-eu --yes is accepted, and every kubectl call carries --context prod-eu', async () => {
    const bin = makeBin({ kubectl: 'logged' });
    const r = await runScript(project, 'deploy', ['--context', 'prod-eu', '--yes', '--dry-run'], { bin, kubeconfig: kubeconfig('kind-demo', ['kind-demo', 'prod-eu']) });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.lines, [
      'kubectl --context prod-eu get namespace crash-demo --ignore-not-found -o json',
      'kubectl --context prod-eu apply -k k8s',
      'kubectl --context prod-eu -n crash-demo rollout status deployment/demo --timeout=120s',
    ]);
    onlyReadTheKubeconfig(bin.calls());
  });
});

describe('which context, exactly', { concurrency: true }, () => {
  test('a named local context wins over the current one and goes into every kubectl call', async () => {
    const bin = makeBin({ kubectl: 'logged' });
    const r = await runScript(project, 'teardown', ['--context', 'kind-other', '--dry-run'], { bin, kubeconfig: kubeconfig('prod-eu', ['prod-eu', 'kind-other']) });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.lines, [
      'kubectl --context kind-other get namespace crash-demo --ignore-not-found -o json',
      'kubectl --context kind-other delete -k k8s --ignore-not-found',
    ]);
  });

  test('a --context that is not in the kubeconfig is refused, even with --yes', async () => {
    const bin = makeBin({ kubectl: 'logged' });
    const r = await runScript(project, 'deploy', ['--context', 'kind-typo', '--yes'], { bin, kubeconfig: kubeconfig('kind-demo') });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^✖ kube context "kind-typo" is not in your kubeconfig/);
    onlyReadTheKubeconfig(bin.calls());
  });

  test('no current context: one line saying how to get one, exit 1, nothing run', async () => {
    const bin = makeBin({ kubectl: 'logged' });
    const r = await runScript(project, 'deploy', [], { bin, kubeconfig: kubeconfig('', ['kind-demo']) });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /^✖ no current kube context: start a local cluster \(`npm run cluster` creates one\) or pass --context NAME/);
    onlyReadTheKubeconfig(bin.calls());
  });

  test('demo checks the context before it builds anything (docker: placeholder, never run)', async () => {
    const bin = makeBin({ kubectl: 'logged', docker: 'placeholder' });
    const r = await runScript(project, 'demo', [], { bin, kubeconfig: kubeconfig('prod-eu') });
    assert.equal(r.code, 1);
    assert.ok(!bin.calls().some((c) => c.startsWith('docker')), 'docker was never called');
  });
});

describe('a context is judged by its server, not by its name', { concurrency: true }, () => {
  for (const script of ['deploy', 'teardown']) {
    test(`${script} refuses "kind-kind" when its server is elsewhere: its name is not enough, and nothing is sent`, async () => {
      const bin = makeBin({ kubectl: 'logged' });
      const r = await runScript(project, script, [], { bin, kubeconfig: kubeconfig('kind-kind', ['kind-kind'], { 'kind-kind': REMOTE_SERVER }) });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.deepEqual(r.stderr.trim().split('\n'), [
        '✖ refusing kube context "kind-kind": it is not recognisably a local cluster (its server https://192.0.2.10:6443 is not on ' +
          "this machine (loopback: 127.0.0.0/8, ::1, localhost), although its name looks like kind's), and a crash demo must never " +
          'land on a shared or production cluster by accident. If it really is a throwaway cluster, name it: --context kind-kind --yes',
      ]);
      assert.deepEqual(bin.calls(), READ_KUBECONFIG, 'it read the kubeconfig and called no cluster');
    });
  }

  for (const [name, server] of [
    ['lab', 'https://127.0.0.1:6443'],
    ['team-sandbox', 'https://127.42.0.9:443'],
    ['ipv6-lab', 'https://[::1]:6443'],
    ['named-host', 'https://localhost:6443'],
  ] as const) {
    test(`"${name}" with its server on ${server} is local whatever it is called: accepted without --yes`, async () => {
      const bin = makeBin({ kubectl: 'logged' });
      const r = await runScript(project, 'teardown', ['--dry-run'], { bin, kubeconfig: kubeconfig(name, [name], { [name]: server }) });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.lines.at(-1), `kubectl --context ${name} delete -k k8s --ignore-not-found`);
      onlyReadTheKubeconfig(bin.calls());
    });
  }

  test('a context whose cluster is not in the kubeconfig is refused, naming it, even when confirmed with --yes', async () => {
    const bin = makeBin({ kubectl: 'logged' });
    const kc = kubeconfig('kind-demo', ['kind-demo', 'kind-orphan'], { 'kind-orphan': null });
    const r = await runScript(project, 'deploy', ['--context', 'kind-orphan', '--yes'], { bin, kubeconfig: kc });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.deepEqual(r.stderr.trim().split('\n'), [
      '✖ refusing kube context "kind-orphan": it names the cluster "cluster-kind-orphan", which is not in the kubeconfig\'s clusters, ' +
        'so kubectl would fall back to http://localhost:8080. Fix it with: kubectl config set-context kind-orphan --cluster NAME ' +
        '(kubectl config get-clusters lists them)',
    ]);
    onlyReadTheKubeconfig(bin.calls());
  });

  test('the current context without a cluster entry is refused the same way', async () => {
    const bin = makeBin({ kubectl: 'logged' });
    const r = await runScript(project, 'inspect', [], { bin, kubeconfig: kubeconfig('kind-orphan', ['kind-orphan'], { 'kind-orphan': null }) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^✖ refusing kube context "kind-orphan": it names the cluster "cluster-kind-orphan", which is not in the kubeconfig's clusters/);
    assert.deepEqual(bin.calls(), READ_KUBECONFIG);
  });
});

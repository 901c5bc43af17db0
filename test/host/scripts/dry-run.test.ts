// --dry-run prints the exact commands each script would run, one per line, for every kind of local
// cluster, and runs nothing. The scripts are the generated ones, run with node as a user would;
// the kube context comes from a real kubeconfig read by the real kubectl.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBin, makeProject, kubeconfig, runScript, type Bin } from '../../support/project.js';
import type { RawOptions } from '../../../src/index.js';
import { requireCurrentBuild } from '../../support/build.js';

requireCurrentBuild();

interface Case {
  title: string;
  raw: RawOptions;
  context: string;
  args?: string[];
  /** the line load.mjs prints, or null when there is nothing to load */
  load: string | null;
}

const CASES: Case[] = [
  { title: '--cluster auto, context kind-demo', raw: { cluster: 'auto' }, context: 'kind-demo', load: 'kind load docker-image demo:0.1.0 --name demo' },
  { title: '--cluster kind, context kind-lab', raw: { cluster: 'kind' }, context: 'kind-lab', load: 'kind load docker-image demo:0.1.0 --name lab' },
  {
    title: '--cluster minikube, a named profile confirmed with --context lab --yes',
    raw: { cluster: 'minikube' },
    context: 'lab',
    args: ['--context', 'lab', '--yes'],
    load: 'minikube image load demo:0.1.0 -p lab',
  },
  { title: '--cluster k3d, context k3d-demo', raw: { cluster: 'k3d' }, context: 'k3d-demo', load: 'k3d image import demo:0.1.0 -c demo' },
  { title: '--cluster docker-desktop, context docker-desktop', raw: { cluster: 'docker-desktop' }, context: 'docker-desktop', load: null },
];

// kubectl is real (it reads the kubeconfig); docker is real but never run; kind, minikube and k3d
// are absent on this machine, which --dry-run only warns about.
const bin: Bin = makeBin({ kubectl: 'real', docker: 'real' });

describe('--dry-run, per kind of cluster', { concurrency: true }, () => {
  for (const c of CASES) {
    test(`${c.title}: every script prints its exact commands, each kubectl call with --context ${c.context}`, async () => {
      const project = makeProject(c.raw);
      const kc = kubeconfig(c.context, [c.context]);
      const scripts = ['build', 'load', 'deploy', 'crash', 'inspect', 'teardown', 'demo'];
      const runs = await Promise.all(
        // build talks to no cluster, so it takes no --context/--yes
        scripts.map((s) => runScript(project, s, ['--dry-run', ...(s === 'build' ? [] : (c.args ?? []))], { bin, kubeconfig: kc })),
      );
      const out = new Map(scripts.map((s, i) => [s, runs[i]!]));
      const dry = (script: string) => {
        const r = out.get(script)!;
        assert.equal(r.code, 0, `${script}: ${r.stderr}`);
        return r.lines;
      };
      const ctx = `--context ${c.context}`;
      const build = ['docker build -t demo:0.1.0 .'];
      const load = c.load ? [c.load] : [];
      // deploy and teardown first look at the namespace: they never touch one the demo did not create
      const namespace = [`kubectl ${ctx} get namespace crash-demo --ignore-not-found -o json`];
      const apply = [
        `kubectl ${ctx} apply -k k8s`,
        `kubectl ${ctx} -n crash-demo rollout status deployment/demo --timeout=120s`,
      ];
      const crash = [
        `kubectl ${ctx} -n crash-demo port-forward --address 127.0.0.1 deployment/demo :8080`,
        '# POST http://127.0.0.1:<local port>/crash',
      ];
      const watch = [`node scripts/watch.mjs --until crashloop ${ctx}${c.args?.includes('--yes') ? ' --yes' : ''}`];
      // demo: watch first, then two crashes (the default demo's container exits), each after the
      // kubelet has restarted the container, so CrashLoopBackOff shows while watch runs
      const wait = '# wait until the container has restarted and the pod is Ready again';
      const crashes = [`kubectl ${ctx} -n crash-demo get pod -l app.kubernetes.io/name=demo -w -o json`, ...crash, wait, ...crash];

      assert.deepEqual(dry('build'), build);
      assert.deepEqual(dry('load'), load);
      assert.deepEqual(dry('deploy'), [...namespace, ...apply]);
      assert.deepEqual(dry('crash'), crash);
      assert.deepEqual(dry('inspect'), [
        `kubectl ${ctx} -n crash-demo exec deployment/demo -- cat /proc/1/status`,
        `kubectl ${ctx} -n crash-demo exec deployment/demo -- python3 -c $'import urllib.request as u; print(u.urlopen("http://127.0.0.1:8080/").read().decode())'`,
      ]);
      assert.deepEqual(dry('teardown'), [...namespace, `kubectl ${ctx} delete -k k8s --ignore-not-found`]);
      // demo looks at the namespace before it builds, and deploy does not look again
      assert.deepEqual(dry('demo'), [...namespace, ...build, ...load, ...apply, ...watch, ...crashes]);
    });
  }
});

describe('load --dry-run, per context of each cluster kind (--cluster auto)', { concurrency: true }, () => {
  const project = makeProject({ cluster: 'auto' });
  for (const [context, expected] of [
    ['minikube', ['minikube image load demo:0.1.0']],
    ['k3d-k3s-default', ['k3d image import demo:0.1.0 -c k3s-default']],
    ['kind-kind', ['kind load docker-image demo:0.1.0 --name kind']],
    ['docker-desktop', []],
    ['rancher-desktop', []],
    ['orbstack', []],
    ['colima', []],
  ] as const) {
    test(`context ${context}: ${expected[0] ?? 'nothing to load, and it says so'}`, async () => {
      const r = await runScript(project, 'load', ['--dry-run'], { bin, kubeconfig: kubeconfig(context) });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.lines, expected);
      if (expected.length === 0) assert.match(r.stderr, new RegExp(`${context} runs on the engine's own image store: demo:0\\.1\\.0 is already there, nothing to load`));
      else assert.match(r.stderr, new RegExp(`warning: ${expected[0].split(' ')[0]} is not installed`), 'a missing tool is only a warning under --dry-run');
    });
  }
});

describe('load --dry-run, --cluster containerd (a node on this machine running containerd)', { concurrency: true }, () => {
  const project = makeProject({ cluster: 'containerd' });
  const archive = join(tmpdir(), 'crash-demo-load-XXXXXX', 'image.tar');
  // The context's name says nothing; its API server on loopback makes it local.
  const kc = kubeconfig('my-node');
  for (const [how, args, env, socket] of [
    ["containerd's default socket", [], {}, '/run/containerd/containerd.sock'],
    ['$CONTAINERD_ADDRESS', [], { CONTAINERD_ADDRESS: '/run/k8s/containerd.sock' }, '/run/k8s/containerd.sock'],
    ['--containerd-address over $CONTAINERD_ADDRESS', ['--containerd-address', '/tmp/c.sock'], { CONTAINERD_ADDRESS: '/run/k8s/containerd.sock' }, '/tmp/c.sock'],
  ] as const) {
    test(`the image goes through an archive into containerd's k8s.io namespace (${how})`, async () => {
      const r = await runScript(project, 'load', ['--dry-run', ...args], { bin, kubeconfig: kc, env });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.lines, [`docker save -o ${archive} demo:0.1.0`, `ctr --address ${socket} -n k8s.io images import ${archive}`]);
    });
  }
  test('an explicit --cluster containerd is never guessed: --cluster auto does not pick it', async () => {
    const r = await runScript(makeProject({ cluster: 'auto' }), 'load', ['--dry-run'], { bin, kubeconfig: kc });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot tell which local cluster the kube context "my-node" is: pass --cluster kind\|minikube\|k3d\|docker-desktop\|containerd/);
  });
});

describe('--dry-run, per demo variant', { concurrency: true }, () => {
  const kc = kubeconfig('kind-demo');
  const dry = (project: string, script: string, args: string[] = []) =>
    runScript(project, script, ['--dry-run', ...args], { bin, kubeconfig: kc });

  test('a StatefulSet in its own namespace on another port: the workload, namespace and port follow crash-demo.json', async () => {
    const project = makeProject({ workload: 'statefulset', namespace: 'lab', port: 9090, runtime: 'node' });
    assert.deepEqual((await dry(project, 'deploy')).lines, [
      'kubectl --context kind-demo get namespace lab --ignore-not-found -o json',
      'kubectl --context kind-demo apply -k k8s',
      'kubectl --context kind-demo -n lab rollout status statefulset/demo --timeout=120s',
    ]);
    assert.deepEqual((await dry(project, 'crash')).lines, [
      'kubectl --context kind-demo -n lab port-forward --address 127.0.0.1 statefulset/demo :9090',
      '# POST http://127.0.0.1:<local port>/crash',
    ]);
    assert.deepEqual((await dry(project, 'inspect')).lines, [
      'kubectl --context kind-demo -n lab exec statefulset/demo -- cat /proc/1/status',
      `kubectl --context kind-demo -n lab exec statefulset/demo -- node -e $'fetch("http://127.0.0.1:9090/").then((r) => r.text()).then(console.log)'`,
    ]);
  });

  test('demo, an app that refuses to crash: watch without --until first, one crash, then watch is stopped as Ctrl-C would', async () => {
    const r = await dry(makeProject({ crash: 'exit-worker', cluster: 'kind' }), 'demo');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.lines, [
      'kubectl --context kind-demo get namespace crash-demo --ignore-not-found -o json',
      'docker build -t demo:0.1.0 .',
      'kind load docker-image demo:0.1.0 --name demo',
      'kubectl --context kind-demo apply -k k8s',
      'kubectl --context kind-demo -n crash-demo rollout status deployment/demo --timeout=120s',
      'node scripts/watch.mjs --context kind-demo',
      'kubectl --context kind-demo -n crash-demo port-forward --address 127.0.0.1 deployment/demo :8080',
      '# POST http://127.0.0.1:<local port>/crash',
      '# 5s later: stop watch as Ctrl-C does',
    ]);
  });

  test('build passes --engine, --network and --base-image through to the engine', async () => {
    const project = makeProject();
    const podman = makeBin({ kubectl: 'real', podman: 'placeholder' });
    const r = await runScript(project, 'build', ['--dry-run', '--engine', 'podman', '--network', 'host', '--base-image', 'python:3.12-slim'], { bin: podman, kubeconfig: kc });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.lines, ['podman build --network host --build-arg BASE_IMAGE=python:3.12-slim -t demo:0.1.0 .']);
    assert.deepEqual(podman.calls(), [], 'podman was never run');
  });

  test('build picks podman when docker is absent (podman: a placeholder on PATH, never run)', async () => {
    const podman = makeBin({ podman: 'placeholder', nerdctl: 'placeholder' });
    const r = await runScript(makeProject(), 'build', ['--dry-run'], { bin: podman, kubeconfig: kc });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.lines, ['podman build -t demo:0.1.0 .']);
    assert.deepEqual(podman.calls(), []);
  });

  test('the image tag is the generated package.json version: a changed version changes the tag', async () => {
    const project = makeProject();
    const { readFileSync, writeFileSync } = await import('node:fs');
    const pkgPath = `${project}/package.json`;
    writeFileSync(pkgPath, readFileSync(pkgPath, 'utf8').replace('"version": "0.1.0"', '"version": "0.2.0"'));
    assert.deepEqual((await dry(project, 'build')).lines, ['docker build -t demo:0.2.0 .']);
    assert.deepEqual((await dry(project, 'load')).lines, ['kind load docker-image demo:0.2.0 --name demo']);
  });

  test('a --cluster flag on load overrides the one saved in crash-demo.json, and a mismatch is refused', async () => {
    const project = makeProject({ cluster: 'auto' });
    const r = await dry(project, 'load', ['--cluster', 'k3d']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /--cluster k3d needs a k3d kube context \(k3d-<cluster>\), but the context is "kind-demo"/);
  });

  test('--cluster auto with a context that names no cluster kind asks for --cluster', async () => {
    const project = makeProject({ cluster: 'auto' });
    const lab = kubeconfig('lab');
    const r = await runScript(project, 'load', ['--dry-run', '--context', 'lab', '--yes'], { bin, kubeconfig: lab });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot tell which local cluster the kube context "lab" is: pass --cluster kind\|minikube\|k3d\|docker-desktop/);
  });

  test('trigger startup, an app that refuses to crash: deploy waits for the pod to be ready', async () => {
    const r = await dry(makeProject({ trigger: 'startup', crash: 'exit-worker' }), 'deploy');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.lines, [
      'kubectl --context kind-demo get namespace crash-demo --ignore-not-found -o json',
      'kubectl --context kind-demo apply -k k8s',
      'kubectl --context kind-demo -n crash-demo rollout status deployment/demo --timeout=120s',
    ]);
    assert.doesNotMatch(r.stderr, /crashes right after it starts/);
  });

  test('trigger startup: deploy does not wait for a pod that can never be ready, and says why', async () => {
    const project = makeProject({ trigger: 'startup' });
    const r = await dry(project, 'deploy');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.lines, ['kubectl --context kind-demo get namespace crash-demo --ignore-not-found -o json', 'kubectl --context kind-demo apply -k k8s']);
    assert.match(r.stderr, /crashes right after it starts/);
  });

  // demo for a self-firing trigger fires nothing itself: it watches. A container that exits
  // crash-loops by itself, and `watch --until crashloop` ends there; an app that refuses to crash
  // never does, so watch is stopped as Ctrl-C would, once the crash has had time to fire.
  const before = (trigger: string, exits = true) => [
    'kubectl --context kind-demo get namespace crash-demo --ignore-not-found -o json',
    'docker build -t demo:0.1.0 .',
    'kind load docker-image demo:0.1.0 --name demo',
    'kubectl --context kind-demo apply -k k8s',
    // startup: a container that exits crashes right after it starts, so deploy does not wait for it
    // to be ready; an app that refuses to crash replaces its first worker and becomes ready
    ...(trigger === 'startup' && exits ? [] : ['kubectl --context kind-demo -n crash-demo rollout status deployment/demo --timeout=120s']),
  ];
  for (const [trigger, how, window] of [
    ['random', /every request, the kubelet's probes included, fires the crash with probability 0\.06/, '30s (trigger random: the crash may not fire in that time)'],
    ['timer', /each worker fires the crash 30s after it booted/, '35s'],
    ['startup', /the first worker fires the crash right after boot/, '10s'],
  ] as const) {
    test(`trigger ${trigger}: crash runs nothing and explains how the crash fires by itself; demo watches until CrashLoopBackOff`, async () => {
      const project = makeProject({ trigger, cluster: 'kind' });
      const [r, real, demo] = await Promise.all([
        dry(project, 'crash'),
        runScript(project, 'crash', [], { bin, kubeconfig: kc }),
        dry(project, 'demo'),
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.lines, []);
      assert.match(r.stderr, how);
      assert.equal(real.code, 0, real.stderr);
      assert.match(real.stdout, how);
      assert.equal(demo.code, 0, demo.stderr);
      assert.deepEqual(demo.lines, [...before(trigger), 'node scripts/watch.mjs --until crashloop --context kind-demo']);
      assert.match(demo.stderr, how);
    });

    test(`trigger ${trigger}, an app that refuses to crash: demo watches without --until for ${window.split(' ')[0]}, then stops watch as Ctrl-C would`, async () => {
      const demo = await dry(makeProject({ trigger, crash: 'exit-worker', cluster: 'kind' }), 'demo');
      assert.equal(demo.code, 0, demo.stderr);
      const seconds = window.split(' ')[0];
      assert.deepEqual(demo.lines, [...before(trigger, false), 'node scripts/watch.mjs --context kind-demo', `# ${seconds} later: stop watch as Ctrl-C does`]);
      assert.ok(
        demo.stderr.includes(`the app refuses to crash, so it never crash-loops: watch runs ${window}, then stops as Ctrl-C does`),
        demo.stderr,
      );
    });
  }
});

// An image built with podman or nerdctl is not in Docker, where kind, minikube and k3d look: load
// saves it to an archive in a temp dir and loads that. --dry-run shows the temp dir as
// <TMPDIR>/crash-demo-load-XXXXXX (mkdtemp's random suffix), the file as image.tar in it.
describe('load --dry-run with --engine podman or nerdctl, per cluster kind', { concurrency: true }, () => {
  const TMP = '/tmp/crash-demo-test-tmpdir';
  const archive = `${TMP}/crash-demo-load-XXXXXX/image.tar`;
  const project = makeProject({ cluster: 'auto' });
  for (const engine of ['podman', 'nerdctl'] as const) {
    // the engines are placeholders: the test fails if one is run
    const engines = makeBin({ kubectl: 'real', podman: 'placeholder', nerdctl: 'placeholder' });
    const dry = (context: string, args: string[] = []) =>
      runScript(project, 'load', ['--dry-run', '--engine', engine, ...args], { bin: engines, kubeconfig: kubeconfig(context), env: { TMPDIR: TMP } });
    const save = `${engine} save -o ${archive} demo:0.1.0`;

    for (const [context, args, load] of [
      ['kind-kind', [], `kind load image-archive ${archive} --name kind`],
      ['minikube', [], `minikube image load ${archive}`],
      ['lab', ['--cluster', 'minikube', '--context', 'lab', '--yes'], `minikube image load ${archive} -p lab`],
      ['k3d-k3s-default', [], `k3d image import ${archive} -c k3s-default`],
    ] as const) {
      test(`${engine}, context ${context}: ${save}, then ${load}`, async () => {
        const r = await dry(context, [...args]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(r.lines, [save, load]);
        assert.deepEqual(engines.calls(), [], `${engine} was never run`);
      });
    }

    for (const context of ['docker-desktop', 'rancher-desktop', 'orbstack', 'colima']) {
      const k8sio = engine === 'nerdctl' && context === 'rancher-desktop';
      test(`${engine}, context ${context}: refused in one line, ${k8sio ? "naming containerd's k8s.io namespace" : 'saying how to copy the image into Docker'}`, async () => {
        const r = await dry(context);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
        const expected = k8sio
          ? "✖ rancher-desktop (containerd engine) runs images from nerdctl's k8s.io namespace, and demo:0.1.0 was built into the default one: copy it with: nerdctl save demo:0.1.0 | nerdctl --namespace k8s.io load"
          : `✖ ${context} runs the images of its own engine, which cannot see demo:0.1.0 built with ${engine}: build with --engine docker, or copy it with: ${engine} save demo:0.1.0 | docker load`;
        assert.deepEqual(r.stderr.trim().split('\n'), [expected]);
      });
    }
  }

  test('without --engine, load takes the image from the engine build would pick: podman when docker is absent', async () => {
    const podman = makeBin({ kubectl: 'real', podman: 'placeholder', nerdctl: 'placeholder' });
    const r = await runScript(project, 'load', ['--dry-run'], { bin: podman, kubeconfig: kubeconfig('kind-demo'), env: { TMPDIR: TMP } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.lines, [`podman save -o ${archive} demo:0.1.0`, `kind load image-archive ${archive} --name demo`]);
  });

  test('demo --engine nerdctl: build and load both use nerdctl', async () => {
    const nerdctl = makeBin({ kubectl: 'real', nerdctl: 'placeholder' });
    const r = await runScript(project, 'demo', ['--dry-run', '--engine', 'nerdctl'], { bin: nerdctl, kubeconfig: kubeconfig('kind-demo'), env: { TMPDIR: TMP } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.lines.slice(0, 4), [
      'kubectl --context kind-demo get namespace crash-demo --ignore-not-found -o json',
      'nerdctl build -t demo:0.1.0 .',
      `nerdctl save -o ${archive} demo:0.1.0`,
      `kind load image-archive ${archive} --name demo`,
    ]);
    assert.equal(r.lines[4], 'kubectl --context kind-demo apply -k k8s');
    assert.deepEqual(nerdctl.calls(), []);
  });
});

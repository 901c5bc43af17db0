// The pure rules in src/runtime/guard/context.mjs, case by case: which kube contexts count as local (by
// their server), which cluster their name means, and the exact command that loads an image into each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clusterKindOf,
  isLoopbackServer,
  judgeContext,
  loadImageCommand,
  loadImagePlan,
  resolveCluster,
} from '../../../src/runtime/guard/context.mjs';

const LOCAL: Array<[string, string]> = [
  ['kind-kind', 'kind'], // `kind create cluster` with the default name
  ['kind-demo', 'kind'],
  ['minikube', 'minikube'],
  ['k3d-k3s-default', 'k3d'], // `k3d cluster create` with the default name
  ['k3d-demo', 'k3d'],
  ['docker-desktop', 'docker-desktop'],
  ['docker-for-desktop', 'docker-desktop'],
  ['rancher-desktop', 'docker-desktop'],
  ['orbstack', 'docker-desktop'],
  ['colima', 'docker-desktop'],
  ['colima-work', 'docker-desktop'],
];

const NOT_LOCAL = [
  'prod-eu',
  'arn:aws:eks:eu-west-1:123456789012:cluster/kind-demo',
  'gke_project_europe-west1_kind-demo',
  'kind', // the bare word is not what kind writes
  'kind-', // nor is an empty cluster name
  'k3d-',
  'minikube-prod', // a minikube profile is only recognisable when it is the default one
  'docker-desktop-remote',
  'my-orbstack',
  '',
];

for (const [context, kind] of LOCAL) {
  test(`"${context}" names a ${kind} cluster`, () => {
    assert.equal(clusterKindOf(context), kind);
  });
}

for (const context of NOT_LOCAL) {
  test(`"${context}" names no cluster kind`, () => {
    assert.equal(clusterKindOf(context), null);
  });
}

test('--cluster auto takes the kind from the context name', () => {
  assert.equal(resolveCluster('auto', 'kind-demo'), 'kind');
  assert.equal(resolveCluster('auto', 'minikube'), 'minikube');
  assert.equal(resolveCluster('auto', 'k3d-demo'), 'k3d');
  assert.equal(resolveCluster('auto', 'orbstack'), 'docker-desktop');
});

test('--cluster auto with a context that names no cluster says which --cluster values exist', () => {
  assert.throws(() => resolveCluster('auto', 'lab'), /cannot tell which local cluster the kube context "lab" is: pass --cluster kind\|minikube\|k3d\|docker-desktop/);
});

test('an explicit --cluster is kept, an unknown one is refused with the valid values', () => {
  assert.equal(resolveCluster('minikube', 'lab'), 'minikube');
  assert.throws(() => resolveCluster('kubeadm', 'kind-demo'), /unknown --cluster "kubeadm": use auto, kind, minikube, k3d, docker-desktop/);
});

test('kind: kind load docker-image IMAGE --name <cluster from kind-<cluster>>', () => {
  assert.deepEqual(loadImageCommand('kind', 'kind-demo', 'demo:0.1.0'), {
    tool: 'kind',
    args: ['load', 'docker-image', 'demo:0.1.0', '--name', 'demo'],
  });
  assert.deepEqual(loadImageCommand('kind', 'kind-kind', 'x:1')?.args, ['load', 'docker-image', 'x:1', '--name', 'kind']);
});

test('minikube: minikube image load IMAGE, with -p <profile> only for a profile other than the default', () => {
  assert.deepEqual(loadImageCommand('minikube', 'minikube', 'demo:0.1.0'), {
    tool: 'minikube',
    args: ['image', 'load', 'demo:0.1.0'],
  });
  assert.deepEqual(loadImageCommand('minikube', 'lab', 'demo:0.1.0'), {
    tool: 'minikube',
    args: ['image', 'load', 'demo:0.1.0', '-p', 'lab'],
  });
});

test('k3d: k3d image import IMAGE -c <cluster from k3d-<cluster>>', () => {
  assert.deepEqual(loadImageCommand('k3d', 'k3d-demo', 'demo:0.1.0'), {
    tool: 'k3d',
    args: ['image', 'import', 'demo:0.1.0', '-c', 'demo'],
  });
});

test('docker-desktop, rancher-desktop, orbstack and colima share the engine: nothing to load', () => {
  for (const context of ['docker-desktop', 'rancher-desktop', 'orbstack', 'colima', 'some-remote-name']) {
    assert.equal(loadImageCommand('docker-desktop', context, 'demo:0.1.0'), null, context);
  }
});

test('a --cluster that cannot be the cluster behind the context is refused, naming both', () => {
  assert.throws(() => loadImageCommand('kind', 'minikube', 'demo:0.1.0'), /--cluster kind needs a kind kube context \(kind-<cluster>\), but the context is "minikube"/);
  assert.throws(() => loadImageCommand('k3d', 'kind-demo', 'demo:0.1.0'), /--cluster k3d needs a k3d kube context \(k3d-<cluster>\), but the context is "kind-demo"/);
  assert.throws(() => loadImageCommand('minikube', 'k3d-demo', 'demo:0.1.0'), /--cluster minikube needs a minikube kube context/);
  assert.throws(() => loadImageCommand('docker-desktop', 'kind-demo', 'demo:0.1.0'), /--cluster docker-desktop needs a docker-desktop kube context/);
});

// loadImagePlan: the same, for an image built with any engine. kind, minikube and k3d read Docker's
// image store; another engine's image goes through an archive file.
const ARCHIVE = '/tmp/crash-demo-load-abc123/image.tar';

test('engine docker: exactly the loadImageCommand commands, nothing saved first', () => {
  for (const [cluster, context] of [['kind', 'kind-demo'], ['minikube', 'minikube'], ['minikube', 'lab'], ['k3d', 'k3d-demo']] as const) {
    assert.deepEqual(loadImagePlan(cluster, context, 'demo:0.1.0', 'docker', ARCHIVE), { save: null, load: loadImageCommand(cluster, context, 'demo:0.1.0') }, context);
  }
  assert.equal(loadImagePlan('docker-desktop', 'docker-desktop', 'demo:0.1.0', 'docker', ARCHIVE), null);
});

for (const engine of ['podman', 'nerdctl']) {
  const save = { tool: engine, args: ['save', '-o', ARCHIVE, 'demo:0.1.0'] };

  test(`engine ${engine}, kind: ${engine} save -o FILE IMAGE, then kind load image-archive FILE --name <cluster>`, () => {
    assert.deepEqual(loadImagePlan('kind', 'kind-lab', 'demo:0.1.0', engine, ARCHIVE), {
      save,
      load: { tool: 'kind', args: ['load', 'image-archive', ARCHIVE, '--name', 'lab'] },
    });
  });

  test(`engine ${engine}, minikube: minikube image load FILE, with -p <profile> only for a profile other than the default`, () => {
    assert.deepEqual(loadImagePlan('minikube', 'minikube', 'demo:0.1.0', engine, ARCHIVE), {
      save,
      load: { tool: 'minikube', args: ['image', 'load', ARCHIVE] },
    });
    assert.deepEqual(loadImagePlan('minikube', 'lab', 'demo:0.1.0', engine, ARCHIVE)?.load, { tool: 'minikube', args: ['image', 'load', ARCHIVE, '-p', 'lab'] });
  });

  test(`engine ${engine}, k3d: k3d image import FILE -c <cluster>`, () => {
    assert.deepEqual(loadImagePlan('k3d', 'k3d-demo', 'demo:0.1.0', engine, ARCHIVE), {
      save,
      load: { tool: 'k3d', args: ['image', 'import', ARCHIVE, '-c', 'demo'] },
    });
  });

  test(`engine ${engine}: a --cluster that cannot be the cluster behind the context is refused as with docker`, () => {
    assert.throws(() => loadImagePlan('kind', 'minikube', 'demo:0.1.0', engine, ARCHIVE), /--cluster kind needs a kind kube context \(kind-<cluster>\), but the context is "minikube"/);
    assert.throws(() => loadImagePlan('docker-desktop', 'k3d-demo', 'demo:0.1.0', engine, ARCHIVE), /--cluster docker-desktop needs a docker-desktop kube context/);
  });
}

test('a cluster on the Docker engine\'s own store cannot see a podman or nerdctl image: refused, saying how to copy it over', () => {
  for (const context of ['docker-desktop', 'orbstack', 'colima', 'rancher-desktop']) {
    assert.throws(
      () => loadImagePlan('docker-desktop', context, 'demo:0.1.0', 'podman', ARCHIVE),
      { message: `${context} runs the images of its own engine, which cannot see demo:0.1.0 built with podman: build with --engine docker, or copy it with: podman save demo:0.1.0 | docker load` },
      context,
    );
  }
  assert.throws(
    () => loadImagePlan('docker-desktop', 'orbstack', 'demo:0.1.0', 'nerdctl', ARCHIVE),
    { message: 'orbstack runs the images of its own engine, which cannot see demo:0.1.0 built with nerdctl: build with --engine docker, or copy it with: nerdctl save demo:0.1.0 | docker load' },
  );
});

test('rancher-desktop with nerdctl: its Kubernetes runs images from containerd\'s k8s.io namespace, and it says how to copy the image there', () => {
  assert.throws(
    () => loadImagePlan('docker-desktop', 'rancher-desktop', 'demo:0.1.0', 'nerdctl', ARCHIVE),
    {
      message:
        "rancher-desktop (containerd engine) runs images from nerdctl's k8s.io namespace, and demo:0.1.0 was built into the default one: " +
        'copy it with: nerdctl save demo:0.1.0 | nerdctl --namespace k8s.io load',
    },
  );
});

// judgeContext / isLoopbackServer: a cluster is local by its API server's address. The addresses
// are only parsed here, never contacted.
for (const server of [
  'https://127.0.0.1:6443', // kind, Rancher Desktop, colima
  'https://127.0.0.1',
  'http://127.255.255.254:8080/',
  'https://[::1]:6443',
  'https://localhost:6443',
  'https://LOCALHOST:6443/api',
  'https://0.0.0.0:45193', // k3d writes this
]) {
  test(`a server on ${server} is on this machine`, () => assert.equal(isLoopbackServer(server), true));
}

for (const server of [
  'https://192.0.2.10:6443',
  'https://10.0.0.1:6443',
  'https://kubernetes.default.svc',
  'https://127.0.0.1.example.com:6443', // a DNS name that starts like loopback
  'https://localhost.example.com',
  'https://127.1:6443', // Go looks these spellings up in DNS: not literals to kubectl
  'https://0x7f.0.0.1:6443',
  'https://0177.0.0.1:6443',
  'https://127.0.0.256:6443',
  'https://127.0.0.1@192.0.2.10:6443', // user info: the host is the part after @
  'https://user@127.0.0.1:6443', // no user info at all, to keep the rule simple
  '127.0.0.1:6443', // no scheme
  'unix:///var/run/k8s.sock',
  '',
]) {
  test(`a server on ${JSON.stringify(server)} is not on this machine`, () => assert.equal(isLoopbackServer(server), false));
}

const config = (server: string | undefined, extra: Record<string, string> = {}) => ({
  clusters: [{ name: 'c', cluster: { ...(server === undefined ? {} : { server }), ...extra } }],
  contexts: [{ name: 'ctx', context: { cluster: 'c' } }, { name: 'kind-kind', context: { cluster: 'c' } }, { name: 'orphan', context: { cluster: 'gone' } }, { name: 'bare', context: { cluster: '' } }],
});

test('judgeContext: a loopback server is local whatever the context is called', () => {
  assert.deepEqual(judgeContext(config('https://127.0.0.1:6443'), 'ctx'), { local: true, server: 'https://127.0.0.1:6443' });
});

test('judgeContext: a kind-looking name on a remote server is not local, and the reason says so', () => {
  assert.deepEqual(judgeContext(config('https://192.0.2.10:6443'), 'kind-kind'), {
    local: false,
    server: 'https://192.0.2.10:6443',
    why: "its server https://192.0.2.10:6443 is not on this machine (loopback: 127.0.0.0/8, ::1, localhost), although its name looks like kind's",
  });
});

test('judgeContext: a loopback server reached through a proxy is not local', () => {
  const j = judgeContext(config('https://127.0.0.1:6443', { 'proxy-url': 'http://proxy.example:3128' }), 'ctx');
  assert.equal(j.local, false);
  assert.equal('why' in j && j.why, 'its cluster "c" is reached through the proxy http://proxy.example:3128');
});

test('judgeContext: a context without a cluster entry, or a cluster without a server, is broken (kubectl would use localhost:8080)', () => {
  for (const [context, server, message] of [
    ['orphan', 'https://127.0.0.1:6443', /^refusing kube context "orphan": it names the cluster "gone", which is not in the kubeconfig's clusters, so kubectl would fall back to http:\/\/localhost:8080/],
    ['bare', 'https://127.0.0.1:6443', /^refusing kube context "bare": it names no cluster, so kubectl would fall back to http:\/\/localhost:8080/],
    ['ctx', undefined, /^refusing kube context "ctx": its cluster "c" has no server, so kubectl would fall back to http:\/\/localhost:8080/],
    ['missing', 'https://127.0.0.1:6443', /^kube context "missing" is not in your kubeconfig/],
  ] as const) {
    const j = judgeContext(config(server), context);
    assert.ok('broken' in j, context);
    assert.match(j.broken, message);
  }
});

test('judgeContext: a --context that is not in the kubeconfig is named whole in the one line, a line break in it too (JSON-quoted)', () => {
  // main() prints a failure's first line only: an unquoted line break cut the name off (`✖ kube context "a`).
  for (const context of ['a\nb', 'say "hi"']) {
    const j = judgeContext(config('https://127.0.0.1:6443'), context);
    assert.ok('broken' in j, context);
    assert.equal(j.broken.split('\n').length, 1, j.broken);
    assert.ok(j.broken.startsWith(`kube context ${JSON.stringify(context)} is not in your kubeconfig`), j.broken);
  }
});

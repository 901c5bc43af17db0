// What a user sees when a tool is missing or a step fails, and what --help says.
// Real runs (no --dry-run): the scripts must stop before running anything.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBin, makeProject, kubeconfig, oneLine, runScript } from '../../support/project.js';
import { tempDir } from '../../support/tree.js';
import { requireCurrentBuild } from '../../support/build.js';

requireCurrentBuild();


describe('a missing tool: exit 1, one line naming it and how to install it', { concurrency: true }, () => {
  const project = makeProject({ cluster: 'auto' });

  for (const script of ['deploy', 'teardown', 'crash', 'inspect', 'load']) {
    test(`${script} without kubectl`, async () => {
      const r = await runScript(project, script, [], { bin: makeBin({}), kubeconfig: kubeconfig('kind-demo') });
      assert.equal(r.code, 1);
      assert.equal(
        oneLine(r.stderr),
        '✖ kubectl is not installed (not found on PATH): install kubectl: https://kubernetes.io/docs/tasks/tools/',
      );
    });
  }

  for (const [context, tool, hint] of [
    ['kind-demo', 'kind', 'https://kind.sigs.k8s.io/docs/user/quick-start/#installation'],
    ['minikube', 'minikube', 'https://minikube.sigs.k8s.io/docs/start/'],
    ['k3d-demo', 'k3d', 'https://k3d.io/#installation'],
  ] as const) {
    test(`load into ${context} without ${tool}`, async () => {
      // docker is there (a placeholder, never run): load looks for the image's engine first
      const bin = makeBin({ kubectl: 'logged', docker: 'placeholder' });
      const r = await runScript(project, 'load', [], { bin, kubeconfig: kubeconfig(context) });
      assert.equal(r.code, 1);
      assert.equal(oneLine(r.stderr), `✖ ${tool} is not installed (not found on PATH): install ${tool}: ${hint}`);
      assert.deepEqual(bin.calls(), ['kubectl config current-context', 'kubectl config view -o json']);
    });
  }

  test('build without docker, podman or nerdctl', async () => {
    const r = await runScript(project, 'build', [], { bin: makeBin({}), kubeconfig: kubeconfig('kind-demo') });
    assert.equal(r.code, 1);
    assert.match(oneLine(r.stderr), /^✖ no container engine found \(looked for docker, podman, nerdctl on PATH\): install Docker \(https:\/\/docs\.docker\.com\/get-docker\/\) or Podman/);
  });

  test('build --engine podman without podman (docker present as a placeholder, never run)', async () => {
    const bin = makeBin({ docker: 'placeholder' });
    const r = await runScript(project, 'build', ['--engine', 'podman'], { bin, kubeconfig: kubeconfig('kind-demo') });
    assert.equal(r.code, 1);
    assert.equal(oneLine(r.stderr), '✖ podman is not installed (not found on PATH): install Podman: https://podman.io/docs/installation');
    assert.deepEqual(bin.calls(), []);
  });
});

describe('a failing step and a bad flag', { concurrency: true }, () => {
  const project = makeProject();

  test('deploy against a cluster that does not answer: one line with the command, its exit code and kubectl\'s reason', async () => {
    // The kubeconfig points at 127.0.0.1:1, where nothing listens: the real kubectl fails for real.
    const r = await runScript(project, 'deploy', [], { bin: makeBin({ kubectl: 'real' }), kubeconfig: kubeconfig('kind-demo') });
    assert.equal(r.code, 1);
    const stderr = r.stderr.trim().split('\n');
    // Its first call to the cluster is the look at the namespace (it never deploys into one it did not create).
    const get = 'kubectl --context kind-demo get namespace crash-demo --ignore-not-found -o json';
    assert.equal(stderr[0], `$ ${get}`, 'the command is echoed before it runs');
    const last = oneLine(stderr.slice(1).join('\n'));
    assert.ok(last.startsWith(`✖ ${get} failed (exit 1): `), last);
    assert.match(last, /127\.0\.0\.1:1/);
  });

  test('an unknown flag: exit 1, one line naming it and pointing to --help', async () => {
    const r = await runScript(project, 'deploy', ['--contxt', 'kind-demo'], { bin: makeBin({}), kubeconfig: kubeconfig('kind-demo') });
    assert.equal(r.code, 1);
    assert.match(oneLine(r.stderr), /^✖ Unknown option '--contxt'.*See: node scripts\/deploy\.mjs --help$/);
  });

  test('a value outside the choices: exit 1, one line listing the valid ones', async () => {
    const r = await runScript(project, 'build', ['--engine', 'buildah'], { bin: makeBin({}), kubeconfig: kubeconfig('kind-demo') });
    assert.equal(r.code, 1);
    assert.equal(oneLine(r.stderr), '✖ --engine "buildah" is not valid: use one of docker, podman, nerdctl');
  });
});

describe('--help lists every flag of the script', { concurrency: true }, () => {
  const project = makeProject();
  const FLAGS: Record<string, string[]> = {
    build: ['--engine NAME', '--base-image IMAGE', '--network MODE'],
    load: ['--engine NAME', '--cluster KIND', '--containerd-address SOCKET', '--context NAME', '--yes'],
    deploy: ['--timeout DURATION', '--context NAME', '--yes'],
    crash: ['--times N', '--context NAME', '--yes'],
    inspect: ['--context NAME', '--yes'],
    teardown: ['--context NAME', '--yes'],
    demo: ['--engine NAME', '--base-image IMAGE', '--network MODE', '--cluster KIND', '--containerd-address SOCKET', '--timeout DURATION', '--context NAME', '--yes'],
  };
  for (const [script, flags] of Object.entries(FLAGS)) {
    test(`${script} --help: exit 0, usage line, ${flags.join(', ')}, --dry-run, --help`, async () => {
      // No tools at all: --help needs none.
      const r = await runScript(project, script, ['--help'], { bin: makeBin({}), kubeconfig: kubeconfig('') });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.lines[0], `Usage: npm run ${script} -- [flags]    (or: node scripts/${script}.mjs [flags])`);
      const listed = r.lines.filter((l) => l.startsWith('  --')).map((l) => l.trim().split(/\s{2,}/)[0]);
      assert.deepEqual(listed, [...flags, '--dry-run', '--help']);
    });
  }
});

// load with an engine other than docker saves the image to a temp archive, which must not outlive
// the run. Stand-ins: podman writes the archive it is asked for; kind records whether that file
// was there when it was asked to load it, and exits with KIND_EXIT.
describe('load --engine podman, for real with stand-in podman and kind: the temp archive is removed', { concurrency: true }, () => {
  const project = makeProject({ cluster: 'auto' });
  const standIns = () => {
    const bin = makeBin({ kubectl: 'real' });
    const calls = join(bin.dir, '.calls');
    const tool = (name: string, body: string) => {
      writeFileSync(join(bin.dir, name), `#!/bin/bash\nprintf '%s\\n' "${name} $*" >> '${calls}'\n${body}\n`);
      chmodSync(join(bin.dir, name), 0o755);
    };
    // podman save -o FILE IMAGE
    tool('podman', 'printf archive > "$3"');
    // kind load image-archive FILE --name NAME
    tool('kind', `[ -f "$3" ] && printf '%s\\n' "archive there" >> '${calls}'\nexit "\${KIND_EXIT:-0}"`);
    const tmp = join(tempDir('crash-demo-tmpdir-'), 'tmp');
    mkdirSync(tmp);
    return { bin, tmp };
  };

  for (const [outcome, kindExit] of [['kind loads it', '0'], ['kind fails', '1']] as const) {
    test(`${outcome}: podman saves into a temp dir, kind loads that file, and the dir is gone afterwards`, async () => {
      const { bin, tmp } = standIns();
      const r = await runScript(project, 'load', ['--engine', 'podman'], { bin, kubeconfig: kubeconfig('kind-demo'), env: { TMPDIR: tmp, KIND_EXIT: kindExit } });
      assert.equal(r.code, kindExit === '0' ? 0 : 1, r.stderr);
      const calls = bin.calls();
      const archive = /^podman save -o (\S+) demo:0\.1\.0$/.exec(calls[0] ?? '')?.[1];
      assert.ok(archive, calls.join('\n'));
      assert.ok(archive.startsWith(`${tmp}/crash-demo-load-`) && archive.endsWith('/image.tar'), archive);
      assert.deepEqual(calls, [`podman save -o ${archive} demo:0.1.0`, `kind load image-archive ${archive} --name demo`, 'archive there']);
      assert.equal(existsSync(archive), false);
      assert.deepEqual(readdirSync(tmp), [], 'nothing left in the temp dir');
      if (kindExit !== '0') assert.match(r.stderr, /✖ kind load image-archive \S+ --name demo failed \(exit 1\)/);
    });
  }
});

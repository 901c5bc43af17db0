// npm's flag trap (FACTS §8 of the shared notes, docs/FACTS.md §8): `npm run build --dry-run`, without
// `--`, gives the script no --dry-run; npm keeps the flag and sets npm_config_dry_run=true instead. Here
// the generated scripts run through the real npm (`npm run ...` in a scaffolded demo), and what is
// asserted is what really happened: the calls a logging shim in front of the real docker, or in front
// of the kubectl stand-in (project.ts), recorded; the exit code; the lines a user reads. docker talks to
// a socket where nothing answers (DOCKER_HOST), so a build that ran by mistake fails fast, and is seen.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { npmKept } from '../../../src/runtime/plumbing/npm-flags.mjs';
import { kubeconfig, kubectlStandIn, makeProject, oneLine, runNpm, runScript } from '../../support/project.js';
import { requireCurrentBuild } from '../../support/build.js';

requireCurrentBuild();

const project = makeProject({ cluster: 'auto' });
const kc = kubeconfig('kind-demo'); // a local context (127.0.0.1:1): the guard lets every script through
const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent' };

/** A kubectl stand-in (apply/delete accepted and recorded) and docker as a logging shim over the real one. */
function tools() {
  const kube = kubectlStandIn({ docker: 'logged' });
  const acting = () => kube.bin.calls().filter((c) => /^docker |^kubectl .*( apply | delete | rollout | port-forward | get namespace )/.test(c));
  return { ...kube, acting };
}


describe('npm run SCRIPT --dry-run (no --): npm keeps the flag, the script still does a dry run', { concurrency: true }, () => {
  test('npm run build --dry-run prints the docker build command and never runs docker', async () => {
    const t = tools();
    const r = await runNpm(project, ['run', '--silent', 'build', '--dry-run'], { bin: t.bin, kubeconfig: kc, env: { ...t.env, ...NO_ENGINE } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(t.acting(), [], 'docker was never invoked');
    assert.deepEqual(r.lines, ['docker build -t demo:0.1.0 .']);
    assert.match(r.stderr, /a dry run: npm took --dry-run as its own flag .*npm run build -- --dry-run passes it/);
  });

  test('npm run teardown --dry-run deletes nothing: kubectl delete is printed, never run', async () => {
    const t = tools();
    const r = await runNpm(project, ['run', '--silent', 'teardown', '--dry-run'], { bin: t.bin, kubeconfig: kc, env: t.env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(t.acting(), [], 'no kubectl call that reads or changes the cluster');
    assert.ok(r.lines.includes('kubectl --context kind-demo delete -k k8s --ignore-not-found'), r.stdout);
  });

  test('npm run demo --dry-run builds, loads, applies nothing', async () => {
    const t = tools();
    const r = await runNpm(project, ['run', '--silent', 'demo', '--dry-run'], { bin: t.bin, kubeconfig: kc, env: { ...t.env, ...NO_ENGINE } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(t.acting(), [], 'neither docker nor a kubectl call that reads or changes the cluster');
    assert.ok(r.lines.includes('docker build -t demo:0.1.0 .'), r.stdout);
    assert.ok(r.lines.includes('kubectl --context kind-demo apply -k k8s'), r.stdout);
  });

  test('npm_config_dry_run="" (npm run build --dry-run=false) is no dry run: npm\'s false', async () => {
    const t = tools();
    // nothing answers at DOCKER_HOST: the real build is attempted (recorded) and fails there
    const r = await runNpm(project, ['run', '--silent', 'build', '--dry-run=false'], { bin: t.bin, kubeconfig: kc, env: { ...t.env, ...NO_ENGINE } });
    assert.equal(r.code, 1);
    assert.deepEqual(t.acting(), ['docker build -t demo:0.1.0 .']);
  });
});

describe('every script: npm run SCRIPT --dry-run does what node scripts/SCRIPT.mjs --dry-run does', { concurrency: true }, () => {
  for (const script of ['build', 'cluster', 'load', 'deploy', 'crash', 'inspect', 'watch', 'demo', 'teardown', 'rehearse']) {
    test(`${script}: the same commands printed, none run`, async () => {
      const t = tools();
      const env = { ...t.env, ...NO_ENGINE };
      const kept = await runNpm(project, ['run', '--silent', script, '--dry-run'], { bin: t.bin, kubeconfig: kc, env });
      const given = await runScript(project, script, ['--dry-run'], { bin: t.bin, kubeconfig: kc, env });
      assert.equal(given.code, 0, given.stderr);
      assert.equal(kept.code, 0, kept.stderr);
      assert.ok(given.lines.length > 0);
      assert.deepEqual(kept.lines, given.lines);
      assert.deepEqual(t.acting(), [], 'neither docker nor a kubectl call that reads or changes the cluster');
    });
  }
});

describe('every script that takes --yes refuses the one npm kept, before it reads anything', { concurrency: true }, () => {
  for (const script of ['load', 'deploy', 'crash', 'inspect', 'watch', 'demo', 'teardown']) {
    test(script, async () => {
      const t = tools();
      const r = await runNpm(project, ['run', '--silent', script, '--yes'], { bin: t.bin, kubeconfig: kc, env: { ...t.env, ...NO_ENGINE } });
      assert.equal(r.code, 1);
      assert.match(oneLine(r.stderr), new RegExp(`npm run ${script} -- --yes \\(`));
      assert.deepEqual(t.bin.calls(), []);
    });
  }
});

describe('a flag that grants consent or picks a target is never taken from npm_config_*', { concurrency: true }, () => {
  test('npm run teardown --yes refuses in one line naming `npm run teardown -- --yes`, and touches no cluster', async () => {
    const t = tools();
    const r = await runNpm(project, ['run', '--silent', 'teardown', '--yes'], { bin: t.bin, kubeconfig: kc, env: t.env });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const line = oneLine(r.stderr);
    assert.match(line, /npm took --yes as its own flag/);
    assert.match(line, /npm run teardown -- --yes\b/);
    assert.deepEqual(t.bin.calls(), [], 'not even the kubeconfig was read');
  });

  test('npm_config_yes from the environment (npx --yes, CI) is refused too, and npm run teardown --no-yes runs without it', async () => {
    const t = tools();
    const env = { ...t.env, npm_config_yes: 'true' };
    const refused = await runNpm(project, ['run', '--silent', 'teardown', '--', '--dry-run'], { bin: t.bin, kubeconfig: kc, env });
    assert.equal(refused.code, 1);
    assert.match(oneLine(refused.stderr), /npm run teardown --no-yes/);
    const ran = await runNpm(project, ['run', '--silent', 'teardown', '--no-yes', '--', '--dry-run'], { bin: t.bin, kubeconfig: kc, env });
    assert.equal(ran.code, 0, ran.stderr);
    assert.ok(ran.lines.includes('kubectl --context kind-demo delete -k k8s --ignore-not-found'), ran.stdout);
    assert.deepEqual(t.acting(), []);
  });

  test('a script that takes no --yes (build) is not refused for npm_config_yes (npx --yes sets it)', async () => {
    const t = tools();
    const r = await runNpm(project, ['run', '--silent', 'build', '--', '--dry-run'], { bin: t.bin, kubeconfig: kc, env: { ...t.env, npm_config_yes: 'true' } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.lines, ['docker build -t demo:0.1.0 .']);
  });

  test('npm run teardown --context=kind-other refuses instead of tearing down the current context', async () => {
    const t = tools();
    const r = await runNpm(project, ['run', '--silent', 'teardown', '--context=kind-other'], { bin: t.bin, kubeconfig: kubeconfig('kind-demo', ['kind-demo', 'kind-other']), env: t.env });
    assert.equal(r.code, 1);
    assert.match(oneLine(r.stderr), /npm run teardown -- --context kind-other$/);
    assert.deepEqual(t.bin.calls(), []);
  });

  test('npm run rehearse --no-svg refuses rather than write the SVG it was told not to', async () => {
    const t = tools();
    const r = await runNpm(project, ['run', '--silent', 'rehearse', '--no-svg'], { bin: t.bin, kubeconfig: kc, env: { ...t.env, ...NO_ENGINE } });
    assert.equal(r.code, 1);
    assert.match(oneLine(r.stderr), /npm run rehearse -- --no-svg$/);
    assert.deepEqual(t.bin.calls(), []);
  });
});

describe('a forgotten -- before flags with values', { concurrency: true }, () => {
  test('npm run crash --context kind-x dead says npm needs -- and shows the command with it', async () => {
    const t = tools();
    const r = await runNpm(project, ['run', '--silent', 'crash', '--context', 'kind-x', 'dead'], { bin: t.bin, kubeconfig: kc, env: t.env });
    assert.equal(r.code, 1);
    const line = oneLine(r.stderr);
    assert.match(line, /npm needs -- before the script's flags/);
    assert.match(line, /npm run crash -- --context kind-x dead$/);
    assert.deepEqual(t.bin.calls(), []);
  });

  test('npm run build --engine podman (npm reads --engine as its engine-strict) says npm needs --', async () => {
    const t = tools();
    const r = await runNpm(project, ['run', '--silent', 'build', '--engine', 'podman'], { bin: t.bin, kubeconfig: kc, env: { ...t.env, ...NO_ENGINE } });
    assert.equal(r.code, 1);
    assert.match(oneLine(r.stderr), /npm run build -- --engine podman$/);
    assert.deepEqual(t.bin.calls(), []);
  });
});

describe('which npm_config_* a script reads (npmKept, with the environments npm 11 was measured to give)', () => {
  const table = { json: { type: 'boolean' as const }, yes: { type: 'boolean' as const }, 'dry-run': { type: 'boolean' as const }, help: { type: 'boolean' as const } };
  const underNpm = (script: string, env: Record<string, string>) => ({ npm_lifecycle_event: script, npm_lifecycle_script: `node scripts/${script}.mjs`, ...env });

  test('npm\'s false ("", or "false" exported by hand) is no --dry-run; "true" is', () => {
    for (const value of ['', 'false']) assert.equal(npmKept({ script: 'watch', table, argv: [], env: { npm_config_dry_run: value } }).dryRun, null, value);
    assert.notEqual(npmKept({ script: 'watch', table, argv: [], env: { npm_config_dry_run: 'true' } }).dryRun, null);
  });

  test('npm always sets npm_config_yes="" : that is no kept --yes', () => {
    assert.equal(npmKept({ script: 'watch', table, argv: [], env: underNpm('watch', { npm_config_yes: '' }) }).refusal, null);
  });

  test('a script another one started (demo starts watch) does not refuse what npm kept for the first', () => {
    const env = { npm_lifecycle_event: 'demo', npm_lifecycle_script: 'node scripts/demo.mjs', npm_config_json: 'true', npm_config_yes: 'true' };
    assert.equal(npmKept({ script: 'watch', table, argv: ['--context', 'kind-demo'], env }).refusal, null);
    assert.match(npmKept({ script: 'demo', table, argv: [], env }).refusal ?? '', /npm run demo -- --json --yes/);
  });

  test('the script\'s own flag given after -- is no kept flag, whatever npm_config_* says', () => {
    assert.equal(npmKept({ script: 'watch', table, argv: ['--yes', '--json'], env: underNpm('watch', { npm_config_yes: 'true', npm_config_json: 'true' }) }).refusal, null);
  });
});

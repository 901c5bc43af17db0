// The generated README is the tutorial for one exact demo: it must say what that demo will do.
// (Where the bin's own words are read too, --help and its report: test/host/generated-readme.test.ts.)
import { VERIFIED_CGROUP2, VERIFIED_CLUSTER } from '../../src/generator/verified.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictOutcome, renderDemo, resolveOptions, startCommand } from '../../src/index.js';

const readme = (raw: Record<string, unknown>) => String(renderDemo(resolveOptions({ name: 'talk', ...raw })).get('README.md'));

for (const runtime of ['python', 'node'] as const)
  for (const pid1 of ['exec', 'shell', 'tini'] as const)
    for (const crash of ['exit-worker', 'kill-parent', 'halt-supervisor', 'oom'] as const) {
      test(`the README of a ${runtime} demo with --pid1 ${pid1} --crash ${crash} says what will happen and why`, () => {
        const o = resolveOptions({ name: 'talk', runtime, pid1, crash });
        const outcome = predictOutcome(o);
        const text = readme({ runtime, pid1, crash });
        assert.ok(text.includes(outcome.headline));
        assert.ok(text.includes(outcome.why));
        assert.ok(text.includes(`\`${startCommand(runtime, pid1).join(' ')}\``), 'the exact start command');
        assert.ok(text.includes(`Name:\t${outcome.pid1}`), 'what /proc/1/status will show');
        assert.match(text, new RegExp(`\\*\\*▶ ${runtime}\\*\\* \\(this demo\\) \\| ${pid1} \\| ${crash} \\|`), 'its row in the full table');
        if (outcome.containerExits) {
          assert.ok(text.includes(`Exit Code: ${outcome.exitCode}`));
          assert.ok(text.includes(`Reason: ${outcome.reason}`));
        } else {
          assert.match(text, /RESTARTS stays `0`/);
        }
        for (const alt of outcome.elsewhere) assert.ok(text.includes(alt.why));
        for (const workload of ['deployment', 'statefulset']) {
          assert.doesNotMatch(readme({ runtime, pid1, crash, workload }), /&(lt|gt|amp|quot|#39);/, 'no HTML escapes in Markdown');
        }
      });
    }

test('the README shows the build command for docker and for podman', () => {
  const text = readme({});
  assert.match(text, /^docker build -t talk:0\.1\.0 \.$/m);
  assert.match(text, /^podman build -t talk:0\.1\.0 \.$/m);
});

test('the README says exactly where the steps were run (the test cluster, as src/generator/verified.ts names it) and what was not run', () => {
  const v = VERIFIED_CLUSTER;
  const text = readme({}).replace(/\n> /g, ' ');
  assert.ok(text.includes(`Kubernetes ${v.kubernetes} (containerd ${v.containerd}, runc ${v.runc}, ${v.kernel}, memory cgroup ${v.cgroup})`), text.slice(0, 2000));
  assert.match(text, /They do not run kind, minikube, k3d or Docker Desktop themselves/);
  assert.doesNotMatch(text, /cgroup v2 case/, 'only an oom demo mentions the cgroup v2 case');
  const c = VERIFIED_CGROUP2;
  assert.ok(
    readme({ crash: 'oom' }).replace(/\n> /g, ' ').includes(`(for \`oom\`, the cgroup v1 case; the cgroup v2 case ran as cgroup v2 (${c.kernel}, runc ${c.runc}) ${c.where}, not on a kubelet)`),
    'an oom demo says where its cgroup v2 case ran, and that it was not a kubelet',
  );
});

test('the README names the fast back-off config and the versions that honour it only with --fast-backoff', () => {
  assert.match(readme({ fastBackoff: true }), /kind create cluster --name talk --config kind-config\.yaml/);
  assert.match(readme({ fastBackoff: true }), /Kubernetes 1\.33 or newer/);
  assert.doesNotMatch(readme({}), /kind-config\.yaml/);
});

test('the tutorial: npm install once, npm run cluster before the image, watch in a second terminal before the crash', () => {
  const text = readme({});
  const at = (s: string) => {
    const i = text.indexOf(s);
    assert.ok(i >= 0, `${s} is in the README`);
    return i;
  };
  assert.equal(text.match(/^\s*npm install\b/gm)?.length, 1, 'npm install is one step, once');
  assert.ok(at('npm run cluster') < at('   npm run build'));
  assert.ok(at('npm run watch        # terminal 2') < at('npm run crash -- --times 2   # terminal 1'));
  assert.match(text, /`npm run cluster` creates a kind cluster\s+named `talk`/);
  // No cluster npm run cluster can create: not offered.
  assert.doesNotMatch(readme({ cluster: 'containerd' }), /npm run cluster\n/);
});

test('a StatefulSet demo names its pod <name>-0, as in the article', () => {
  assert.match(readme({ workload: 'statefulset' }), /pod `talk-0`/);
});

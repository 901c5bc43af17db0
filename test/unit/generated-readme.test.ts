// The generated README is the tutorial for one exact demo: it must say what that demo will do.
import { VERIFIED_CGROUP2, VERIFIED_CLUSTER } from '../../src/verified.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictOutcome, renderDemo, resolveOptions, startCommand } from '../../src/index.js';
import { readFileSync } from 'node:fs';
import { questionsFor } from '../../src/questions.js';
import { runBin } from '../support/bin.js';
import { tempDir } from '../support/tree.js';

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

test('the README says exactly where the steps were run (the test cluster, as src/verified.ts names it) and what was not run', () => {
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

test('the article is named, not just "the article": in the StatefulSet a speaker shows, and in --help', () => {
  const files = renderDemo(resolveOptions({ name: 'talk', workload: 'statefulset' }));
  assert.match(String(files.get('k8s/statefulset.yaml')), /^# A StatefulSet, as in the article "Why My Flask App Refused to Crash": the pod/m);
  const help = runBin(['--help'], tempDir()).stdout;
  assert.doesNotMatch(help, /the (original )?article(?! ")/);
  assert.match(help, /\(as in "Why My Flask App Refused to Crash"\)/);
});

/**
 * The sentences of `text` that say "article" without the article's title in them. A sentence ends
 * at . ! or ? before a space, at a blank line, or at a table cell's |; a line break inside one is a
 * space (with the # of a comment or the > of a quote that starts the next line).
 */
function articleUnnamed(text: string): string[] {
  const sentences = text
    .split(/\n\s*\n|\|/)
    .flatMap((block) => ('\n' + block).replace(/\s*\n\s*(?:[#>]+\s*|\/\/\s*)?/g, ' ').trim().split(/(?<=[.!?])\s+/));
  return sentences.filter((s) => /\barticles?\b/i.test(s) && !s.includes('Why My Flask App Refused to Crash'));
}

test('wherever a user reads "the article", its title is in the same sentence: every generated file, README.md, --help, the prompts and the bin\'s report', () => {
  const texts = new Map<string, string>();
  for (const runtime of ['python', 'node'] as const)
    for (const pid1 of ['exec', 'shell', 'tini'] as const)
      for (const crash of ['exit-worker', 'kill-parent', 'halt-supervisor', 'oom'] as const)
        for (const workload of ['deployment', 'statefulset'] as const) {
          const files = renderDemo(resolveOptions({ name: 'talk', runtime, pid1, crash, workload, fastBackoff: workload === 'statefulset' }));
          for (const [path, contents] of files) texts.set(`${runtime} ${pid1} ${crash} ${workload}: ${path}`, String(contents));
        }
  texts.set('README.md', readFileSync(new URL('../../README.md', import.meta.url), 'utf8'));
  texts.set('--help', runBin(['--help'], tempDir()).stdout);
  // What the prompts show: each question, and each choice's hint (src/cli/prompt.ts draws them as they are).
  for (const q of questionsFor({}, { dir: 'talk' })) texts.set(`the ${q.key} prompt`, [q.message, ...(q.choices ?? []).map((c) => `${c.label}: ${c.hint}.`)].join('\n\n'));
  const report = runBin(['talk', '--workload', 'statefulset', '--pid1', 'shell'], tempDir());
  assert.equal(report.code, 0, report.stderr);
  texts.set('what the bin prints after writing', report.stdout);

  const unnamed = [...texts].flatMap(([where, text]) => articleUnnamed(text).map((s) => `${where}: ${s}`));
  assert.deepEqual(unnamed, []);
  // Not vacuous: the StatefulSet a speaker shows says "the article", and the rule sees a bare one.
  const mentions = [...texts].filter(([, text]) => /\barticle\b/i.test(text)).map(([where]) => where);
  assert.ok(mentions.some((w) => w.endsWith('k8s/statefulset.yaml')), mentions.join(', '));
  assert.deepEqual(articleUnnamed('# As in the article,\n# the pod is talk-0. As in the article\n# "Why My Flask App Refused to Crash".'), ['As in the article, the pod is talk-0.']);
});

test('a StatefulSet demo names its pod <name>-0, as in the article', () => {
  assert.match(readme({ workload: 'statefulset' }), /pod `talk-0`/);
});

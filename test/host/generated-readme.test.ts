// The article's title wherever a user reads "the article": in the generated files, README.md, and in
// what the built bin prints (--help, its report), so these run in the host tier. The rest of what
// the generated README must say: test/unit/generated-readme.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderDemo, resolveOptions } from '../../src/index.js';
import { questionsFor } from '../../src/generator/questions.js';
import { runBin } from '../support/bin.js';
import { requireCurrentBuild } from '../support/build.js';
import { tempDir } from '../support/tree.js';

requireCurrentBuild();

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

test('wherever a user reads "the article", its title is in the same sentence: every generated file, README.md and the docs beside it, --help, the prompts and the bin\'s report', () => {
  const texts = new Map<string, string>();
  for (const runtime of ['python', 'node'] as const)
    for (const pid1 of ['exec', 'shell', 'tini'] as const)
      for (const crash of ['exit-worker', 'kill-parent', 'halt-supervisor', 'oom', 'hang'] as const)
        for (const workload of ['deployment', 'statefulset'] as const) {
          // --liveness off once per crash mode and runtime x pid1: its manifest and README differ.
          const liveness = workload === 'statefulset' ? 'off' : 'on';
          const files = renderDemo(resolveOptions({ name: 'talk', runtime, pid1, crash, workload, liveness, fastBackoff: workload === 'statefulset' }));
          for (const [path, contents] of files) texts.set(`${runtime} ${pid1} ${crash} ${workload}: ${path}`, String(contents));
        }
  for (const doc of ['README.md', 'CONTRIBUTING.md', 'docs/usage.md', 'docs/verification.md']) texts.set(doc, readFileSync(new URL(`../../${doc}`, import.meta.url), 'utf8'));
  texts.set('--help', runBin(['--help'], tempDir()).stdout);
  // What the prompts show: each question, and each choice's hint (src/bin/prompt.ts draws them as they are).
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

// README.md is the front door: what it is, the command, what you get, the talk path, and the flag
// and outcome tables, generated from the code so they cannot drift. What a contributor needs is in
// CONTRIBUTING.md and docs/; these tests hold both in step with the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { README, renderReadme } from '../../tools/readme.js';
import { renderDemo, resolveOptions } from '../../src/index.js';
import { VERIFIED_CGROUP2, VERIFIED_CLUSTER } from '../../src/generator/verified.js';
import { execFileSync } from 'node:child_process';
import { ROOT } from '../support/bin.js';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** What a reader reads word by word: the text without its code blocks and tables (tables are scanned). */
function prose(markdown: string): string {
  return markdown
    .replace(/^```[\s\S]*?^```$/gm, '')
    .split('\n')
    .filter((line) => !line.startsWith('|') && !line.startsWith('<!--'))
    .join('\n');
}

test('README.md shows the current flags and outcome table (npx tsx tools/readme.ts rewrites them)', () => {
  const text = readFileSync(README, 'utf8');
  assert.equal(text, renderReadme(text));
});

test('README.md and CONTRIBUTING.md give the two commands for a fresh machine, and .ci/run runs the same test command', () => {
  // The bin they run is the one package.json declares (npm links that file).
  const { bin } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> };
  for (const doc of ['README.md', 'CONTRIBUTING.md']) {
    const text = read(doc);
    // No `prepare` builds at `npm ci` (the packed package.json would carry it to every install): the build is a step.
    assert.ok(text.includes(`npm ci && npm run build && node ${bin['create-crash-demo']} my-demo`), `${doc} builds, then runs ${bin['create-crash-demo']}`);
    assert.match(text, /^npm test$/m, doc);
  }
  const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
  assert.match(ci, /^npm test$/m);
});

test('README.md reads in two minutes: what it is, the command, what you get, the talk path, the tables, then one pointer for contributors', () => {
  const text = readFileSync(README, 'utf8');
  // Issue 27: a front door, not a lab notebook (it was 2,700 words of prose, how to run the tests as root first).
  const words = prose(text).split(/\s+/).filter(Boolean).length;
  assert.ok(words <= 650, `README.md has ${words} words of prose; at most 650 (move the rest to docs/ or CONTRIBUTING.md)`);
  const headings = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  assert.deepEqual(headings, ['Use', 'What you get', 'The talk path', 'What will happen: every runtime × PID 1 × crash mode', 'Flags', 'From a checkout', 'Contributing']);
  // The talk path names the scripts a speaker runs, and each is one the demo has.
  const talk = text.slice(text.indexOf('## The talk path'), text.indexOf('\n## ', text.indexOf('## The talk path') + 1));
  const scripts = [...renderDemo(resolveOptions({ name: 'demo' })).keys()].flatMap((f) => /^scripts\/([^/]+)\.mjs$/.exec(f)?.[1] ?? []);
  const named = [...talk.matchAll(/npm run (\w+)/g)].map((m) => m[1] ?? '');
  for (const s of ['rehearse', 'demo', 'watch']) assert.ok(named.includes(s), `the talk path runs npm run ${s}`);
  for (const s of named) assert.ok(scripts.includes(s), `npm run ${s} is a script of the demo`);
});

test('every relative link in README.md and docs/*.md names a file of the repository', () => {
  const docs = ['README.md', 'CONTRIBUTING.md', 'test/README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const broken: string[] = [];
  let links = 0;
  for (const doc of docs) {
    for (const [, target = ''] of read(doc).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
      links += 1;
      const path = relative(ROOT, join(ROOT, dirname(doc), target));
      if (path.startsWith('..') || !existsSync(join(ROOT, path))) broken.push(`${doc}: ${target}`);
    }
  }
  assert.ok(links >= 10, `found ${links} links`);
  assert.deepEqual(broken, []);
});

test('the versions README.md, CONTRIBUTING.md and docs/verification.md say ran are the ones src/generator/verified.ts names', () => {
  // src/generator/verified.ts is what test/cluster/verified.test.ts and test/cgroup2 hold against the real cluster and VM.
  const flat = (path: string) => read(path).replace(/\s+/g, ' ');
  const verification = flat('docs/verification.md');
  const from = verification.indexOf('**On a real Kubernetes**');
  const onCluster = verification.slice(from, verification.indexOf(' - **', from));
  const { kubernetes, etcd, containerd, runc, kernel, cgroup } = VERIFIED_CLUSTER;
  assert.ok(onCluster.includes(`Kubernetes ${kubernetes} (kube-apiserver`), `docs/verification.md: the cluster is Kubernetes ${kubernetes}`);
  assert.ok(onCluster.includes(`etcd ${etcd} and containerd ${containerd}`), `etcd ${etcd}, containerd ${containerd}`);
  assert.ok(onCluster.includes(`Debian's runc ${runc}`), `runc ${runc}`);
  assert.ok(onCluster.includes(`on ${kernel} with its memory controller on **cgroup ${cgroup}**`), `${kernel}, cgroup ${cgroup}`);
  assert.ok(flat('CONTRIBUTING.md').includes(`The test cluster is Kubernetes ${kubernetes} (etcd ${etcd}, containerd ${containerd})`), 'CONTRIBUTING.md names the test cluster');
  const v2 = VERIFIED_CGROUP2;
  assert.ok(flat('README.md').includes(`run for real as cgroup v2 (${v2.kernel}, runc ${v2.runc}) in a VM`), 'README.md names the cgroup v2 run');
  assert.ok(verification.includes(`Debian's ${v2.kernel} cloud kernel booted under qemu (TCG) with \`cgroup_no_v1=all\`, Debian's runc ${v2.runc};`), 'docs/verification.md names the cgroup v2 run');
});

test("README.md's tree of the generated project names every script and every helper a demo has", () => {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('## What you get');
  assert.ok(start >= 0, 'README.md has "## What you get"');
  const tree = text.slice(start, text.indexOf('\n## ', start + 1));
  const files = [...renderDemo(resolveOptions({ name: 'demo' })).keys()];
  const scripts = files.flatMap((f) => /^scripts\/([^/]+)\.mjs$/.exec(f)?.[1] ?? []);
  // The machinery is the package's own create-crash-demo/scripts: every .mjs module its index reaches is named.
  const modules = runtimeModules(fileURLToPath(new URL('../../src/runtime/index.mjs', import.meta.url)));
  assert.ok(modules.length > 20, `${modules.length} modules reached from the runtime's index`);
  const listed = (line: RegExp) => (tree.match(line)?.[1] ?? '').split(/,\s*/).map((s) => s.trim());
  assert.deepEqual(listed(/scripts\/ +zx, one per npm script: ([^\n]+)/), scripts);
  assert.deepEqual(listed(/create-crash-demo\/scripts \(in node_modules\): ([^`]+?)\n +kind-config/).join(',').replace(/\s+/g, ''), modules.sort().join(','));
  // No helper is copied into the demo, save one: the check every npm script loads first (package.json's
  // node --import), which must work before npm install, so cannot come from create-crash-demo/scripts.
  assert.deepEqual(files.filter((f) => f.startsWith('scripts/') && !/^scripts\/[^/]+\.mjs$/.test(f)), ['scripts/preload/installed.mjs']);
  assert.match(tree, /^ +scripts\/preload\/installed\.mjs +\S/m, 'the tree names it');
});

test('docs/FACTS.md is in the repository, and every "FACTS.md §N" the code, tests and docs cite is one of its sections', () => {
  const facts = readFileSync(new URL('../../docs/FACTS.md', import.meta.url), 'utf8');
  const sections = new Set([...facts.matchAll(/^## (\d+)\. /gm)].map((m) => m[1]));
  assert.ok(sections.size >= 7, 'the facts page has its sections');
  const cited = execFileSync('grep', ['-rhoE', 'FACTS\\.md §[0-9]+', 'src', 'test', 'templates', 'README.md', 'CONTRIBUTING.md', 'docs'], { cwd: ROOT, encoding: 'utf8' });
  const refs = [...new Set(cited.split('\n').filter(Boolean).map((r) => r.replace('FACTS.md §', '')))];
  assert.ok(refs.length > 0);
  for (const n of refs) assert.ok(sections.has(n), `§${n} is a section of docs/FACTS.md`);
});

/** The basenames of the .mjs modules `index` reaches through its relative imports and re-exports (index itself left out). */
function runtimeModules(index: string): string[] {
  const seen = new Set<string>([index]);
  for (const file of seen) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.\.?\/[^']+\.mjs)';$/gm)) seen.add(join(dirname(file), m[1]!));
  }
  seen.delete(index);
  return [...seen].map((f) => basename(f, '.mjs'));
}

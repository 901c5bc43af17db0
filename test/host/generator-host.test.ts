// The Yeoman face run by a real yeoman-environment host (test/support/yo-env.mjs, the snippet in
// docs/usage.md), as a user runs it: same rules as the bin. No question without a terminal, a user
// error is one line and exit 1, and nothing is written then; a non-empty directory only with
// --overwrite, and then without yeoman's per-file "Overwrite?".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listTree, tempDir } from '../support/tree.js';
import { Terminal } from '../support/pty.js';
import { requireCurrentBuild } from '../support/build.js';

requireCurrentBuild();

const HOST = fileURLToPath(new URL('../support/yo-env.mjs', import.meta.url));

/** Runs the host with stdin a pipe (no terminal), as CI or a script would. */
function host(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [HOST, JSON.stringify(args)], { cwd, encoding: 'utf8', input: '', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A directory holding the user's own README.md and package.json. */
function usersProject(): { cwd: string; dir: string } {
  const cwd = tempDir('crash-demo-yoenv-');
  const dir = join(cwd, 'mine');
  mkdirSync(dir);
  writeFileSync(join(dir, 'README.md'), '# my project\n');
  writeFileSync(join(dir, 'package.json'), '{"name":"mine"}\n');
  return { cwd, dir };
}

test('without a terminal and without --yes it asks nothing: the defaults stand, as with the bin, exit 0', () => {
  const cwd = tempDir('crash-demo-yoenv-');
  const r = host(cwd, ['demo']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /ExitPromptError|^\? /m, 'no question was put');
  const saved = JSON.parse(readFileSync(join(cwd, 'demo', 'crash-demo.json'), 'utf8'));
  assert.equal(saved.options.runtime, 'python');
  assert.equal(saved.options.name, 'demo');
});

test('--yes into a directory with the user\'s files: one line, exit 1, nothing written, no "Overwrite?"', () => {
  const { cwd, dir } = usersProject();
  const r = host(cwd, ['mine', '--yes']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    `create-crash-demo: "mine" is not empty: nothing was written. Choose a new directory, or pass --overwrite to replace the demo's files there (2 of them are there already; every other file stays).\n`,
  );
  assert.deepEqual(listTree(dir), ['README.md', 'package.json']);
  assert.equal(readFileSync(join(dir, 'README.md'), 'utf8'), '# my project\n');
});

test('--yes --overwrite never replaces the user\'s own package.json and README.md; with --replace-edited it does, and leaves the others', () => {
  const { cwd, dir } = usersProject();
  writeFileSync(join(dir, 'notes.txt'), 'keep me\n');
  const refused = host(cwd, ['mine', '--yes', '--overwrite']);
  assert.equal(refused.code, 1);
  assert.equal(
    refused.stderr,
    `create-crash-demo: "mine": 2 file(s) there are edited by you or were not generated (README.md, package.json): nothing was written. Move them away, or add --replace-edited to replace them too.\n`,
  );
  assert.deepEqual(listTree(dir), ['README.md', 'notes.txt', 'package.json']);
  const r = host(cwd, ['mine', '--yes', '--overwrite', '--replace-edited']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /Overwrite|conflict/i);
  assert.ok(existsSync(join(dir, 'crash-demo.json')));
  assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'keep me\n');
  assert.equal(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name, 'mine');
});

test('--runtime bogus: one line naming the value and the valid ones, exit 1, no stack trace, no directory', () => {
  const cwd = tempDir('crash-demo-yoenv-');
  const r = host(cwd, ['demo', '--runtime', 'bogus', '--yes']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'create-crash-demo: --runtime "bogus" is not a valid choice: use one of python, node.\n');
  assert.equal(existsSync(join(cwd, 'demo')), false);
});

test('a target on a kernel file system is refused before yeoman makes the directory (its mkdir would loop on /proc)', () => {
  const cwd = tempDir('crash-demo-yoenv-');
  const started = Date.now();
  const r = host(cwd, ['/proc/x', '--yes']);
  assert.ok(Date.now() - started < 30_000, 'answered at once');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^create-crash-demo: Cannot write the demo to "\/proc\/x": "\/proc" is on a kernel file system \(proc\)/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.equal(existsSync('/proc/x'), false);
});

test('at a terminal it asks with the current select prompt: no "`list` prompt is deprecated"', async () => {
  const cwd = tempDir('crash-demo-yoenv-');
  const term = new Terminal([process.execPath, HOST, JSON.stringify(['demo', '--name', 'demo'])], cwd);
  try {
    await term.waitFor('Runtime');
    await term.waitFor('python');
    assert.doesNotMatch(term.output, /deprecated/);
  } finally {
    term.kill();
    await term.exited;
  }
});

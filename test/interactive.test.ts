// The bin at a real terminal: it asks, with defaults, and a non-empty directory is a choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from './support/bin.js';
import { KEY, Terminal } from './support/pty.js';
import { listTree, tempDir } from './support/tree.js';

test('at a terminal it asks every open question with its default, then writes the demo', async () => {
  const cwd = tempDir();
  const t = new Terminal([process.execPath, BIN, '--crash', 'oom'], cwd);
  try {
    await t.waitFor('Target directory');
    t.type('talk-demo' + KEY.enter);
    await t.waitFor('Name of the app');
    t.type(KEY.enter); // default: talk-demo
    await t.waitFor('Runtime');
    t.type(KEY.down + KEY.enter); // python -> node
    // --crash was given as a flag: never asked.
    await t.waitFor('Who is PID 1');
    t.type(KEY.enter);
    await t.waitFor('What fires the crash');
    t.type(KEY.down + KEY.down + KEY.enter); // timer
    await t.waitFor('Seconds after a worker boots');
    t.type('7' + KEY.enter);
    for (const prompt of ['Worker processes', 'Kubernetes workload', 'Kubernetes namespace', 'Container port', 'Local cluster', 'kind config']) {
      await t.waitFor(prompt);
      t.type(KEY.enter);
    }
    assert.equal(await t.exited, 0, t.output);
  } finally {
    t.kill();
  }
  assert.doesNotMatch(t.output, /Crash mode/, 'a value given as a flag is never asked');
  const saved = JSON.parse(readFileSync(join(cwd, 'talk-demo', 'crash-demo.json'), 'utf8'));
  assert.deepEqual(
    { name: saved.options.name, runtime: saved.options.runtime, crash: saved.options.crash, trigger: saved.options.trigger, after: saved.options.after, pid1: saved.options.pid1 },
    { name: 'talk-demo', runtime: 'node', crash: 'oom', trigger: 'timer', after: 7, pid1: 'tini' },
  );
  assert.match(t.output, /What will happen/);
});

test('at a terminal a bad answer is refused on the spot and asked again', async () => {
  const cwd = tempDir();
  const t = new Terminal([process.execPath, BIN, 'demo', '--runtime', 'python', '--crash', 'exit-worker', '--pid1', 'exec', '--trigger', 'http',
    '--workload', 'deployment', '--namespace', 'ns', '--cluster', 'kind', '--fast-backoff', '--name', 'demo', '--workers', '2'], cwd);
  try {
    await t.waitFor('Container port');
    t.type('80' + KEY.enter);
    await t.waitFor('--port "80" is out of range');
    t.type('\x7f\x7f' + '9000' + KEY.enter);
    assert.equal(await t.exited, 0, t.output);
  } finally {
    t.kill();
  }
  assert.equal(JSON.parse(readFileSync(join(cwd, 'demo', 'crash-demo.json'), 'utf8')).options.port, 9000);
});

test('at a terminal a non-empty directory offers Cancel (the default) or Overwrite; Cancel writes nothing', async () => {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'demo'));
  writeFileSync(join(cwd, 'demo', 'notes.txt'), 'mine');
  const t = new Terminal([process.execPath, BIN, 'demo', '--runtime', 'python', '--crash', 'exit-worker', '--pid1', 'exec', '--trigger', 'http',
    '--workload', 'deployment', '--namespace', 'ns', '--cluster', 'kind', '--fast-backoff', '--name', 'demo', '--workers', '2', '--port', '8080'], cwd);
  try {
    await t.waitFor('is not empty');
    await t.waitFor('Overwrite');
    t.type(KEY.enter);
    assert.equal(await t.exited, 1, t.output);
  } finally {
    t.kill();
  }
  assert.deepEqual(listTree(join(cwd, 'demo')), ['notes.txt']);
});

test('at a terminal, choosing Overwrite replaces the demo files and keeps the user\'s', async () => {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'demo'));
  writeFileSync(join(cwd, 'demo', 'notes.txt'), 'mine');
  const t = new Terminal([process.execPath, BIN, 'demo', '--runtime', 'node', '--crash', 'exit-worker', '--pid1', 'exec', '--trigger', 'http',
    '--workload', 'deployment', '--namespace', 'ns', '--cluster', 'kind', '--name', 'demo', '--workers', '2', '--port', '8080'], cwd);
  try {
    await t.waitFor('Write a kind config');
    t.type(KEY.enter);
    await t.waitFor('Overwrite');
    t.type(KEY.down + KEY.enter);
    assert.equal(await t.exited, 0, t.output);
  } finally {
    t.kill();
  }
  const tree = listTree(join(cwd, 'demo'));
  assert.ok(tree.includes('notes.txt') && tree.includes('crash-demo.json'));
  assert.equal(readFileSync(join(cwd, 'demo', 'notes.txt'), 'utf8'), 'mine');
});

// The bin at a real terminal: the directory, the few questions that decide the outcome, the outcome,
// then "Write it / Change the rest / Cancel"; a non-empty directory is a choice, asked right away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runBin } from '../support/bin.js';
import { KEY, Terminal } from '../support/pty.js';
import { listTree, tempDir } from '../support/tree.js';
import { requireCurrentBuild } from '../support/build.js';

requireCurrentBuild();

const savedOptions = (dir: string) => JSON.parse(readFileSync(join(dir, 'crash-demo.json'), 'utf8')).options;

/** The prompts clack drew, in order: each question's line starts with ◆ while it is asked. */
const asked = (screen: string) => [...new Set([...screen.matchAll(/◆ {2}([^\r\n]+?)\s*(?:\r|\n)/g)].map((m) => m[1]!.trim()))];

test('with every default: 5 questions and 5 keystrokes, and the outcome is shown before anything is written', async () => {
  const cwd = tempDir();
  const t = new Terminal([process.execPath, BIN], cwd);
  let keys = 0;
  const enter = () => (keys++, t.type(KEY.enter));
  try {
    await t.waitFor('Target directory');
    enter();
    for (const prompt of ['Runtime', 'Crash mode', 'Who is PID 1']) {
      await t.waitFor(prompt);
      enter();
    }
    await t.waitFor('What will happen');
    await t.waitFor('Write it?');
    assert.equal(existsSync(join(cwd, 'crash-demo')), false, 'nothing is written before "Write it"');
    enter();
    assert.equal(await t.exited, 0, t.output);
  } finally {
    t.kill();
  }
  const questions = asked(t.output);
  assert.equal(questions.length, 5, questions.join(' | '));
  assert.equal(keys, 5);
  // The outcome (the kill-parent default under tini: exit 137, CrashLoopBackOff) came before the choice.
  const screen = t.output;
  assert.ok(screen.indexOf('exits 137') < screen.indexOf('Write it?'), 'the prediction is on screen before the choice');
  assert.match(screen, /the other 8 settings keep their defaults/);
  assert.deepEqual(savedOptions(join(cwd, 'crash-demo')), {
    name: 'crash-demo', runtime: 'python', crash: 'kill-parent', pid1: 'tini', liveness: 'on', trigger: 'http', probability: 0.06,
    after: 30, workers: 2, workload: 'deployment', namespace: 'crash-demo', port: 8080, cluster: 'auto', fastBackoff: false,
  });
});

test('"Change the rest" asks every other open question with its default; a flag is never asked', async () => {
  const cwd = tempDir();
  const t = new Terminal([process.execPath, BIN, '--crash', 'oom'], cwd);
  try {
    await t.waitFor('Target directory');
    t.type('talk-demo' + KEY.enter);
    await t.waitFor('Runtime');
    t.type(KEY.down + KEY.enter); // python -> node
    await t.waitFor('Who is PID 1');
    t.type(KEY.enter);
    await t.waitFor('Write it?');
    t.type(KEY.down + KEY.enter); // Change the rest
    await t.waitFor('Name of the app');
    t.type(KEY.enter); // default: talk-demo
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
  const saved = savedOptions(join(cwd, 'talk-demo'));
  assert.deepEqual(
    { name: saved.name, runtime: saved.runtime, crash: saved.crash, trigger: saved.trigger, after: saved.after, pid1: saved.pid1 },
    { name: 'talk-demo', runtime: 'node', crash: 'oom', trigger: 'timer', after: 7, pid1: 'tini' },
  );
  assert.match(t.output, /What will happen/);
});

test('the liveness probe is asked only for --crash hang, among the questions that decide what happens', async () => {
  const cwd = tempDir();
  const t = new Terminal([process.execPath, BIN, '--crash', 'hang'], cwd);
  try {
    await t.waitFor('Target directory');
    t.type('hung' + KEY.enter);
    for (const prompt of ['Runtime', 'Who is PID 1']) {
      await t.waitFor(prompt);
      t.type(KEY.enter);
    }
    await t.waitFor('Liveness probe');
    t.type(KEY.down + KEY.enter); // on -> off
    await t.waitFor('Write it?');
    t.type(KEY.enter);
    assert.equal(await t.exited, 0, t.output);
  } finally {
    t.kill();
  }
  assert.equal(savedOptions(join(cwd, 'hung')).liveness, 'off');
  assert.match(t.output, /no liveness probe/, 'the prediction for the answer, before "Write it?"');
});

/** Every option but `open` as a flag, so only that one is asked (after "Change the rest"). */
function allBut(open: string): string[] {
  const flags: Record<string, string> = {
    '--name': 'demo', '--trigger': 'http', '--workers': '2', '--workload': 'deployment', '--namespace': 'ns', '--port': '8080', '--cluster': 'kind',
  };
  delete flags[open];
  return ['--runtime', 'python', '--crash', 'exit-worker', '--pid1', 'exec', '--fast-backoff', ...Object.entries(flags).flat()];
}

/**
 * At the "not empty" question: Overwrite, then the file `listed` is shown as edited by the user (or
 * not written by create-crash-demo) and its own question is on screen.
 */
async function overwriteUntilReplaceQuestion(t: Terminal, listed: string): Promise<void> {
  await t.waitFor('Overwrite');
  t.type(KEY.down + KEY.enter);
  await t.waitFor('Edited by you, or not written by create-crash-demo');
  await t.waitFor(listed);
  await t.waitFor('Replace these 1 file(s) too?');
}

test('a bad answer is refused on the spot, by the same rules as its flag, and asked again', async () => {
  const cwd = tempDir();
  const t = new Terminal([process.execPath, BIN, 'demo', ...allBut('--port')], cwd);
  try {
    await t.waitFor('Write it?');
    t.type(KEY.down + KEY.enter);
    await t.waitFor('Container port');
    t.type('80' + KEY.enter);
    await t.waitFor('--port "80" is out of range');
    t.type('\x7f\x7f' + '9000' + KEY.enter);
    assert.equal(await t.exited, 0, t.output);
  } finally {
    t.kill();
  }
  assert.equal(savedOptions(join(cwd, 'demo')).port, 9000);
});

test('the namespace prompt refuses kube-system on the spot, not after the last question', async () => {
  const cwd = tempDir();
  const t = new Terminal([process.execPath, BIN, 'demo', ...allBut('--namespace')], cwd);
  try {
    await t.waitFor('Write it?');
    t.type(KEY.down + KEY.enter);
    await t.waitFor('Kubernetes namespace');
    t.type('kube-system' + KEY.enter);
    await t.waitFor('belongs to the cluster itself');
    t.type('\x7f'.repeat('kube-system'.length) + 'talk' + KEY.enter);
    assert.equal(await t.exited, 0, t.output);
  } finally {
    t.kill();
  }
  assert.equal(savedOptions(join(cwd, 'demo')).namespace, 'talk');
});

test('a flag the bin refuses is refused before the first question', async () => {
  const cwd = tempDir();
  const t = new Terminal([process.execPath, BIN, '--namespace', 'kube-system', '--port', '80'], cwd);
  try {
    assert.equal(await t.exited, 1, t.output);
  } finally {
    t.kill();
  }
  assert.match(t.output, /create-crash-demo: --port "80" is out of range/);
  assert.doesNotMatch(t.output, /Target directory/);
});

test('a non-empty directory is a choice right after the directory question; Cancel (the default) writes nothing', async () => {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'demo'));
  writeFileSync(join(cwd, 'demo', 'notes.txt'), 'mine');
  const t = new Terminal([process.execPath, BIN], cwd);
  try {
    await t.waitFor('Target directory');
    t.type('demo' + KEY.enter);
    await t.waitFor('"demo" is not empty');
    await t.waitFor('Overwrite');
    assert.doesNotMatch(t.output, /Runtime/, 'asked before any other question');
    t.type(KEY.enter);
    assert.equal(await t.exited, 1, t.output);
  } finally {
    t.kill();
  }
  assert.deepEqual(listTree(join(cwd, 'demo')), ['notes.txt']);
});

test('choosing Overwrite replaces the demo\'s files, keeps the user\'s, and lists an edited file before replacing it', async () => {
  const cwd = tempDir();
  const dir = join(cwd, 'demo');
  mkdirSync(dir);
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  writeFileSync(join(dir, 'Dockerfile'), 'FROM mine');
  const t = new Terminal([process.execPath, BIN, 'demo', ...allBut('')], cwd);
  try {
    await overwriteUntilReplaceQuestion(t, 'Dockerfile');
    t.type(KEY.down + KEY.enter); // Replace them
    assert.equal(await t.exited, 0, t.output);
  } finally {
    t.kill();
  }
  const tree = listTree(dir);
  assert.ok(tree.includes('notes.txt') && tree.includes('crash-demo.json'));
  assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine');
  assert.notEqual(readFileSync(join(dir, 'Dockerfile'), 'utf8'), 'FROM mine');
});

test('Ctrl-C at a prompt: exit 130, nothing written', async () => {
  const cwd = tempDir();
  const t = new Terminal([process.execPath, BIN, 'demo'], cwd);
  try {
    await t.waitFor('Runtime');
    t.type(KEY.enter);
    await t.waitFor('Crash mode');
    t.type(KEY.ctrlC);
    assert.equal(await t.exited, 130, t.output);
  } finally {
    t.kill();
  }
  assert.match(t.output, /Cancelled: nothing was written\./);
  assert.deepEqual(listTree(cwd), []);
});

test('~/x at the directory prompt is the home directory\'s x, not ./~/x', async () => {
  const cwd = tempDir();
  const home = tempDir();
  const t = new Terminal([process.execPath, BIN, ...allBut('')], cwd, { HOME: home });
  try {
    await t.waitFor('Target directory');
    t.type('~/talk' + KEY.enter);
    assert.equal(await t.exited, 0, t.output);
  } finally {
    t.kill();
  }
  assert.deepEqual(listTree(cwd), []);
  assert.equal(savedOptions(join(home, 'talk')).name, 'demo');
  // Said as it was typed, not as a climb from the working directory (../../../root/talk).
  assert.match(t.output, /Scaffolded ~\/talk\//);
  assert.match(t.output, /cd ~\/talk\r?\n/);
});

test('a target that is a file, or on a kernel file system, is refused at the directory prompt and asked again, before any other question', async () => {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'afile'), 'a file');
  const t = new Terminal([process.execPath, BIN, ...allBut('')], cwd);
  try {
    await t.waitFor('Target directory');
    t.type('afile' + KEY.enter);
    await t.waitFor('"afile" exists and is not a directory: choose another target directory.');
    t.type('\x7f'.repeat('afile'.length) + '/sys/x' + KEY.enter);
    await t.waitFor('Cannot write the demo to "/sys/x": "/sys" is on a kernel file system (sysfs)');
    t.type('\x7f'.repeat('/sys/x'.length) + 'demo' + KEY.enter);
    assert.equal(await t.exited, 0, t.output);
  } finally {
    t.kill();
  }
  assert.equal(readFileSync(join(cwd, 'afile'), 'utf8'), 'a file');
  assert.equal(savedOptions(join(cwd, 'demo')).name, 'demo');
});

test('a target given as an argument is checked before the first question: /sys/x is refused at once at a terminal too', async () => {
  const cwd = tempDir();
  const t = new Terminal([process.execPath, BIN, '/sys/x'], cwd);
  try {
    await t.waitFor('create-crash-demo: Cannot write the demo to "/sys/x"', 10_000); // not a question
    assert.equal(await t.exited, 1, t.output);
  } finally {
    t.kill();
  }
  assert.match(t.output, /create-crash-demo: Cannot write the demo to "\/sys\/x": "\/sys" is on a kernel file system \(sysfs\)/);
  assert.doesNotMatch(t.output, /Runtime/);
});

test('Cancel at "Write it?" writes nothing and exits 1, saying so', async () => {
  const cwd = tempDir();
  const t = new Terminal([process.execPath, BIN, 'demo'], cwd);
  try {
    for (const prompt of ['Runtime', 'Crash mode', 'Who is PID 1']) {
      await t.waitFor(prompt);
      t.type(KEY.enter);
    }
    await t.waitFor('Write it?');
    t.type(KEY.down + KEY.down + KEY.enter); // Cancel
    await t.waitFor('Cancelled');
    assert.equal(await t.exited, 1, t.output);
  } finally {
    t.kill();
  }
  assert.match(t.output, /create-crash-demo: Cancelled: nothing was written\./);
  assert.doesNotMatch(t.output, /Scaffolded/);
  assert.deepEqual(listTree(cwd), []);
});

// Each text prompt and the flag it stands for: a bad answer gets the flag's own message at once,
// the same question stays on screen, and the next answer is the one saved.
const TEXT_PROMPTS = [
  { prompt: 'Name of the app', flags: allBut('--name'), bad: 'My_App', flag: ['--name', 'My_App'], good: 'talk', saved: ['name', 'talk'] },
  { prompt: 'Worker processes', flags: allBut('--workers'), bad: '17', flag: ['--workers', '17'], good: '3', saved: ['workers', 3] },
  {
    prompt: 'Seconds after a worker boots', flags: [...allBut('--trigger'), '--trigger', 'timer'], bad: '0',
    flag: ['--trigger', 'timer', '--after', '0'], good: '5', saved: ['after', 5],
  },
  {
    prompt: 'Probability that a request fires the crash', flags: [...allBut('--trigger'), '--trigger', 'random'], bad: '1.5',
    flag: ['--trigger', 'random', '--probability', '1.5'], good: '0.5', saved: ['probability', 0.5],
  },
] as const;

/** `text` as it appears on screen, where clack may wrap a long message at any space. */
const wrapped = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+'));

for (const { prompt, flags, bad, flag, good, saved: [key, value] } of TEXT_PROMPTS) {
  test(`the "${prompt}" prompt refuses ${bad} on the spot with the message ${flag.at(-2)} ${bad} gets, and asks again`, async () => {
    const cwd = tempDir();
    const refused = runBin(['demo', ...flag], tempDir());
    assert.equal(refused.code, 1, refused.stderr);
    const message = refused.stderr.replace(/^create-crash-demo: /, '').trim();
    const t = new Terminal([process.execPath, BIN, 'demo', ...flags], cwd);
    try {
      await t.waitFor('Write it?');
      t.type(KEY.down + KEY.enter); // Change the rest: only this one is open
      await t.waitFor(prompt);
      t.type(bad + KEY.enter);
      await t.waitFor(wrapped(message));
      assert.doesNotMatch(t.output, /Scaffolded/, 'still asking');
      t.type('\x7f'.repeat(bad.length) + good + KEY.enter);
      await t.waitFor('Scaffolded'); // asked again, and the good answer taken
      assert.equal(await t.exited, 0, t.output);
    } finally {
      t.kill();
    }
    assert.equal(savedOptions(join(cwd, 'demo'))[key], value);
  });
}

test('one name rule, asked or not: "My Démo" typed at the directory prompt gives the app name my-demo, as the flag does', async () => {
  const cwd = tempDir();
  const t = new Terminal([process.execPath, BIN], cwd);
  try {
    await t.waitFor('Target directory');
    t.type('My Démo' + KEY.enter);
    for (const prompt of ['Runtime', 'Crash mode', 'Who is PID 1', 'Write it?']) {
      await t.waitFor(prompt);
      t.type(KEY.enter);
    }
    assert.equal(await t.exited, 0, t.output);
  } finally {
    t.kill();
  }
  assert.equal(savedOptions(join(cwd, 'My Démo')).name, 'my-demo');
  assert.match(t.output, /Scaffolded My Démo\/ \(app name my-demo, from the directory name\)/);
  const noTerminal = tempDir();
  assert.equal(runBin(['My Démo'], noTerminal).code, 0);
  assert.equal(savedOptions(join(noTerminal, 'My Démo')).name, 'my-demo');
});

test('Overwrite with a generated file the user edited: it is listed, and kept unless "Replace them" is chosen', async () => {
  const cwd = tempDir();
  const dir = join(cwd, 'demo');
  assert.equal(runBin(['demo', ...allBut('')], cwd).code, 0);
  const crash = join(dir, 'scripts', 'crash.mjs');
  const generated = readFileSync(crash, 'utf8');
  writeFileSync(crash, generated + '// my rehearsal note\n');
  const overwrite = async (choice: string): Promise<Terminal> => {
    const t = new Terminal([process.execPath, BIN, 'demo', ...allBut('')], cwd);
    try {
      await overwriteUntilReplaceQuestion(t, 'scripts/crash.mjs');
      assert.equal(readFileSync(crash, 'utf8'), generated + '// my rehearsal note\n', 'nothing replaced before the answer');
      t.type(choice);
      await t.exited;
    } finally {
      t.kill();
    }
    return t;
  };
  const kept = await overwrite(KEY.enter); // Cancel, the default
  assert.equal(await kept.exited, 1, kept.output);
  assert.match(kept.output, /scripts\/crash\.mjs\): nothing was written/);
  assert.equal(readFileSync(crash, 'utf8'), generated + '// my rehearsal note\n');
  const replaced = await overwrite(KEY.down + KEY.enter); // Replace them
  assert.equal(await replaced.exited, 0, replaced.output);
  assert.equal(readFileSync(crash, 'utf8'), generated);
});

test('with --cluster minikube given, the kind config (fast back-off) question is never asked', async () => {
  const cwd = tempDir();
  const t = new Terminal([process.execPath, BIN, 'demo', '--cluster', 'minikube'], cwd);
  const rest = ['Name of the app', 'What fires the crash', 'Worker processes', 'Kubernetes workload', 'Kubernetes namespace', 'Container port'];
  try {
    for (const prompt of ['Runtime', 'Crash mode', 'Who is PID 1']) {
      await t.waitFor(prompt);
      t.type(KEY.enter);
    }
    await t.waitFor('Write it?');
    t.type(KEY.down + KEY.enter); // Change the rest
    for (const prompt of rest) {
      await t.waitFor(prompt);
      t.type(KEY.enter);
    }
    await t.waitFor('Scaffolded'); // with no question after the port
    assert.equal(await t.exited, 0, t.output);
  } finally {
    t.kill();
  }
  assert.deepEqual(
    asked(t.output).map((q) => rest.find((r) => q.startsWith(r)) ?? q),
    ['Runtime', 'Crash mode', 'Who is PID 1 in the container', 'Write it?', ...rest],
  );
  assert.doesNotMatch(t.output, /kind config/);
  const saved = savedOptions(join(cwd, 'demo'));
  assert.equal(saved.cluster, 'minikube');
  assert.equal(saved.fastBackoff, false);
  assert.ok(!existsSync(join(cwd, 'demo', 'kind-config.yaml')));
});

// The library face, called as a program would: its errors name what a caller wrote (a property of
// the options object), not a flag of the bin. createDemo writes the demo with its vendor/ copy of
// create-crash-demo, packed from dist/: so this runs in the host tier, after the build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDemo, resolveOptions, UsageError, type DemoOptions } from '../../src/index.js';
import { listTree, tempDir } from '../support/tree.js';
import { requireCurrentBuild } from '../support/build.js';

requireCurrentBuild();

/** The message of the UsageError `fn` throws. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  assert.fail('no error was thrown');
}

test('a bad value names the property and the value: runtime: "ruby", not --runtime', () => {
  const cwd = tempDir();
  // A JavaScript caller (or one that casts) gets the same check at run time.
  const options = { runtime: 'ruby' } as unknown as DemoOptions;
  assert.equal(refusal(() => createDemo(join(cwd, 'd'), options)), 'runtime: "ruby" is not a valid choice: use one of python, node.');
  assert.equal(refusal(() => resolveOptions({ port: 80 })), 'port: 80 is out of range: give a whole number from 1024 to 65535.');
  assert.equal(
    refusal(() => resolveOptions({ probability: 0.5 })),
    'probability: 0.5 only applies to trigger: random (the trigger is http): add trigger: random or drop probability.',
  );
  assert.deepEqual(listTree(cwd), []);
});

test('a non-empty directory asks for { overwrite: true }, and user files for { replaceEdited: true }, never for a flag', () => {
  const cwd = tempDir();
  const dir = join(cwd, 'd');
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), 'FROM mine');
  const notEmpty = refusal(() => createDemo(dir, {}));
  assert.match(notEmpty, /pass \{ overwrite: true \} to replace the demo's files there/);
  assert.doesNotMatch(notEmpty, /--/);
  const edited = refusal(() => createDemo(dir, {}, { overwrite: true }));
  assert.match(edited, /add \{ replaceEdited: true \} to replace them too\.$/);
  assert.equal(
    refusal(() => createDemo(dir, {}, { replaceEdited: true })),
    '{ replaceEdited: true } only applies with { overwrite: true } (it lets { overwrite: true } replace files you edited too): add { overwrite: true }, or drop { replaceEdited: true }.',
  );
  assert.deepEqual(listTree(dir), ['Dockerfile']);
});

test('createDemo refuses a target on a kernel file system at once (Node\'s recursive mkdir would loop on /proc)', () => {
  assert.equal(
    refusal(() => createDemo('/proc/x')),
    'Cannot write the demo to "/proc/x": "/proc" is on a kernel file system (proc), which holds no files of yours. Choose another target directory.',
  );
});

// Issue 14: a generated demo a speaker can put on a slide. What the user reads outside app/ and the
// tutorial fits in 800 lines with the defaults, and no script is longer than a screen (80 lines) in
// any variant: the machinery lives in create-crash-demo/scripts, not in the demo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choicesOf, renderDemo, resolveOptions, type RawOptions } from '../../src/index.js';
import { lineCounts, PROJECT_MAX, SCRIPT_MAX } from '../../tools/lines.js';

for (const runtime of choicesOf('runtime')) {
  test(`a ${runtime} demo with the defaults is at most ${PROJECT_MAX} lines outside app/ and README.md`, () => {
    const { outside } = lineCounts(renderDemo(resolveOptions({ name: 'demo', runtime })));
    assert.ok(outside <= PROJECT_MAX, `${outside} lines`);
  });
}

test(`no generated script is over ${SCRIPT_MAX} lines, whatever the options`, () => {
  const variants: RawOptions[] = [];
  for (const runtime of choicesOf('runtime'))
    for (const pid1 of choicesOf('pid1')) variants.push({ runtime, pid1, fastBackoff: true, workload: 'statefulset', trigger: 'timer' });
  for (const raw of variants) {
    const { scripts } = lineCounts(renderDemo(resolveOptions({ name: 'demo', ...raw })));
    assert.ok(scripts.length >= 10, 'every script is there');
    for (const [path, n] of scripts) assert.ok(n <= SCRIPT_MAX, `${path}: ${n} lines (${JSON.stringify(raw)})`);
  }
});

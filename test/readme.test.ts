// README.md's flag and outcome tables are generated from the code: they must not drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { README, renderReadme } from '../tools/readme.js';

test('README.md shows the current flags and outcome table (npx tsx tools/readme.ts rewrites them)', () => {
  const text = readFileSync(README, 'utf8');
  assert.equal(text, renderReadme(text));
});

test('README.md gives the two commands for a fresh machine, and .ci/run runs the same test command', () => {
  const text = readFileSync(README, 'utf8');
  assert.match(text, /npm ci && node bin\/create-crash-demo\.js my-demo/);
  assert.match(text, /^npm test$/m);
  const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');
  assert.match(ci, /^npm test$/m);
});

// The real watch.mjs, spawned with --replay as a user runs it, on the crash loop built strictly from
// docs/FACTS.md §4 (test/support/crash-loop.ts) and on real kubectl output. It imports the built
// create-crash-demo/scripts (the package resolves its own name to dist/), so it runs in the host
// tier. The same loop through the view, the --json output and the SVG: test/unit/watch/recording.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requireCurrentBuild } from '../../support/build.js';
import { DEFAULT_SECONDS, DEFAULT_TEXTS, DEFAULT_WAITS, assertWellFormed, buildLoop, count, type Json } from '../../support/crash-loop.js';

requireCurrentBuild();

const projectRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const WATCH = resolve(projectRoot, 'templates/common/scripts/watch.mjs');
const REAL = resolve(projectRoot, 'test/fixtures/real');

describe('watch.mjs --replay, spawned for real', () => {
  const dir = mkdtempSync(join(tmpdir(), 'watch-replay-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const loop = buildLoop(DEFAULT_WAITS, DEFAULT_TEXTS, DEFAULT_SECONDS);
  const file = join(dir, 'loop.jsonl');
  writeFileSync(file, loop.jsonl);

  const watch = (...args: string[]) => spawnSync(process.execPath, [WATCH, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('--json prints exactly one JSON object per state on stdout, and the summary on stderr', () => {
    const r = watch('--replay', file, '--json', '--svg', join(dir, 'timeline.svg'));
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(out, loop.expected);
    assert.match(r.stderr, /kubelet back-offs seen: 10s 20s 40s 1m20s 2m40s 5m0s/);
  });

  it('writes the timeline SVG at the end, one mark per restart', () => {
    const svg = readFileSync(join(dir, 'timeline.svg'), 'utf8');
    assertWellFormed(svg);
    assert.equal(count(svg, /<circle class="restart"/g), 6);
  });

  it('writes crash-timeline.svg in the working directory by default, and nothing with --no-svg', () => {
    const r = watch('--replay', file, '--until', 'crashloop');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(readdirSync(dir).includes('crash-timeline.svg'));
    rmSync(join(dir, 'crash-timeline.svg'));
    const quiet = watch('--replay', file, '--no-svg');
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.ok(!readdirSync(dir).includes('crash-timeline.svg'));
  });

  it('--until crashloop stops at the first CrashLoopBackOff', () => {
    const r = watch('--replay', file, '--json', '--until', 'crashloop', '--no-svg');
    const out = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Json);
    const first = loop.expected.findIndex((s) => s.status === 'CrashLoopBackOff');
    assert.deepEqual(out, loop.expected.slice(0, first + 1));
  });

  it('replays a real kubectl dump (fixture 05) to the same fields', () => {
    const real = join(REAL, readdirSync(REAL).find((f) => f.startsWith('05-')) ?? '');
    const r = watch('--replay', real, '--json', '--no-svg');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l)),
      [{ pod: 'nsapp-fa868e46640f566de09528-0', container: 'app', status: 'CrashLoopBackOff', restarts: 617, lastExitCode: 1, lastReason: 'Error', backoffSeconds: 300 }],
    );
  });

  it('says in one red line what is wrong with a file it cannot replay, and exits 1', () => {
    const log = join(REAL, readdirSync(REAL).find((f) => f.startsWith('16-')) ?? '');
    const r = watch('--replay', log, '--no-svg');
    assert.equal(r.status, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /--replay .*16-gunicorn-worker-boot-error-master-exit\.log: nothing to replay/);
  });
});

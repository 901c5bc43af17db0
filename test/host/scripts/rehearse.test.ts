// rehearse.mjs's --dry-run and usage errors as a user meets them: the generated script, run with the
// built create-crash-demo/scripts in its node_modules (so in the host tier). The restart loop itself,
// on a stand-in engine and a virtual clock: test/unit/rehearse/rehearsal.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { dirname, join } from 'node:path';
import { requireCurrentBuild } from '../../support/build.js';
import { makeProject } from '../../support/project.js';

requireCurrentBuild();

describe('rehearse.mjs as a user runs it', () => {
  const dir = makeProject({ name: 'demo', crash: 'oom', workers: 2 });
  const rehearse = (...args: string[]) =>
    spawnSync(process.execPath, [join(dir, 'scripts', 'rehearse.mjs'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('--dry-run prints the run command with the manifest memory limit, the schedule, and the removal', () => {
    const r = rehearse('--dry-run', '--network', 'host');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), [
      `docker run --detach --name demo-rehearse --label io.github.create-crash-demo.rehearse=demo --network host --env HOST=127.0.0.1 --memory ${128 * 1024 * 1024} --memory-swap ${128 * 1024 * 1024} --read-only --tmpfs $'/tmp:rw,size=16m' --cap-drop ALL --security-opt no-new-privileges demo:0.1.0`,
      '# on each exit: docker start demo-rehearse, at once, then after 10s 20s 40s 1m20s 2m40s ... (kubelet default (10s doubling, 5m0s cap))',
      'docker rm --force demo-rehearse',
    ]);
  });

  it('publishes on 127.0.0.1 by default, and refuses --publish with --network host', () => {
    const r = rehearse('--dry-run');
    assert.match(r.stdout, /--publish 127\.0\.0\.1:8080:8080 /);
    const bad = rehearse('--dry-run', '--network', 'host', '--publish', '9000');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--publish 9000 does not apply with --network host/);
  });

  it('says what is wrong with --until', () => {
    const r = rehearse('--dry-run', '--until', 'forever');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--until "forever" is not valid: use crashloop or N-restarts/);
  });

  it('refuses an unwritable --record or --svg in one line before any engine runs (the container was left running)', () => {
    // PATH without docker or podman: had the check come after the engine, this would fail on the engine instead.
    const env = { ...process.env, NO_COLOR: '1', PATH: dirname(process.execPath) };
    for (const [flag, file] of [['--record', '/nonexistent/dir/rec.jsonl'], ['--svg', '/nonexistent/dir/t.svg']] as const) {
      const r = spawnSync(process.execPath, [join(dir, 'scripts', 'rehearse.mjs'), flag, file], { cwd: dir, encoding: 'utf8', env });
      assert.equal(r.status, 1, r.stderr);
      assert.deepEqual(r.stderr.trim().split('\n'), [`✖ ${flag} ${file}: directory /nonexistent/dir does not exist (create it, or name a file in an existing directory)`]);
    }
  });

  it('--times is refused where it cannot fire: a self-firing trigger, or an app not reachable from here', () => {
    const r = rehearse('--dry-run', '--times', '2', '--no-publish');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^✖ --times 2: POST \/crash is not reachable from here/m);
    const bad = rehearse('--dry-run', '--times', '0');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--times "0" is not valid: use a whole number from 1 to 20/);
  });
});

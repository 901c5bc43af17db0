// A closed stdout (`node scripts/x.mjs --dry-run | head -1`) ends a script quietly: no EPIPE stack
// trace, exit 0, as the bin does. The pipe is a real one, read for one line and then closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { makeProject } from '../../support/project.js';
import { requireCurrentBuild } from '../../support/build.js';

requireCurrentBuild();

const project = makeProject({ cluster: 'kind' });

for (const script of ['rehearse']) { // its dry run prints three lines: the second write finds the pipe closed
  test(`${script} --dry-run | head -1: exit 0 and nothing on stderr after the reader went away`, async () => {
    // bash's pipeline: the script's stdout is a pipe that head closes after one line.
    const child = spawn('/bin/bash', ['-c', `node ${join('scripts', `${script}.mjs`)} --dry-run 2>err.log | head -1 >/dev/null; echo "\${PIPESTATUS[0]}"; cat err.log`], {
      cwd: project,
      env: { PATH: `${process.execPath.replace(/\/node$/, '')}:/usr/bin:/bin`, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    await new Promise((resolve) => child.on('close', resolve));
    const [code, ...stderr] = out.split('\n');
    assert.equal(code, '0');
    assert.doesNotMatch(stderr.join('\n'), /EPIPE|Error/);
  });
}

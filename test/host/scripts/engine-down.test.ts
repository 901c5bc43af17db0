// An engine that does not answer is not an image that is missing. docker here is the real docker
// CLI, pointed (DOCKER_HOST) at a socket where nothing answers: the failure a stopped daemon gives,
// with no engine needed to run this file. That the image really missing still reads as "not found"
// is in test/engine/engine-answers.test.ts (it needs an engine that answers).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { kubeconfig, makeBin, makeProject, oneLine, runScript } from '../../support/project.js';
import { requireCurrentBuild } from '../../support/build.js';

requireCurrentBuild();

const project = makeProject();
const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent' };


describe('the Docker daemon does not answer', { concurrency: true }, () => {
  test('rehearse says docker does not answer and how to start it, not that the image is missing', async () => {
    const r = await runScript(project, 'rehearse', [], { bin: makeBin({ docker: 'real' }), kubeconfig: kubeconfig('', []), env: NO_ENGINE });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const line = oneLine(r.stderr);
    assert.doesNotMatch(line, /not found|build it first/);
    assert.match(line, /^✖ docker does not answer \(Cannot connect to the Docker daemon at unix:\/\/\/nonexistent\. Is the docker daemon running\?\)/);
    assert.match(line, /sudo systemctl start docker/);
    assert.match(line, /Docker Desktop/);
  });

  test('build says the same, not a build failure to read through', async () => {
    const r = await runScript(project, 'build', [], { bin: makeBin({ docker: 'real' }), kubeconfig: kubeconfig('', []), env: NO_ENGINE });
    assert.equal(r.code, 1);
    const line = r.stderr.trim().split('\n').pop()!;
    assert.match(line, /^✖ docker does not answer \(Cannot connect to the Docker daemon at unix:\/\/\/nonexistent\./);
    assert.match(line, /sudo systemctl start docker/);
  });
});

// With an engine that answers, an image that is not there is what rehearse says it is: missing,
// and how to build it (the counterpart of test/host/scripts/engine-down.test.ts). Nothing is built: the
// demo's image name is one no test ever builds.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { engineAnswers } from '../support/docker.js';
import { kubeconfig, makeBin, makeProject, runScript } from '../support/project.js';
import { requireCurrentBuild } from '../support/build.js';

requireCurrentBuild();

before(async () => {
  assert.ok(await engineAnswers(), 'no Docker engine answers: run test/setup-machine.sh as root first');
});

test('rehearse with no such image in an engine that answers says the image is missing and how to build it', async () => {
  const project = makeProject({ name: 'never-built-demo' });
  const r = await runScript(project, 'rehearse', [], { bin: makeBin({ docker: 'real' }), kubeconfig: kubeconfig('', []) });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, '✖ image never-built-demo:0.1.0 not found in docker: build it first (npm run build), or name another with --image\n');
});

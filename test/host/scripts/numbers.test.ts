// Numbers given to the scripts are plain decimal digits, within bounds, as in the bin (item 11 of
// issue 10): Number() would read 0x10, 1e1, +2 and " 2 " as whole numbers, and a bound keeps
// `--until N-restarts` from waiting forever. Each refusal is one line, before any tool runs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeBin, makeProject, kubeconfig, runScript } from '../../support/project.js';
import { requireCurrentBuild } from '../../support/build.js';

requireCurrentBuild();

const project = makeProject({ cluster: 'kind' });

describe('numbers the scripts take', { concurrency: true }, () => {
  for (const until of ['99999999999999999999999-restarts', '101-restarts', '0x10-restarts', '1e1-restarts']) {
    test(`rehearse --until ${until} is refused in one line and runs no engine`, async () => {
      const bin = makeBin({ docker: 'placeholder' });
      const r = await runScript(project, 'rehearse', ['--until', until], { bin, kubeconfig: kubeconfig('kind-demo') });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim(), `✖ --until ${JSON.stringify(until)} is not valid: use crashloop or N-restarts with N from 1 to 100 (e.g. 3-restarts)`);
      assert.deepEqual(bin.calls(), []);
    });
  }

  for (const times of ['0x2', '1e1', '+2', ' 2 ', '2.0']) {
    test(`crash --times ${JSON.stringify(times)} is refused in one line and calls no kubectl`, async () => {
      const bin = makeBin({ kubectl: 'logged' });
      const r = await runScript(project, 'crash', ['--times', times], { bin, kubeconfig: kubeconfig('kind-demo') });
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim(), `✖ --times ${JSON.stringify(times)} is not valid: use a whole number from 1 to 20`);
      assert.deepEqual(bin.calls(), []);
    });
  }

  for (const publish of ['0x1F90', '127.0.0.1:+8080', '127.0.0.1:8e3']) {
    test(`rehearse --publish ${publish} is refused in one line and runs no engine`, async () => {
      const bin = makeBin({ docker: 'placeholder' });
      const r = await runScript(project, 'rehearse', ['--publish', publish], { bin, kubeconfig: kubeconfig('kind-demo') });
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim(), `✖ --publish ${JSON.stringify(publish)} is not valid: use PORT or ADDR:PORT, e.g. 127.0.0.1:8080`);
      assert.deepEqual(bin.calls(), []);
    });
  }
});

// crash.mjs for --trigger http: port-forward, POST /crash to 127.0.0.1, print the answer, stop the
// port-forward. There is no cluster here, so kubectl is a stand-in: `kubectl port-forward` starts
// a fake pod (an HTTP server on 127.0.0.1) and prints kubectl's "Forwarding from" line; every other
// kubectl call goes to the real kubectl (see kubectlStandIn in project.ts). What is under test is crash.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlStandIn, makeBin, makeProject, kubeconfig, runScript, REAL_KUBECTL } from '../../support/project.js';
import { requireCurrentBuild } from '../../support/build.js';

requireCurrentBuild();

function standIn() {
  const { bin, log, env } = kubectlStandIn();
  return { bin, log, logPath: env['FAKE_LOG']! };
}

const project = makeProject({ trigger: 'http' });

test('trigger http (kubectl port-forward: stand-in fake pod): one POST /crash, the JSON answer printed, the port-forward stopped', async () => {
  const { bin, log, logPath } = standIn();
  const answer = { firing: 'kill-parent', pid: 9, ppid: 7, expect: 'the container exits 137' };
  const r = await runScript(project, 'crash', [], {
    bin,
    kubeconfig: kubeconfig('kind-demo'),
    env: { FAKE_LOG: logPath, FAKE_STATUS: '202', FAKE_BODY: JSON.stringify(answer) },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), answer);
  assert.deepEqual(log(), [
    'argv --context kind-demo -n crash-demo port-forward --address 127.0.0.1 deployment/demo :8080',
    'POST /crash',
    'stopped',
  ]);
  rmSync(logPath);
});

test('trigger http (stand-in fake pod answering 500): exit 1, one line with the status and the body, the port-forward stopped', async () => {
  const { bin, log, logPath } = standIn();
  const r = await runScript(project, 'crash', [], {
    bin,
    kubeconfig: kubeconfig('kind-demo'),
    env: { FAKE_LOG: logPath, FAKE_STATUS: '500', FAKE_BODY: '{"error":"boom"}' },
  });
  assert.equal(r.code, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.at(-1), '✖ POST /crash answered 500, not 202: {"error":"boom"}');
  assert.equal(lines.filter((l) => l.startsWith('✖')).length, 1);
  assert.deepEqual(log().slice(1), ['POST /crash', 'stopped']);
});

test('trigger http (stand-in port-forward that dies at once): exit 1, one line with kubectl\'s reason', async () => {
  const bin = makeBin({});
  writeFileSync(
    join(bin.dir, 'kubectl'),
    `#!/bin/bash\ncase "$*" in *port-forward*) echo 'error: unable to forward port because pod is not running. Current status=Pending' >&2; exit 1;; *) exec ${REAL_KUBECTL} "$@";; esac\n`,
  );
  chmodSync(join(bin.dir, 'kubectl'), 0o755);
  const r = await runScript(project, 'crash', [], { bin, kubeconfig: kubeconfig('kind-demo') });
  assert.equal(r.code, 1);
  assert.match(r.stderr.trim().split('\n').at(-1)!, /^✖ kubectl port-forward exited \(1\): error: unable to forward port because pod is not running/);
});

// Every runtime × PID 1 × crash mode, for real: the generated project's Dockerfile is built
// unchanged (on the stand-in base), the container runs on a real Docker engine, the crash is fired
// with POST /crash, and what `docker inspect` then says must be what crash-demo.json predicted.
//
// Plain Docker sets no memory.oom.group, so for `oom` the prediction to hold is the model's
// `elsewhere` entry for plain Docker, not the Kubernetes one.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { choicesOf, pid1Comm, type Behaviour, type Options, type SavedDemo } from '../../src/index.js';
import { ensureBaseImage } from '../support/base-images.js';
import { aftermath } from '../support/crash-proof.js';
import {
  buildDemo,
  removeBuiltImages,
  containerLogs,
  containerState,
  docker,
  engineAnswers,
  freePort,
  generateDemo,
  http,
  pid1Status,
  removeContainer,
  runDemo,
  sleep,
  waitFor,
  watchEvents,
} from '../support/docker.js';

const runtimes = choicesOf('runtime') as Options['runtime'][];
const pid1s = choicesOf('pid1') as Options['pid1'][];
const crashes = choicesOf('crash') as Options['crash'][];

/** The memory limit the generated manifest gives the container, in docker run's units. */
async function manifestMemoryLimit(dir: string): Promise<string> {
  const deployment = parse(await readFile(join(dir, 'k8s/deployment.yaml'), 'utf8')) as {
    spec: { template: { spec: { containers: Array<{ resources: { limits: { memory: string } } }> } } };
  };
  const limit = deployment.spec.template.spec.containers[0]?.resources.limits.memory ?? '';
  const m = /^(\d+)Mi$/.exec(limit);
  assert.ok(m, `unexpected memory limit ${JSON.stringify(limit)} in k8s/deployment.yaml`);
  return `${m[1]}m`;
}
const SETTLE_MS = 2_000; // after the crash's aftermath is logged: long enough for a dying PID 1 to be seen

/** The prediction that holds on plain Docker (for oom, and for a hang: Docker has no liveness probe). */
function dockerPrediction(saved: SavedDemo): Behaviour & { where: string } {
  if (saved.options.crash !== 'oom' && saved.options.crash !== 'hang') return saved.outcome;
  const entry = saved.outcome.elsewhere.find((e) => e.where.includes('Docker'));
  assert.ok(entry, `crash-demo.json has no prediction for plain Docker: ${JSON.stringify(saved.outcome.elsewhere)}`);
  return entry;
}

/** What really happened, as recorded for the report. */
const observed: Array<Record<string, unknown>> = [];

before(async () => {
  assert.ok(await engineAnswers(), 'no Docker engine answers: run test/setup-machine.sh as root first');
});

after(async () => {
  console.log(`observed: ${JSON.stringify(observed, null, 1)}`);
  await removeBuiltImages();
});

describe('a generated demo in a real container does what crash-demo.json predicts', { concurrency: true }, () => {
  for (const runtime of runtimes) {
    // One container at a time per runtime: a loaded machine would only test the machine.
    describe(`${runtime}`, { concurrency: 1 }, () => {
      let base = '';
      before(async () => {
        base = (await ensureBaseImage(runtime)).tag;
      });

      for (const pid1 of pid1s) {
        for (const crash of crashes) {
          const name = `cd-${runtime}-${pid1}-${crash}`;
          test(`${runtime}, PID 1 ${pid1}, crash ${crash}: docker inspect matches the prediction`, async (t) => {
            const demo = await generateDemo({ name, runtime, pid1, crash, trigger: 'http' });
            let id = '';
            t.after(async () => {
              if (id) await removeContainer(id);
              await demo.dispose();
            });
            const { saved } = demo;
            const tag = `crash-demo-test/${name}:${saved.generator.version}`;
            await buildDemo(demo, tag, base);

            const port = await freePort();
            // The manifest's own memory limit, for every mode (rehearse and the kubelet apply it to all):
            // every demo must boot and crash as predicted within it; only oom may overflow it.
            const memory = await manifestMemoryLimit(demo.dir);
            id = await runDemo(tag, { port, memory });
            await waitFor(`GET /healthz on 127.0.0.1:${port}`, async () =>
              (await http('GET', port, '/healthz')).status === 200 ? true : undefined,
            );

            // Who is PID 1, and as whom it runs.
            const status = await pid1Status(id);
            assert.equal(status.name, pid1Comm(runtime, pid1));
            assert.equal(status.name, saved.outcome.pid1);
            assert.deepEqual(status.uid, ['10001', '10001', '10001', '10001']);
            assert.deepEqual(status.gid, ['10001', '10001', '10001', '10001']);

            const oom = await watchEvents(id, 'oom');
            t.after(() => oom.stop());
            const fired = await http('POST', port, '/crash');
            assert.equal(fired.status, 202, fired.body);
            assert.equal((JSON.parse(fired.body) as { firing: string }).firing, crash);

            const predicted = dockerPrediction(saved);
            let ooms = 0;
            if (predicted.containerExits) {
              await waitFor('the container to exit', async () => ((await containerState(id)).Running ? undefined : true));
            } else if (crash === 'hang') {
              // Nothing ends: what there is to wait for is the hang itself, then a moment for anything to exit.
              await waitFor('the hang in the log', async () => (/<<<< crashing: hang /.test(await containerLogs(id)) ? true : undefined));
              await sleep(SETTLE_MS);
            } else {
              const next = aftermath(saved.options, saved.options.workers);
              await waitFor(next.what, async () => (next.seen(await containerLogs(id)) ? true : undefined));
              if (crash === 'oom') {
                await waitFor('a Docker oom event', async () => (oom.count() > 0 ? true : undefined));
              }
              await sleep(SETTLE_MS);
            }
            const state = await containerState(id);
            ooms = oom.count();
            const logs = await containerLogs(id);
            observed.push({ name, predicted: predicted.containerExits ? predicted.exitCode : 'running', state, ooms, memory });

            assert.match(logs, new RegExp(`<<<< crashing: ${crash} pid=\\d+ ppid=\\d+ >>>>`));
            assert.equal(state.Running, !predicted.containerExits, `State.Running; logs:\n${logs}`);
            if (predicted.containerExits) {
              assert.equal(state.ExitCode, predicted.exitCode, `State.ExitCode; logs:\n${logs}`);
              // Docker reports no reason; an exit without a cgroup OOM event is what Kubernetes calls Error.
              assert.equal(state.OOMKilled, predicted.reason === 'OOMKilled');
            } else if (crash === 'hang') {
              await assert.rejects(http('GET', port, '/healthz', 1_500), /no answer in 1500 ms/, 'a hung app answers nothing, and nothing restarts it');
            } else {
              assert.equal((await http('GET', port, '/healthz')).status, 200);
            }
            if (crash !== 'oom') {
              assert.equal(ooms, 0, 'no process hit the manifest memory limit in a non-oom demo');
            }
            if (crash === 'oom') {
              // Docker 20.10 (cgroup v1) keeps a worker's OOM kill in mind: State.OOMKilled stays false
              // while the container runs, and turns true once it exits for any reason, even exit 0.
              await docker(['stop', '--time', '10', id]);
              const stopped = await containerState(id);
              observed.push({ name, afterDockerStop: stopped });
              assert.equal(stopped.OOMKilled, true, 'State.OOMKilled after docker stop');
              assert.equal(stopped.ExitCode, 0, 'State.ExitCode after docker stop (SIGTERM: graceful)');
            }
          });
        }
      }
    });
  }
});

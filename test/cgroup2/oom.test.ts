// `--crash oom` where its primary prediction is made: a cgroup v2 node. This machine's memory
// controller is on cgroup v1, so the node is a VM (test/cgroup2/run.mjs: Debian's cloud kernel
// under qemu, cgroup_no_v1=all, Debian's runc). Every demo is scaffolded by the real bin, its
// image built from its own Dockerfile and run under runc with the resources the kubelet asks for;
// the guest fires the crash with POST /crash and reports what the kernel and runc did.
//
//   memory.oom.group=1 (the kubelet on cgroup v2, 1.28+): crash-demo.json's `outcome` must hold;
//   memory.oom.group=0 (singleProcessOOMKill: true): its `elsewhere` entry must hold;
//   a kill-parent demo under tini, both ways: its usual outcome (exit 137, reason Error, no OOM
//   kill), so the harness is seen not to take containers down by itself.
// All runs share one boot of the VM.
import { VERIFIED_CGROUP2 } from '../../src/generator/verified.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { choicesOf, type Options, type SavedDemo } from '../../src/index.js';
import { runBin } from '../support/bin.js';
import type { RunResult } from './vm.js';
import { requireCurrentBuild } from '../support/build.js';

requireCurrentBuild();

const RUN_MJS = fileURLToPath(new URL('./run.mjs', import.meta.url));
const runtimes = choicesOf('runtime') as Options['runtime'][];
const pid1s = choicesOf('pid1') as Options['pid1'][];

interface Demo {
  name: string;
  dir: string;
  saved: SavedDemo;
}

let parent = '';
const demos: Demo[] = [];
const results = new Map<string, RunResult>();

/**
 * Runs run.mjs; resolves with its stdout when it printed results (a run that went wrong has its
 * own line with an `error`), or rejects with the one line that says why it could not run at all.
 */
function runVm(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN_MJS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      process.stderr.write(b);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 || out.trim()) resolve(out);
      else reject(new Error(err.trim().split('\n').pop() ?? `run.mjs exited ${code} and said nothing`));
    });
  });
}

async function scaffold(name: string, flags: string[]): Promise<Demo> {
  const r = runBin([name, ...flags, '--trigger', 'http', '--yes'], parent);
  assert.equal(r.code, 0, `create-crash-demo ${name}: ${r.stderr}`);
  const dir = join(parent, name);
  const saved = JSON.parse(await readFile(join(dir, 'crash-demo.json'), 'utf8')) as SavedDemo;
  return { name, dir, saved };
}

const CONTROL = 'cg2-python-tini-kill-parent';

before(async () => {
  parent = await mkdtemp(join(tmpdir(), 'crash-demo-cgroup2-test-'));
  for (const runtime of runtimes) {
    for (const pid1 of pid1s) {
      demos.push(await scaffold(`cg2-${runtime}-${pid1}-oom`, ['--runtime', runtime, '--pid1', pid1, '--crash', 'oom']));
    }
  }
  demos.push(await scaffold(CONTROL, ['--runtime', 'python', '--pid1', 'tini', '--crash', 'kill-parent']));
  const t0 = Date.now();
  const out = await runVm([...demos.flatMap((d) => ['--demo', d.dir]), '--oom-group', '1,0']);
  console.log(`cgroup2 VM: ${demos.length} demos x 2 runs in ${Math.round((Date.now() - t0) / 1000)}s`);
  for (const line of out.trim().split('\n')) {
    const r = JSON.parse(line) as RunResult;
    results.set(`${r.name}/${r.oomGroup}`, r);
    console.log(line);
  }
});

after(async () => {
  if (parent) await rm(parent, { recursive: true, force: true });
});

function resultOf(name: string, oomGroup: 0 | 1): RunResult {
  const r = results.get(`${name}/${oomGroup}`);
  assert.ok(r, `run.mjs printed no result for ${name} with memory.oom.group=${oomGroup}`);
  assert.equal(r.error, undefined, r.error);
  assert.equal(r.crashAnnounced, true, 'the app logged its own crash line for the POST /crash');
  assert.match(r.kernel, /^6\.1\.\d+$/, "the guest's kernel is Debian's 6.1");
  // What the READMEs say ran (src/generator/verified.ts) is what the guest reports.
  assert.equal(`Linux ${r.kernel}`, VERIFIED_CGROUP2.kernel);
  assert.ok(r.runc === VERIFIED_CGROUP2.runc || r.runc.startsWith(`${VERIFIED_CGROUP2.runc}+`), `runc ${r.runc}`);
  return r;
}

describe('--crash oom on a cgroup v2 node (a VM), with the memory.oom.group the kubelet sets', () => {
  for (const runtime of runtimes) {
    for (const pid1 of pid1s) {
      const name = `cg2-${runtime}-${pid1}-oom`;
      const demo = () => {
        const d = demos.find((x) => x.name === name);
        assert.ok(d, `${name} was not scaffolded`);
        return d;
      };

      test(`${runtime}, PID 1 ${pid1}, memory.oom.group=1: the whole container dies with exit 137, as crash-demo.json's outcome predicts`, () => {
        const { outcome } = demo().saved;
        const r = resultOf(name, 1);
        assert.equal(outcome.containerExits, true, 'crash-demo.json predicts an exit on cgroup v2');
        assert.equal(r.exited, true, 'PID 1 exited');
        assert.equal(r.pid1Exit, outcome.exitCode, "PID 1's exit status");
        assert.equal(r.supervisorOutlivedWorker, false, 'the supervisor died with the worker');
        assert.ok((r.oomGroupKill ?? 0) >= 1, `memory.events oom_group_kill ${r.oomGroupKill}`);
        // containerd reports OOMKilled when the container's cgroup counted an OOM kill.
        assert.equal(outcome.reason, 'OOMKilled');
        assert.ok((r.oomKill ?? 0) >= 1, `memory.events oom_kill ${r.oomKill}`);
      });

      test(`${runtime}, PID 1 ${pid1}, memory.oom.group=0: only the worker dies and the supervisor replaces it, as crash-demo.json's elsewhere entry predicts`, () => {
        const { outcome } = demo().saved;
        const single = outcome.elsewhere.find((e) => !e.containerExits);
        assert.ok(single, `crash-demo.json has no prediction for a single-process OOM kill: ${JSON.stringify(outcome.elsewhere)}`);
        const r = resultOf(name, 0);
        assert.equal(r.workerDied, true, 'the worker was killed');
        assert.equal(r.supervisorOutlivedWorker, true, 'the supervisor outlived it');
        assert.equal(r.workerReplaced, true, 'a worker numbered above the first ones answered GET /');
        assert.equal(r.exited, false, 'PID 1 was still running');
        assert.equal(r.pid1Exit, null);
        assert.equal(r.readyAtEnd, true, 'the app still answered its readiness probe at the end');
        assert.equal(r.oomKill, 1, 'memory.events oom_kill: one process');
        assert.equal(r.oomGroupKill, 0, 'memory.events oom_group_kill');
      });
    }
  }

  for (const oomGroup of [1, 0] as const) {
    test(`control: kill-parent under tini, memory.oom.group=${oomGroup}, gives its usual outcome (exit 137, no OOM kill)`, () => {
      const d = demos.find((x) => x.name === CONTROL);
      assert.ok(d);
      const { outcome } = d.saved;
      const r = resultOf(CONTROL, oomGroup);
      assert.equal(r.exited, outcome.containerExits, 'PID 1 exited');
      assert.equal(r.pid1Exit, outcome.exitCode, "PID 1's exit status");
      assert.equal(outcome.reason, 'Error', 'a SIGKILL from the worker, not an OOM kill');
      assert.equal(r.oomKill, 0, 'memory.events oom_kill');
      assert.equal(r.oomGroupKill, 0, 'memory.events oom_group_kill');
    });
  }
});

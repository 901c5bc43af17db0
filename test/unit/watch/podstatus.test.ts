// READY / STATUS / RESTARTS exactly as `kubectl get pods` prints them, rule by rule.
// Ported rules (printPod in kubernetes/kubernetes pkg/printers/internalversion/printers.go, read at
// yongruilin/kubernetes@144a7980762c245f12c2a7b457c8aaef18496071; errorReason from PR #124766):
//   reason := string(podPhase); if pod.Status.Reason != "" { reason = pod.Status.Reason }
//   PodScheduled condition with reason SchedulingGated -> "SchedulingGated"
//   init containers: Terminated exit 0 -> continue; restartable (sidecar) started -> count ready, continue;
//     Terminated -> "Init:"+Reason | "Init:Signal:%d" | "Init:ExitCode:%d"; Waiting (not PodInitializing)
//     -> "Init:"+Reason; else "Init:%d/%d"
//   containers, last to first: Waiting reason; Terminated reason | "Signal:%d" | "ExitCode:%d"
//     (non-zero exit remembered as errorReason); Ready && Running -> readyContainers++, hasRunning
//   reason == "Completed": Running if hasRunning && Ready condition; errorReason if any; NotReady if hasRunning
//   DeletionTimestamp: "Unknown" when Status.Reason == NodeLost, else "Terminating" unless Succeeded/Failed
//   RESTARTS: "%d (%s ago)" from the latest lastState.terminated.finishedAt when restarts != 0
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanDuration, printPod, type Pod } from '../../../src/runtime/kube/podstatus.mjs';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

function pod(status: NonNullable<Pod['status']>, extra: Partial<Pod> = {}): Pod {
  const names = (status.containerStatuses ?? []).map((c) => ({ name: c.name }));
  return {
    metadata: { name: 'demo-1', creationTimestamp: ago(3600), ...extra.metadata },
    spec: { containers: names.length > 0 ? names : [{ name: 'app' }], ...extra.spec },
    status,
  };
}

const running = { running: { startedAt: ago(30) } };

describe('STATUS of a single-container pod', () => {
  it('is the phase when no container says more', () => {
    assert.equal(printPod(pod({ phase: 'Pending' }), { now: NOW }).status, 'Pending');
  });

  it('is status.reason when the pod has one (Evicted)', () => {
    assert.equal(printPod(pod({ phase: 'Failed', reason: 'Evicted' }), { now: NOW }).status, 'Evicted');
  });

  it('is SchedulingGated when the PodScheduled condition says so', () => {
    const p = pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] });
    assert.equal(printPod(p, { now: NOW }).status, 'SchedulingGated');
  });

  it('is the waiting reason: CrashLoopBackOff', () => {
    const p = pod({
      phase: 'Running',
      containerStatuses: [{ name: 'app', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
    });
    assert.equal(printPod(p, { now: NOW }).status, 'CrashLoopBackOff');
  });

  it('is the terminated reason: Error, OOMKilled, Completed', () => {
    for (const reason of ['Error', 'OOMKilled', 'Completed']) {
      const p = pod({
        phase: 'Running',
        containerStatuses: [{ name: 'app', restartCount: 1, state: { terminated: { exitCode: reason === 'Completed' ? 0 : 137, reason } } }],
      });
      assert.equal(printPod(p, { now: NOW }).status, reason);
    }
  });

  it('is Signal:N for a terminated state without a reason but with a signal', () => {
    const p = pod({ phase: 'Running', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137, signal: 9 } } }] });
    assert.equal(printPod(p, { now: NOW }).status, 'Signal:9');
  });

  it('is ExitCode:N for a terminated state without a reason or a signal', () => {
    const p = pod({ phase: 'Running', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 4 } } }] });
    assert.equal(printPod(p, { now: NOW }).status, 'ExitCode:4');
  });

  it('is the phase, Running, for a running container, ready or not', () => {
    for (const ready of [true, false]) {
      const p = pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready, state: running }] });
      assert.equal(printPod(p, { now: NOW }).status, 'Running');
    }
  });
});

describe('STATUS of a pod with several containers', () => {
  it("shows the first container's state, because kubectl walks them from last to first", () => {
    const p = pod({
      phase: 'Running',
      containerStatuses: [
        { name: 'a', state: { waiting: { reason: 'CrashLoopBackOff' } } },
        { name: 'b', state: { terminated: { exitCode: 1, reason: 'Error' } } },
      ],
    });
    assert.equal(printPod(p, { now: NOW }).status, 'CrashLoopBackOff');
  });

  it('turns Completed back into Running when another container runs and the pod is Ready', () => {
    const p = pod({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'done', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'web', ready: true, state: running },
      ],
    });
    assert.equal(printPod(p, { now: NOW }).status, 'Running');
  });

  it('turns Completed into NotReady when another container runs but the pod is not Ready', () => {
    const p = pod({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        { name: 'done', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'web', ready: true, state: running },
      ],
    });
    assert.equal(printPod(p, { now: NOW }).status, 'NotReady');
  });

  it('shows the failed container instead of Completed (PR #124766)', () => {
    const p = pod({
      phase: 'Failed',
      containerStatuses: [
        { name: 'done', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'broken', state: { terminated: { exitCode: 1, reason: 'Error' } } },
      ],
    });
    assert.equal(printPod(p, { now: NOW }).status, 'Error');
  });

  it('counts READY as ready-and-running containers over spec.containers', () => {
    const p = pod({
      phase: 'Running',
      containerStatuses: [
        { name: 'a', ready: true, state: running },
        { name: 'b', ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } },
      ],
    });
    assert.equal(printPod(p, { now: NOW }).ready, '1/2');
  });
});

describe('STATUS while init containers run', () => {
  const spec = { containers: [{ name: 'app' }], initContainers: [{ name: 'init-a' }, { name: 'init-b' }] };

  it('is Init:i/n while init container i has not finished', () => {
    const p: Pod = {
      metadata: { name: 'x' },
      spec,
      status: {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'init-a', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          { name: 'init-b', state: running },
        ],
      },
    };
    assert.equal(printPod(p, { now: NOW }).status, 'Init:1/2');
  });

  it('is Init:CrashLoopBackOff when an init container backs off', () => {
    const p: Pod = {
      metadata: { name: 'x' },
      spec,
      status: { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
    };
    const row = printPod(p, { now: NOW });
    assert.equal(row.status, 'Init:CrashLoopBackOff');
    assert.equal(row.restarts, 2);
  });

  it('is Init:Error, Init:Signal:N or Init:ExitCode:N when an init container failed', () => {
    const cases: Array<[object, string]> = [
      [{ exitCode: 1, reason: 'Error' }, 'Init:Error'],
      [{ exitCode: 137, signal: 9 }, 'Init:Signal:9'],
      [{ exitCode: 3 }, 'Init:ExitCode:3'],
    ];
    for (const [terminated, status] of cases) {
      const p: Pod = { metadata: { name: 'x' }, spec, status: { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', state: { terminated } }] } };
      assert.equal(printPod(p, { now: NOW }).status, status);
    }
  });

  it('ignores PodInitializing as a waiting reason (shows Init:i/n)', () => {
    const p: Pod = {
      metadata: { name: 'x' },
      spec,
      status: { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', state: { waiting: { reason: 'PodInitializing' } } }] },
    };
    assert.equal(printPod(p, { now: NOW }).status, 'Init:0/2');
  });

  it('counts a started sidecar (restartPolicy Always) in READY and goes on to the main containers', () => {
    const p: Pod = {
      metadata: { name: 'x' },
      spec: { containers: [{ name: 'app' }], initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [{ name: 'proxy', ready: true, started: true, restartCount: 1, state: running }],
        containerStatuses: [{ name: 'app', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
      },
    };
    const row = printPod(p, { now: NOW });
    assert.deepEqual([row.ready, row.status, row.restarts], ['1/2', 'CrashLoopBackOff', 3]);
  });
});

describe('STATUS of a pod being deleted', () => {
  it('is Terminating while the phase is not terminal', () => {
    const p = pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: true, state: running }] }, { metadata: { name: 'x', deletionTimestamp: ago(1) } });
    assert.equal(printPod(p, { now: NOW }).status, 'Terminating');
  });

  it('keeps the reason of a pod that already Succeeded or Failed', () => {
    const p = pod(
      { phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
      { metadata: { name: 'x', deletionTimestamp: ago(1) } },
    );
    assert.equal(printPod(p, { now: NOW }).status, 'Completed');
  });

  it('is Unknown when the node was lost', () => {
    const p = pod({ phase: 'Running', reason: 'NodeLost' }, { metadata: { name: 'x', deletionTimestamp: ago(1) } });
    assert.equal(printPod(p, { now: NOW }).status, 'Unknown');
  });
});

describe('RESTARTS', () => {
  it('is the sum of restartCount with "(<age> ago)" of the latest termination', () => {
    const p = pod({
      phase: 'Running',
      containerStatuses: [
        { name: 'a', restartCount: 4, state: running, lastState: { terminated: { exitCode: 137, reason: 'Error', finishedAt: ago(160) } } },
        { name: 'b', restartCount: 1, state: running, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(600) } } },
      ],
    });
    const row = printPod(p, { now: NOW });
    assert.equal(row.restarts, 5);
    assert.equal(row.restartsText, '5 (2m40s ago)');
  });

  it('is a bare number without a last termination time', () => {
    const p = pod({ phase: 'Running', containerStatuses: [{ name: 'a', restartCount: 617, state: { waiting: { reason: 'CrashLoopBackOff' } } }] });
    assert.equal(printPod(p, { now: NOW }).restartsText, '617');
  });

  it('is 0 without "ago" for a container that never restarted', () => {
    const p = pod({ phase: 'Running', containerStatuses: [{ name: 'a', restartCount: 0, state: running }] });
    assert.equal(printPod(p, { now: NOW }).restartsText, '0');
  });
});

describe("HumanDuration (apimachinery), kubectl's AGE and 'ago'", () => {
  const cases: Array<[number, string]> = [
    [10, '10s'],
    [119, '119s'],
    [166, '2m46s'],
    [180, '3m'],
    [43 * 60, '43m'],
    [3 * 3600 + 14 * 60, '3h14m'],
    [5 * 86400 + 3600, '5d1h'],
    [30 * 86400, '30d'],
  ];
  for (const [s, text] of cases) {
    it(`${s} s is ${text}`, () => assert.equal(humanDuration(s * 1000), text));
  }
});

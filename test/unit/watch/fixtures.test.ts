// Every real recording in test/fixtures/real/ (kubectl output from public issues, copied from the
// workplace's shared/fixtures/real/) that shows pods, replayed through the watch view:
// what a viewer sees for output nobody on this project wrote.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createNormalizer, parseObservations, type WatchEvent } from '../../../src/runtime/kube/events.mjs';
import { createView } from '../../../src/runtime/watch/view.mjs';

const projectRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const REAL = resolve(projectRoot, 'test/fixtures/real');

function fixture(prefix: string): string {
  const name = readdirSync(REAL).find((f) => f.startsWith(prefix));
  assert.ok(name, `fixture ${prefix}* in ${REAL}`);
  return readFileSync(resolve(REAL, name), 'utf8');
}

function replay(text: string) {
  const parsed = parseObservations(text);
  const normalizer = createNormalizer();
  const view = createView();
  const events: WatchEvent[] = [];
  const lines: string[] = [];
  for (const obs of parsed.observations) {
    for (const e of normalizer.push(obs)) {
      events.push(e);
      lines.push(view.update(e).line);
    }
  }
  return { parsed, events, lines, view };
}

describe('the real fixtures folder', () => {
  it('is there, in the repository', () => {
    assert.ok(readdirSync(REAL).length > 0, REAL);
  });

  it('replays every kubectl recording in it (all but the gunicorn log and the README)', () => {
    const kubectl = readdirSync(REAL).filter((f) => /^\d+-/.test(f) && !f.endsWith('.log'));
    assert.deepEqual(
      kubectl.map((f) => f.slice(0, 2)),
      ['01', '02', '05', '08', '09', '13'],
      'a new real fixture: add its expectations below',
    );
    for (const f of kubectl) {
      const { events } = replay(readFileSync(resolve(REAL, f), 'utf8'));
      assert.ok(events.length > 0, `${f} gives at least one event`);
    }
  });

  it('says plainly that a gunicorn log holds nothing to replay', () => {
    assert.throws(() => parseObservations(fixture('16-')), /nothing to replay: expected a watch recording/);
  });
});

describe('01: kubectl get pods --watch -o wide (nginx exits 0, CrashLoopBackOff <-> Completed)', () => {
  const { parsed, events, lines, view } = replay(fixture('01-'));

  it('reads the wide table', () => assert.equal(parsed.format, 'table'));

  it('shows each row as one change, STATUS exactly as kubectl printed it', () => {
    assert.deepEqual(
      events.map((e) => [e.pod, e.ready, e.status, e.restarts, e.ageSeconds]),
      [
        ['nginx', '0/1', 'CrashLoopBackOff', 12, 43 * 60],
        ['nginx', '1/1', 'Running', 13, 44 * 60],
        ['nginx', '0/1', 'Completed', 13, 44 * 60],
        ['nginx', '0/1', 'CrashLoopBackOff', 13, 45 * 60],
      ],
    );
    assert.match(lines[2] ?? '', /^age 44m\s+nginx\s+-\s+0\/1\s+Completed\s+13\s/);
  });

  it('counts one restart (12 -> 13) and one exit (the Completed row)', () => {
    const [c] = view.timeline().containers;
    assert.deepEqual(c?.restarts.map((r) => [r.restartCount, r.t]), [[13, 44 * 60]]);
    assert.deepEqual(c?.crashes.map((x) => [x.t, x.reason]), [[44 * 60, 'Completed']]);
    assert.match(view.summary(), /nginx: CrashLoopBackOff, restarts 12 -> 13/);
  });
});

describe('02: kubectl get pod -w (goldpinger, READY flipping, restarts 0 -> 7)', () => {
  const { events, view } = replay(fixture('02-'));

  it('shows all 19 rows with their READY, STATUS and RESTARTS', () => {
    assert.deepEqual(
      events.map((e) => `${e.ready} ${e.status} ${e.restarts}`),
      [
        '0/1 ContainerCreating 0',
        '0/1 Running 0',
        '1/1 Running 0',
        '0/1 Running 1',
        '1/1 Running 1',
        '0/1 Running 2',
        '1/1 Running 2',
        '0/1 Running 3',
        '1/1 Running 3',
        '0/1 Running 4',
        '1/1 Running 4',
        '0/1 CrashLoopBackOff 4',
        '0/1 Running 5',
        '1/1 Running 5',
        '0/1 Running 5',
        '0/1 Running 6',
        '1/1 Running 6',
        '0/1 CrashLoopBackOff 6',
        '0/1 Running 7',
      ],
    );
  });

  it('places the seven restarts at the ages kubectl printed', () => {
    const [c] = view.timeline().containers;
    assert.deepEqual(
      c?.restarts.map((r) => [r.restartCount, r.t]),
      [
        [1, 46],
        [2, 77],
        [3, 106],
        [4, 136],
        [5, 217],
        [6, 266],
        [7, 465],
      ],
    );
  });

  it('knows the first restart is immediate and does not invent the others (a table has no back-off)', () => {
    const [c] = view.timeline().containers;
    assert.deepEqual(c?.restarts.map((r) => r.kubeletDelaySeconds), [0, null, null, null, null, null, null]);
    assert.equal(view.summaryData().containers[0]?.reachedCrashLoopBackOff, true);
  });
});

describe('05: a pod status excerpt (CrashLoopBackOff, exit 1 Error, 617 restarts)', () => {
  const { parsed, events, lines, view } = replay(fixture('05-'));

  it('reads the YAML excerpt and finds its pod from the back-off message', () => {
    assert.equal(parsed.format, 'yaml');
    assert.equal(events.length, 1);
  });

  it('gives the --json fields: back-off 5m0s = 300 s, exit 1, Error, restartCount 617', () => {
    const [e] = events;
    assert.ok(e);
    assert.deepEqual(
      { pod: e.pod, container: e.container, status: e.status, restarts: e.restarts, lastExitCode: e.lastExitCode, lastReason: e.lastReason, backoffSeconds: e.backoffSeconds },
      {
        pod: 'nsapp-fa868e46640f566de09528-0',
        container: 'app',
        status: 'CrashLoopBackOff',
        restarts: 617,
        lastExitCode: 1,
        lastReason: 'Error',
        backoffSeconds: 300,
      },
    );
    assert.equal(e.ready, '0/1');
    assert.equal(e.lastFinishedAt, '2023-09-24T11:55:46.000Z');
  });

  it('keeps the kubelet message verbatim (YAML folding undone)', () => {
    assert.equal(
      events[0]?.message,
      'back-off 5m0s restarting failed container=app pod=nsapp-fa868e46640f566de09528-0_ns-apps(927c8906-679e-4ccb-9e2d-e219eada6de0)',
    );
  });

  it('prints the line with READY, STATUS, restarts, the exit and the kubelet back-off', () => {
    assert.match(lines[0] ?? '', /nsapp-fa868e46640f566de09528-0 app\s+0\/1\s+CrashLoopBackOff\s+617\s+exit 1 Error\s+kubelet back-off 5m0s$/);
  });

  it('finds 5m0s on the default schedule (the cap)', () => {
    const [c] = view.summaryData().containers;
    assert.deepEqual([c?.backoffs, c?.matchesSchedule], [[300], true]);
  });
});

describe('08: back-off messages of two containers (k8sgpt output)', () => {
  const { parsed, events } = replay(fixture('08-'));

  it('finds both containers in back-off 5m0s in pod opa-849dcb7499-9chrt', () => {
    assert.equal(parsed.format, 'messages');
    assert.deepEqual(
      events.map((e) => [e.pod, e.container, e.status, e.backoffSeconds]),
      [
        ['opa-849dcb7499-9chrt', 'kube-mgmt', 'CrashLoopBackOff', 300],
        ['opa-849dcb7499-9chrt', 'opa', 'CrashLoopBackOff', 300],
      ],
    );
  });

  it("keeps each message in the kubelet's words", () => {
    assert.equal(
      events[1]?.message,
      'back-off 5m0s restarting failed container=opa pod=opa-849dcb7499-9chrt_opa(7f8061d3-3603-49d6-8e03-77cb4b1bbed4)',
    );
  });
});

describe('09: kubectl describe pod (CrashLoopBackOff, last state Completed, exit 0)', () => {
  const { parsed, events, view } = replay(fixture('09-'));

  it('reads the Containers section into what kubectl get would print', () => {
    assert.equal(parsed.format, 'describe');
    const [e] = events;
    assert.deepEqual(
      [e?.container, e?.ready, e?.status, e?.restarts, e?.lastExitCode, e?.lastReason],
      ['centos-new', '0/1', 'CrashLoopBackOff', 6, 0, 'Completed'],
    );
    assert.deepEqual([e?.lastStartedAt, e?.lastFinishedAt], ['2021-07-14T19:52:22.000Z', '2021-07-14T19:52:22.000Z']);
  });

  it('does not guess the pod name the paste lost ("ame:" for "Name:")', () => {
    assert.equal(events[0]?.pod, null);
  });

  it('tells that the last exit was 0 (Completed), not an error', () => {
    assert.match(view.summary(), /centos-new: CrashLoopBackOff, restarts 6, last exit 0 \(Completed\)/);
  });
});

describe('13: kubectl describe events (liveness kills, modern BackOff event)', () => {
  const { parsed, events } = replay(fixture('13-'));

  it('turns the BackOff event into a CrashLoopBackOff state of container minio', () => {
    assert.deepEqual(
      events.map((e) => [e.pod, e.container, e.status]),
      [['minio-b96d46b8-89jcm', 'minio', 'CrashLoopBackOff']],
    );
  });

  it('does not invent a duration the modern event does not carry', () => {
    assert.equal(events[0]?.backoffSeconds, null);
    assert.equal(
      events[0]?.message,
      'Back-off restarting failed container minio in pod minio-b96d46b8-89jcm_c-scale-pangeo-dask(19762344-9da8-43ea-aad7-9cc48cd08ea4)',
    );
  });

  it('keeps the kubelet events as notes, the liveness kills with their count', () => {
    assert.equal(parsed.notes.length, 3);
    assert.match(parsed.notes[1] ?? '', /^kubelet event Normal Killing \(8m22s \(x37 over 3h14m\)\): Container minio failed liveness probe, will be restarted$/);
  });
});

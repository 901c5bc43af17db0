// A real crash loop, recorded on create-crash-demo's test cluster by test/cluster/watch-live.test.ts
// (test/fixtures/cluster/README.md says when and how): `npm run watch -- --record` wrote every pod
// version kubectl sent, and the apiserver's own printer (server-side `kubectl get pod` table) printed
// the same versions. Replayed here without a cluster: our port of printPod must print every version
// as the apiserver did, and the watch view must tell the story the apiserver's rows tell.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createNormalizer, parseObservations } from '../../../src/runtime/kube/events.mjs';
import { printPod } from '../../../src/runtime/kube/podstatus.mjs';
import { createView } from '../../../src/runtime/watch/view.mjs';

const DIR = resolve(fileURLToPath(import.meta.url), '../../../fixtures/cluster');

/** The pod's resourceVersion: the recording keeps the objects whole, the Pod type names fewer fields. */
const versionOf = (pod: unknown) => String((pod as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion);

interface ApiserverRow {
  resourceVersion: string;
  ready: string;
  status: string;
  restarts: string;
}

for (const name of ['timer-halt']) {
  describe(`the recorded crash loop ${name}`, () => {
    const recording = readFileSync(resolve(DIR, `watch-${name}.jsonl`), 'utf8');
    const apiserver = JSON.parse(readFileSync(resolve(DIR, `apiserver-table-${name}.json`), 'utf8')) as ApiserverRow[];
    const parsed = parseObservations(recording);
    const pods = parsed.observations.flatMap((o) => (o.pod ? [o.pod] : []));

    test('is a watch recording whose every pod version the apiserver printed too', () => {
      assert.equal(parsed.format, 'recording');
      assert.ok(pods.length >= 4, `at least 4 versions (${pods.length})`);
      const printed = new Set(apiserver.map((r) => r.resourceVersion));
      for (const p of pods) assert.ok(printed.has(versionOf(p)), `version ${versionOf(p)}`);
    });

    test('printPod prints every version as the apiserver printed it (READY, STATUS, RESTARTS)', () => {
      const byVersion = new Map(apiserver.map((r) => [r.resourceVersion, r]));
      for (const p of pods) {
        const row = byVersion.get(versionOf(p));
        assert.ok(row);
        const ours = printPod(p);
        const where = `resourceVersion ${row.resourceVersion}`;
        assert.equal(ours.status, row.status, `STATUS at ${where}`);
        assert.equal(ours.ready, row.ready, `READY at ${where}`);
        assert.equal(ours.restarts, Number.parseInt(row.restarts, 10), `RESTARTS at ${where}`);
      }
    });

    test('the watch view, replaying it, shows the states the apiserver showed, in its order, up to CrashLoopBackOff', () => {
      const normalizer = createNormalizer();
      const view = createView();
      const shown: string[] = [];
      for (const obs of parsed.observations) {
        for (const e of normalizer.push(obs)) {
          view.update(e);
          shown.push(String(e.status));
        }
      }
      const collapse = (xs: readonly string[]) => xs.filter((x, i) => i === 0 || x !== xs[i - 1]);
      const recordedVersions = new Set(pods.map((p) => versionOf(p)));
      const theirs = collapse(apiserver.filter((r) => recordedVersions.has(r.resourceVersion)).map((r) => r.status));
      assert.deepEqual(collapse(shown), theirs);
      assert.equal(theirs.at(-1), 'CrashLoopBackOff');
    });
  });
}

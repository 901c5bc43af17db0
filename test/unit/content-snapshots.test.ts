// The contents of the files a speaker shows (Dockerfile, the workload manifest, package.json) for
// every runtime x PID 1 x crash mode, and a StatefulSet, compared line by line with the stored
// snapshot (test/snapshots/generated-contents.json): a change to what is on the slide is reviewed,
// not noticed on stage. UPDATE_SNAPSHOTS=1 npm run test:unit rewrites it after review.
import { test } from 'node:test';
import { choicesOf, renderDemo, resolveOptions, type RawOptions } from '../../src/index.js';
import { matchSnapshot } from '../support/snapshot.js';

const SNAPSHOTS = new URL('../snapshots/generated-contents.json', import.meta.url);
const SHOWN = ['Dockerfile', 'k8s/deployment.yaml', 'k8s/statefulset.yaml', 'package.json'];

const cases: RawOptions[] = [];
for (const runtime of choicesOf('runtime'))
  for (const pid1 of choicesOf('pid1')) for (const crash of choicesOf('crash')) cases.push({ runtime, pid1, crash });
cases.push({ runtime: 'python', pid1: 'shell', crash: 'kill-parent', workload: 'statefulset' });

for (const raw of cases) {
  const key = Object.entries(raw).map(([k, v]) => `${k}=${v}`).join(' ');
  test(`the files on the slide for ${key} are the snapshot's`, () => {
    const files = renderDemo(resolveOptions({ name: 'demo', ...raw }));
    const shown = Object.fromEntries(SHOWN.filter((f) => files.has(f)).map((f) => [f, String(files.get(f)).split('\n')]));
    matchSnapshot(SNAPSHOTS, key, shown);
  });
}

// The bundles (what `npm init crash-demo` runs) render with the templates compiled at build time by
// build.mjs; the sources render them with EJS at run time, as the project always did. A demo must
// be the same bytes either way, for every option case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { choicesOf, renderDemo, resolveOptions, type RawOptions } from '../../src/index.js';
import { ROOT } from '../support/bin.js';
import { optionMatrix } from '../support/manifests.js';
import { requireCurrentBuild } from '../support/build.js';

requireCurrentBuild();

const bundle = (await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)) as typeof import('../../src/index.js');

const CASES: RawOptions[] = [
  ...optionMatrix(),
  ...choicesOf('cluster').map((cluster) => ({ cluster })),
  // --fast-backoff applies to kind (auto may be kind) and a node of your own
  ...['auto', 'kind', 'containerd'].map((cluster) => ({ cluster, runtime: 'node', fastBackoff: true })),
];

test(`the built bundle renders the same files, byte for byte, as EJS at run time, in all ${CASES.length} option cases`, () => {
  let files = 0;
  for (const raw of CASES) {
    const options = resolveOptions({ name: 'demo', ...raw });
    const runtime = renderDemo(options);
    const built = bundle.renderDemo(options);
    const what = JSON.stringify(raw);
    assert.deepEqual([...built.keys()], [...runtime.keys()], what);
    for (const [path, contents] of runtime) {
      assert.ok(Buffer.from(built.get(path)!).equals(Buffer.from(contents)), `${path} differs for ${what}`);
      files++;
    }
  }
  assert.ok(files > CASES.length * 20, `compared ${files} files`);
});

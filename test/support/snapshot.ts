// A tiny file snapshot: compare with the stored value, or store it when UPDATE_SNAPSHOTS=1.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

/** The tier whose run refreshes each snapshot file (test/README.md): the unit tier needs no build. */
const REFRESHED_BY: Record<string, string> = {
  'generated-contents.json': 'npm run test:unit',
  'generator-trees.json': 'npm run test:host', // the built generator under yeoman-test
};

const stores = new Map<string, Record<string, unknown>>();
const update = process.env['UPDATE_SNAPSHOTS'] === '1';

export function matchSnapshot(file: URL, key: string, value: unknown): void {
  const path = file.pathname;
  let store = stores.get(path);
  if (!store) {
    store = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
    stores.set(path, store);
  }
  if (update) {
    store[key] = value;
    const sorted = Object.fromEntries(Object.entries(store).sort(([a], [b]) => (a < b ? -1 : 1)));
    writeFileSync(path, JSON.stringify(sorted, null, 2) + '\n');
    return;
  }
  const refresh = `UPDATE_SNAPSHOTS=1 ${REFRESHED_BY[basename(path)] ?? 'npm test'}`;
  assert.ok(key in store, `no snapshot for ${key}: run ${refresh} and review the diff`);
  assert.deepEqual(value, store[key], `snapshot ${key} changed: review, then ${refresh}`);
}

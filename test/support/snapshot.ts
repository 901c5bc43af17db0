// A tiny file snapshot: compare with the stored value, or store it when UPDATE_SNAPSHOTS=1.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

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
  assert.ok(key in store, `no snapshot for ${key}: run UPDATE_SNAPSHOTS=1 npm test and review the diff`);
  assert.deepEqual(value, store[key], `snapshot ${key} changed: review, then UPDATE_SNAPSHOTS=1 npm test`);
}

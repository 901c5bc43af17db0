// @ts-check
// Following the demo's pods through a running `kubectl get pod(s) -w -o json`, the one follower
// both watch (its view and --record) and crash (the restarts it waits for, restarts.mjs) read.
// kubectl pretty-prints each pod over several lines and a read may end mid-object, so the values
// come out of a splitter, never line by line.
import { createJsonSplitter } from './events.mjs';

/** @typedef {{ time: string, values: unknown[] }} Read */

/**
 * The label selector of the demo's pods (k8s/ gives every pod app.kubernetes.io/name: <name>).
 * @param {{ name: string }} options crash-demo.json's
 */
export function podSelector(options) {
  return `app.kubernetes.io/name=${options.name}`;
}

/**
 * Each read from kubectl: its arrival time and the JSON values it completed, until kubectl's output
 * ends. Output that is not JSON ends the following with the splitter's error, unless onBadJson is
 * given: then it is told, and the following goes on.
 * @param {import('zx').ProcessPromise} p a started `kubectl get pod(s) -w -o json`
 * @param {(err: unknown) => void} [onBadJson]
 * @returns {AsyncGenerator<Read>}
 */
export async function* followPods(p, onBadJson) {
  const splitter = createJsonSplitter();
  for await (const chunk of p.stdout) {
    const time = new Date().toISOString();
    /** @type {unknown[]} */
    let values;
    try {
      values = splitter.push(String(chunk));
    } catch (err) {
      if (!onBadJson) throw err;
      onBadJson(err);
      continue;
    }
    yield { time, values };
  }
}

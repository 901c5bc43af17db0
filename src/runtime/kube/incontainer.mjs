// @ts-check
// Commands inspect runs inside the demo's container, through `kubectl exec`: the images have no curl,
// so an HTTP GET goes through the runtime's own interpreter (src/shared/runtimes/: each runtime's httpGet).
import { RUNTIMES } from '../../shared/runtimes/index.js';

/**
 * The argv of a GET / to the app, from inside its container.
 * @param {string} runtime python or node
 * @param {number} port the app's port
 */
export function httpGetArgv(runtime, port) {
  const spec = Object.hasOwn(RUNTIMES, runtime) ? RUNTIMES[/** @type {keyof typeof RUNTIMES} */ (runtime)] : RUNTIMES.python;
  return spec.httpGet(`http://127.0.0.1:${port}/`);
}

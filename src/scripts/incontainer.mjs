// @ts-check
// Commands inspect runs inside the demo's container, through `kubectl exec`: the images have no curl,
// so an HTTP GET goes through the runtime's own interpreter.

/**
 * The argv of a GET / to the app, from inside its container.
 * @param {string} runtime python or node
 * @param {number} port the app's port
 */
export function httpGetArgv(runtime, port) {
  const url = `http://127.0.0.1:${port}/`;
  return runtime === 'node'
    ? ['node', '-e', `fetch("${url}").then((r) => r.text()).then(console.log)`]
    : ['python3', '-c', `import urllib.request as u; print(u.urlopen("${url}").read().decode())`];
}

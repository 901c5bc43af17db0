// @ts-check
// Fire the crash. For --trigger http: port-forward to the pod and POST /crash; the other triggers
// fire by themselves, so this only says when.
import { KUBE_FLAGS, dryRun, fail, kubeArgs, kubeContext, main, parseFlags, readDemo, requireTool, runBackground, say, stopBackground } from './lib/cli.mjs';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('./lib/cli.mjs').FlagTable} */
export const CRASH_FLAGS = { ...KUBE_FLAGS };

const FORWARD_TIMEOUT_MS = 20_000;

// ---- steps --------------------------------------------------------------------------------------

/**
 * How the crash fires when nobody POSTs it, or null for the http trigger.
 * @param {import('./lib/cli.mjs').DemoOptions} o
 */
export function selfFiring(o) {
  switch (o.trigger) {
    case 'random':
      return `trigger "random": every request, the kubelet's probes included, fires the crash with probability ${o.probability}; it will happen by itself (send traffic to make it sooner)`;
    case 'timer':
      return `trigger "timer": each worker fires the crash ${o.after}s after it booted; it will happen by itself`;
    case 'startup':
      return 'trigger "startup": the first worker fires the crash right after boot, on every container start; it already happens by itself';
    default:
      return null;
  }
}

/**
 * POST /crash through a port-forward. Prints the app's JSON answer.
 * @param {string} context the checked kube context
 */
export async function crash(context) {
  const { options } = readDemo();
  const selfFired = selfFiring(options);
  if (selfFired) {
    say(selfFired + '. Watch it: npm run watch');
    return;
  }
  await requireTool('kubectl');
  const target = `${options.workload}/${options.name}`;
  // `:<port>` lets kubectl pick a free local port; it prints which one.
  const forward = runBackground`kubectl ${kubeArgs(context)} -n ${options.namespace} port-forward --address 127.0.0.1 ${target} :${options.port}`;
  if (forward === null || dryRun()) {
    process.stdout.write('# POST http://127.0.0.1:<local port>/crash\n');
    return;
  }
  try {
    const localPort = await forwardedPort(forward);
    const url = `http://127.0.0.1:${localPort}/crash`;
    let response;
    try {
      response = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      return fail(`POST ${url} failed: ${err instanceof Error ? err.message : err}`);
    }
    const body = await response.text();
    if (response.status !== 202) fail(`POST /crash answered ${response.status}, not 202: ${body.trim()}`);
    say(prettyJson(body));
  } finally {
    await stopBackground(forward);
  }
}

/**
 * Waits for kubectl's "Forwarding from 127.0.0.1:<port> -> <port>" line.
 * @param {import('zx').ProcessPromise} forward
 * @returns {Promise<number>}
 */
function forwardedPort(forward) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`kubectl port-forward did not start within ${FORWARD_TIMEOUT_MS / 1000}s`)), FORWARD_TIMEOUT_MS);
    forward.stdout.on('data', (chunk) => {
      seen += String(chunk);
      const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    forward.then((out) => {
      clearTimeout(timer);
      const why = out.stderr.trim().split('\n').pop() ?? '';
      reject(new Error(`kubectl port-forward exited (${out.exitCode ?? out.signal})${why ? `: ${why}` : ''}`));
    });
  });
}

/** @param {string} text */
function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text.trim();
  }
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'crash',
    summary: 'Fire the crash: POST /crash through kubectl port-forward (trigger http), or say how it fires by itself.',
    flags: CRASH_FLAGS,
  });
  const { options } = readDemo();
  // Self-firing triggers touch no cluster, so they need no context.
  if (selfFiring(options)) return crash('');
  await crash(await kubeContext(flags));
});

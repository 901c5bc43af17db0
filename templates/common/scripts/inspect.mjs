// @ts-check
// Look inside the running pod: who is PID 1 (the moment of truth), and what the app says about itself.
import {
  KUBE_FLAGS,
  kubeArgs,
  kubeContext,
  main,
  parseFlags,
  prettyJson,
  readDemo,
  requireTool,
  run,
  say,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('create-crash-demo/scripts').FlagTable} */
export const INSPECT_FLAGS = { ...KUBE_FLAGS };

// ---- steps --------------------------------------------------------------------------------------

/**
 * A GET / run inside the container with the runtime's own interpreter (the images have no curl).
 * @param {string} runtime
 * @param {number} port
 */
function httpGetArgv(runtime, port) {
  const url = `http://127.0.0.1:${port}/`;
  return runtime === 'node'
    ? ['node', '-e', `fetch("${url}").then((r) => r.text()).then(console.log)`]
    : ['python3', '-c', `import urllib.request as u; print(u.urlopen("${url}").read().decode())`];
}

/** @param {string} context the checked kube context */
export async function inspect(context) {
  const { options } = readDemo();
  await requireTool('kubectl');
  const kube = [...kubeArgs(context), '-n', options.namespace];
  const target = `${options.workload}/${options.name}`;

  const status = await run`kubectl ${kube} exec ${target} -- cat /proc/1/status`;
  const get = await run`kubectl ${kube} exec ${target} -- ${httpGetArgv(options.runtime, options.port)}`;
  if (!status || !get) return; // --dry-run

  say('PID 1 in the container (/proc/1/status):');
  for (const line of status.stdout.split('\n')) if (/^(Name|Uid):/.test(line)) say('  ' + line);
  say('GET / from inside the pod:');
  say(indent(prettyJson(get.stdout)));
}

/** @param {string} text */
function indent(text) {
  return text.split('\n').map((l) => '  ' + l).join('\n');
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'inspect',
    summary: 'Show who is PID 1 in the pod (Name and Uid from /proc/1/status) and GET / from inside it.',
    flags: INSPECT_FLAGS,
  });
  await inspect(await kubeContext(flags));
});

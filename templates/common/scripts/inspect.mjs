// @ts-check
// Look inside the running pod: who is PID 1 (the moment of truth), and what the app says about itself.
import {
  httpGetArgv, KUBE_FLAGS, kubeArgs, kubeContext, main, parseFlags, prettyJson, readDemo, requireTool, run, say,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('create-crash-demo/scripts').FlagTable} */
export const INSPECT_FLAGS = { ...KUBE_FLAGS };

// ---- steps --------------------------------------------------------------------------------------
/** @param {string} context the checked kube context */
export async function inspect(context) {
  const { options } = readDemo();
  await requireTool('kubectl');
  const kube = [...kubeArgs(context), '-n', options.namespace];
  const target = `${options.workload}/${options.name}`;

  const status = await run`kubectl ${kube} exec ${target} -- cat /proc/1/status`;
  // GET / with the runtime's own interpreter: the image has no curl
  const get = await run`kubectl ${kube} exec ${target} -- ${httpGetArgv(options.runtime, options.port)}`;
  if (!status || !get) return; // --dry-run

  say('PID 1 in the container (/proc/1/status):');
  for (const line of status.stdout.split('\n')) if (/^(Name|Uid):/.test(line)) say('  ' + line);
  say('GET / from inside the pod:');
  say('  ' + prettyJson(get.stdout).replaceAll('\n', '\n  ')); // every line indented
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

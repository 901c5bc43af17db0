// The command behind run.mjs: arguments in, one JSON line per run out (stdout); progress and the
// one-line reason for a failure on stderr.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GuestError, isDemo, runInGuest, type RunRequest } from './vm.js';

const USAGE =
  'usage: node test/cgroup2/run.mjs --demo DIR [--demo DIR ...] [--oom-group 1|0|0,1] [--base IMAGE]\n' +
  '  Builds each demo\'s image from its Dockerfile, boots a cgroup v2 guest once and runs every demo\n' +
  '  under runc with memory.oom.group set as given (1: what the kubelet sets on cgroup v2; 0: what\n' +
  '  singleProcessOOMKill: true gives), fires the crash with POST /crash and prints one JSON line per run:\n' +
  '  {"oomGroup":1,"pid1Exit":137,"supervisorOutlivedWorker":false,"oomKill":1,"oomGroupKill":1,"kernel":"6.1.x",...}\n' +
  '  --base IMAGE  the BASE_IMAGE build argument (default: the tests\' stand-in base for the runtime)';

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        demo: { type: 'string', multiple: true },
        'oom-group': { type: 'string', multiple: true },
        base: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`run.mjs: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const demos = (values.demo ?? []).map((d) => resolve(d));
  if (demos.length === 0) {
    process.stderr.write(`run.mjs: give at least one --demo DIR\n${USAGE}\n`);
    return 2;
  }
  for (const d of demos) {
    if (!(await isDemo(d))) {
      process.stderr.write(`run.mjs: ${d} is not a generated demo (no crash-demo.json); generate one with bin/create-crash-demo.cjs\n`);
      return 2;
    }
  }
  const groups: Array<0 | 1> = [];
  for (const g of (values['oom-group'] ?? ['1']).flatMap((v) => v.split(','))) {
    if (g !== '0' && g !== '1') {
      process.stderr.write(`run.mjs: --oom-group ${JSON.stringify(g)}: use 1 (the kubelet on cgroup v2) or 0 (singleProcessOOMKill: true)\n`);
      return 2;
    }
    groups.push(g === '1' ? 1 : 0);
  }
  const requests: RunRequest[] = demos.flatMap((demo) => groups.map((oomGroup) => ({ demo, oomGroup })));
  try {
    const results = await runInGuest(requests, {
      ...(values.base ? { base: values.base } : {}),
      log: (s) => process.stderr.write(`cgroup2: ${s}\n`),
    });
    for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
    const failed = results.filter((r) => r.error);
    if (failed.length) process.stderr.write(`cgroup2: ${failed.length} of ${results.length} runs went wrong: ${failed.map((r) => r.error).join('; ')}\n`);
    return failed.length ? 1 : 0;
  } catch (e) {
    // The reason is the last line, alone: callers (the test) report that line.
    if (e instanceof GuestError) for (const l of e.console.split('\n')) process.stderr.write(`cgroup2: console: ${l}\n`);
    process.stderr.write(`cgroup2: ${(e as Error).message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}

// The bin: argv -> options (flags, then prompts when a person is at a terminal) -> write -> report.
import { relative, resolve } from 'node:path';
import { parseRequest } from './args.js';
import { helpText } from './help.js';
import { resolveOptions } from '../validate.js';
import { UsageError } from '../validate.js';
import { inspectTarget, notEmpty, ownVersion, renderDemo, scriptNames, writeDemo } from '../render.js';
import { predictOutcome } from '../outcome.js';
import { loadSaved } from '../saved.js';
import { nextSteps, outcomeLines } from '../report.js';

const colorOn = (stream: NodeJS.WriteStream) => Boolean(stream.isTTY) && !process.env['NO_COLOR'];
const paint = (code: number, s: string, stream: NodeJS.WriteStream = process.stdout) => (colorOn(stream) ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = (s: string) => paint(1, s);

export async function main(argv: string[]): Promise<number> {
  const req = parseRequest(argv);
  const version = ownVersion();
  if (req.help) {
    process.stdout.write(helpText(version));
    return 0;
  }
  if (req.version) {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const interactive = !req.yes && !req.json && Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const prompts = interactive ? await import('./prompt.js') : undefined;
  prompts?.intro(`create-crash-demo ${version}`);

  const dir = req.dir ?? (prompts ? await prompts.askDir('crash-demo') : 'crash-demo');
  const saved = loadSaved(resolve(dir));
  const raw = prompts ? await prompts.askOptions(req.raw, { dir, ...(saved ? { defaults: saved } : {}) }) : req.raw;
  const options = resolveOptions(raw, { dir, ...(saved ? { defaults: saved } : {}) });
  const files = renderDemo(options);
  const outcome = predictOutcome(options);
  const target = inspectTarget(dir, files);

  let overwrite = req.overwrite;
  if (target.exists && !target.empty && !overwrite && !req.dryRun) {
    if (prompts) overwrite = await prompts.confirmOverwrite(dir, target.conflicts.length);
    if (!overwrite) throw notEmpty(dir, target);
  }
  const conflicts = new Set(target.conflicts);
  const listing = [...files].map(([path, contents]) => ({
    path,
    bytes: Buffer.byteLength(contents),
    action: conflicts.has(path) ? 'overwrite' : 'create',
  }));

  if (!req.dryRun) writeDemo(dir, files, { overwrite });

  if (req.json) {
    const doc = { dir: target.dir, dryRun: req.dryRun, options, outcome, files: listing };
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    return 0;
  }
  const out: string[] = [];
  const rel = relative(process.cwd(), target.dir) || '.';
  if (req.dryRun) {
    out.push(bold(`Dry run: would write ${listing.length} files to ${rel}/ (nothing written)`));
    for (const f of listing) out.push(`  ${f.action === 'overwrite' ? 'overwrite' : 'create   '} ${f.path}`);
  } else {
    out.push(bold(`Scaffolded ${rel}/: ${options.runtime}, --crash ${options.crash}, --pid1 ${options.pid1}, --trigger ${options.trigger}`));
  }
  out.push('', ...outcomeLines(options, outcome).map((l, i) => (i === 0 ? bold(l) : l)));
  if (!req.dryRun) out.push('', ...nextSteps(rel, options, scriptNames(files.keys())).map((l, i) => (i === 0 ? bold(l) : l)));
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

export async function run(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    const e = error as Error;
    if (e instanceof UsageError || e.constructor.name === 'Cancelled') {
      process.stderr.write(paint(31, `create-crash-demo: ${e.message}`, process.stderr) + '\n');
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`create-crash-demo: unexpected error (a bug: please report it)\n${e.stack ?? e}\n`);
    process.exitCode = 70;
  }
}

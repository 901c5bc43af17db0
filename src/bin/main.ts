// The bin: argv -> options (flags, then prompts when a person is at a terminal) -> write -> report.
import { resolve } from 'node:path';
import { parseRequest } from './args.js';
import { helpText } from './help.js';
import { checkGiven, dirName, resolveOptions, UsageError, type RawOptions } from '../generator/validate.js';
import { ownScriptsFrom, ownVersion } from '../generator/package.js';
import { planDemo } from '../generator/render.js';
import { writeDemo } from '../generator/write.js';
import { STATE_LABEL, checkTarget, checkWrite, displayPath, holdsFiles, inspectTarget, notEmpty, type FileState } from '../generator/target.js';
import { predictOutcome } from '../generator/outcome.js';
import { loadSaved } from '../generator/saved.js';
import { nextSteps, outcomeLines } from '../generator/report.js';

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
  // Every flag is checked before the first question, so a bad one never costs an answer.
  checkGiven(req.raw);
  const interactive = !req.yes && !req.json && Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const prompts = interactive ? await import('./prompt.js') : undefined;
  prompts?.intro(`create-crash-demo ${version}`);

  const dir = req.dir ?? (prompts ? await prompts.askDir('crash-demo') : 'crash-demo');
  // A target that can take no demo is refused before the first question, not after the last.
  checkTarget(dir);
  let overwrite = req.overwrite;
  let replaceEdited = req.replaceEdited;
  // A directory that is not empty: what to do is asked right after the directory, not after the rest.
  if (prompts && !overwrite && holdsFiles(dir)) {
    overwrite = await prompts.confirmOverwrite(dir);
    if (!overwrite) throw notEmpty(dir);
  }
  const saved = loadSaved(resolve(dir));
  const ctx = { dir, ...(saved ? { defaults: saved } : {}) };
  const preview = (raw: RawOptions) => {
    const o = resolveOptions(raw, ctx);
    return outcomeLines(o, predictOutcome(o));
  };
  const raw = prompts ? await prompts.askOptions(req.raw, ctx, preview) : req.raw;
  const { options, outcome, files, scripts, saved: written, vendored } = planDemo(resolveOptions(raw, ctx), ownScriptsFrom());
  let target = inspectTarget(dir, files);
  if (prompts && overwrite && target.kept.length && !replaceEdited) {
    replaceEdited = await prompts.confirmReplaceEdited(target.kept);
    target = inspectTarget(dir, files); // the user may have edited files while the question was on screen
  }
  // The same refusals for --dry-run as for the real run: a dry run that passes is one that would.
  if (req.dryRun) checkWrite(dir, target, { overwrite, replaceEdited });
  else writeDemo(dir, files, { overwrite, replaceEdited }, target);

  const { generator, start } = written;
  if (req.json) {
    const listing = target.files;
    const doc = { dir: target.dir, dryRun: req.dryRun, generator, options, start, outcome, files: listing, stale: target.stale };
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    return 0;
  }
  const out: string[] = [];
  const rel = displayPath(target.dir);
  const width = Math.max(...target.files.map((f) => STATE_LABEL[f.state].length));
  const counts = (Object.keys(STATE_LABEL) as FileState[]).flatMap((state) => {
    const n = target.files.filter((f) => f.state === state).length;
    return n ? [`${n} ${STATE_LABEL[state]}`] : [];
  });
  const named = options.name === dirName(dir) ? '' : ` (app name ${options.name}, from the directory name)`;
  if (req.dryRun) {
    out.push(bold(`Dry run: would write ${target.files.length} files to ${rel}/ (nothing written): ${counts.join(', ')}`));
    for (const f of target.files) out.push(`  ${STATE_LABEL[f.state].padEnd(width)}  ${f.path}`);
  } else {
    out.push(bold(`Scaffolded ${rel}/${named}: ${options.runtime}, --crash ${options.crash}, --pid1 ${options.pid1}, --trigger ${options.trigger}`));
    if (target.exists && !target.empty) out.push(`  files: ${counts.join(', ')} (identical files were left as they were)`);
  }
  for (const path of target.stale) out.push(`  stale  ${path}  (an earlier generation wrote it; this demo has no use for it: left in place)`);
  out.push('', ...outcomeLines(options, outcome).map((l, i) => (i === 0 ? bold(l) : l)));
  // `cd "~/my demo"` would not expand the ~: a quoted path is given whole.
  const cdPath = rel.startsWith('~') && /\s/.test(rel) ? target.dir : rel;
  if (!req.dryRun) out.push('', ...nextSteps(cdPath, options, scripts, vendored).map((l, i) => (i === 0 ? bold(l) : l)));
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

/** Under --json an error is a JSON document on stdout too, so a caller parsing stdout sees it. */
function reportError(argv: string[], message: string, exitCode: number): void {
  process.stderr.write(paint(31, `create-crash-demo: ${message}`, process.stderr) + '\n');
  if (argv.includes('--json')) process.stdout.write(JSON.stringify({ error: { message, exitCode } }, null, 2) + '\n');
  process.exitCode = exitCode;
}

export async function run(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    const e = error as Error & { exitCode?: number };
    if (e instanceof UsageError) return reportError(argv, e.message, 1);
    if (e.constructor.name === 'Cancelled') return reportError(argv, e.message, e.exitCode ?? 130);
    process.stderr.write(`create-crash-demo: unexpected error (a bug: please report it)\n${e.stack ?? e}\n`);
    process.exitCode = 70;
  }
}

// Interactive prompts for the bin (only loaded when a person is at a terminal). The order: the
// directory (and, right away, what to do if it is not empty); the few questions that decide what
// will happen; the prediction; then "Write it", "Change the rest" or "Cancel".
import { homedir } from 'node:os';
import * as p from './clack.js';
import type { Options } from '../shared/options.js';
import { questionsFor, type Question } from '../generator/questions.js';
import { UsageError, defaultName, type RawOptions } from '../generator/validate.js';
import { checkTarget, showDir } from '../generator/target.js';

/** Ctrl-C (or Esc) at a prompt: nothing written, exit 130 as for any interrupted command. */
export class Cancelled extends Error {
  readonly exitCode = 130;
}

function check<T>(value: T | symbol): T {
  if (p.isCancel(value) || typeof value === 'symbol') throw new Cancelled('Cancelled: nothing was written.');
  return value;
}

export function intro(title: string): void {
  p.intro(title);
}

/** `~` and `~/x` at the prompt mean the home directory, as in a shell. */
export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? homedir() + path.slice(1) : path;
}

export async function askDir(initial: string): Promise<string> {
  const dir = check<string>(
    await p.text({
      message: 'Target directory',
      placeholder: initial,
      defaultValue: initial,
      validate: (v) => {
        if (v !== undefined && /[\0]/.test(v)) return 'No NUL characters in a path';
        // The same refusals as for a directory given as an argument, while the user can still retype it.
        try {
          checkTarget(expandHome(v || initial));
        } catch (error) {
          if (error instanceof UsageError) return error.message;
          throw error;
        }
        return undefined;
      },
    }),
  );
  return expandHome(dir || initial);
}

/** Asked right after the directory when it is not empty. */
export async function confirmOverwrite(dir: string): Promise<boolean> {
  const choice = check(
    await p.select({
      message: `${showDir(dir)} is not empty. What now?`,
      options: [
        { value: 'cancel', label: 'Cancel', hint: 'write nothing' },
        {
          value: 'overwrite',
          label: 'Overwrite',
          hint: "replace the demo's files; other files stay, and files you edited are listed first",
        },
      ],
      initialValue: 'cancel',
    }),
  );
  return choice === 'overwrite';
}

/** Files the user edited (or that create-crash-demo never wrote) would be replaced: listed, then asked. */
export async function confirmReplaceEdited(paths: string[]): Promise<boolean> {
  p.log.warn(`Edited by you, or not written by create-crash-demo:\n${paths.map((f) => `  ${f}`).join('\n')}`);
  const choice = check(
    await p.select({
      message: `Replace these ${paths.length} file(s) too?`,
      options: [
        { value: 'cancel', label: 'Cancel', hint: 'write nothing' },
        { value: 'replace', label: 'Replace them', hint: 'your changes to them are lost' },
      ],
      initialValue: 'cancel',
    }),
  );
  return choice === 'replace';
}

async function ask(q: Question, answers: Record<string, unknown>): Promise<void> {
  const sofar = answers as Partial<Options>;
  if (!q.when(sofar)) return;
  let value: unknown;
  if (q.type === 'select') {
    value = check(
      await p.select({
        message: q.message,
        options: q.choices!.map((c) => ({ value: c.value, label: c.label, hint: c.hint })),
        initialValue: String(q.default),
      }),
    );
  } else if (q.type === 'confirm') {
    value = check(await p.confirm({ message: q.message, initialValue: Boolean(q.default) }));
  } else {
    const text = check(
      await p.text({
        message: q.message,
        placeholder: String(q.default),
        defaultValue: String(q.default),
        validate: (v) => q.validate(v || String(q.default), sofar),
      }),
    );
    value = text === '' ? q.default : text;
  }
  answers[q.key] = q.parse(value);
}

/**
 * Asks the questions that decide the outcome, shows `preview(answers)` (what will happen), then
 * offers to write, to change the other options (each asked with its default), or to cancel.
 * Returns the given values plus the answers.
 */
export async function askOptions(
  given: RawOptions,
  ctx: { dir: string; defaults?: Partial<Options> },
  preview: (answers: RawOptions) => string[],
): Promise<RawOptions> {
  const answers: Record<string, unknown> = { ...given };
  const questions = questionsFor(given, ctx);
  // A directory that gives no name ("🚀") cannot stand for the default: its name is asked first.
  const first = questions.filter((q) => q.decidesOutcome || (q.key === 'name' && !ctx.defaults?.name && !defaultName(ctx.dir)));
  const rest = questions.filter((q) => !first.includes(q));
  for (const q of first) await ask(q, answers);
  const open = rest.filter((q) => q.when(answers as Partial<Options>));
  if (!open.length) return answers as RawOptions;
  const [title, ...lines] = preview(answers as RawOptions);
  p.note(lines.join('\n'), title);
  const next = check(
    await p.select({
      message: 'Write it?',
      options: [
        { value: 'write', label: 'Write it', hint: `the other ${open.length} settings keep their defaults` },
        { value: 'change', label: 'Change the rest', hint: open.map((q) => q.key).join(', ') },
        { value: 'cancel', label: 'Cancel', hint: 'write nothing' },
      ],
      initialValue: 'write',
    }),
  );
  if (next === 'cancel') throw new UsageError('Cancelled: nothing was written.');
  if (next === 'change') for (const q of rest) await ask(q, answers);
  return answers as RawOptions;
}

export { UsageError };

// Interactive prompts for the bin (only loaded when a person is at a terminal).
import * as p from '@clack/prompts';
import type { Options } from '../options.js';
import { questionsFor } from '../questions.js';
import { UsageError, type RawOptions } from '../validate.js';

export class Cancelled extends Error {}

function check<T>(value: T | symbol): T {
  if (p.isCancel(value) || typeof value === 'symbol') throw new Cancelled('Cancelled: nothing was written.');
  return value;
}

export function intro(title: string): void {
  p.intro(title);
}

export async function askDir(initial: string): Promise<string> {
  const dir = check<string>(
    await p.text({
      message: 'Target directory',
      placeholder: initial,
      defaultValue: initial,
      validate: (v) => (v !== undefined && /[\0]/.test(v) ? 'No NUL characters in a path' : undefined),
    }),
  );
  return dir || initial;
}

/** Asks every question the flags left open; returns the given values plus the answers. */
export async function askOptions(given: RawOptions, ctx: { dir: string; defaults?: Partial<Options> }): Promise<RawOptions> {
  const answers: Record<string, unknown> = { ...given };
  for (const q of questionsFor(given, ctx)) {
    const sofar = answers as Partial<Options>;
    if (!q.when(sofar)) continue;
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
          validate: (v) => (v ? q.validate(v) : undefined),
        }),
      );
      value = text === '' ? q.default : text;
    }
    answers[q.key] = q.parse(value);
  }
  return answers as RawOptions;
}

export async function confirmOverwrite(dir: string, conflicts: number): Promise<boolean> {
  const choice = check(
    await p.select({
      message: `${dir} is not empty. What now?`,
      options: [
        { value: 'cancel', label: 'Cancel', hint: 'write nothing' },
        {
          value: 'overwrite',
          label: 'Overwrite',
          hint: `replace the demo's files (${conflicts} exist there); other files stay`,
        },
      ],
      initialValue: 'cancel',
    }),
  );
  return choice === 'overwrite';
}

export { UsageError };

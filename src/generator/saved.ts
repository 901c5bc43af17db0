// A demo can be regenerated: the answers saved in its crash-demo.json become the defaults.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Options } from '../shared/options.js';
import { UsageError } from './validate.js';

/** The options saved in `<dir>/crash-demo.json`, or undefined when there is none. */
export function loadSaved(dir: string): Partial<Options> | undefined {
  const file = join(dir, 'crash-demo.json');
  if (!existsSync(file)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { options?: Partial<Options> };
    return saved.options ?? undefined;
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (${(error as Error).message}): fix or remove it.`);
  }
}

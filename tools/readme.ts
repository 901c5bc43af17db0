// Keeps the generated parts of README.md (between <!-- begin:X --> and <!-- end:X -->) in step
// with the code: the flag table from the options table, the outcome table from the outcome model.
//   npx tsx tools/readme.ts          rewrite README.md
//   (test/unit/readme.test.ts fails when README.md is out of date)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OPTIONS, OPTION_KEYS, flagOf, type OptionSpec } from '../src/index.js';
import { outcomeTable } from '../src/generator/outcome-table.js';

export const README = fileURLToPath(new URL('../README.md', import.meta.url));

function flagTable(): string {
  const rows = ['| flag | choices | default | meaning |', '|---|---|---|---|', '| `[dir]` | path | `crash-demo` | target directory; the app name is its base name unless `--name` |'];
  for (const key of OPTION_KEYS) {
    const spec: OptionSpec = OPTIONS[key];
    const choices =
      spec.kind === 'choice'
        ? Object.keys(spec.choices).map((c) => `\`${c}\``).join(', ')
        : spec.kind === 'boolean'
          ? 'switch'
          : spec.kind === 'label'
            ? `DNS-1123 label${spec.startsWithLetter ? ' starting with a letter' : ''}`
            : `${spec.kind === 'integer' ? 'integer' : 'number'} ${spec.minExclusive ? `> ${spec.min}` : `${spec.min}..${spec.max}`}`;
    const dflt = spec.default === null ? 'dir base name' : spec.kind === 'boolean' ? (spec.default ? 'on' : 'off') : `\`${spec.default}\``;
    rows.push(`| \`${flagOf(key)}\` | ${choices} | ${dflt} | ${spec.describe} |`);
  }
  rows.push('| `-y`, `--yes` · `--overwrite` · `--dry-run` · `--json` · `-h`, `--help` · `-v`, `--version` | | | see `--help` |');
  return rows.join('\n');
}

export const SECTIONS: Record<string, () => string> = { flags: flagTable, outcomes: () => outcomeTable() };

export function renderReadme(text: string): string {
  let out = text;
  for (const [name, make] of Object.entries(SECTIONS)) {
    const re = new RegExp(`(<!-- begin:${name} -->\\n)[\\s\\S]*?(<!-- end:${name} -->)`);
    if (!re.test(out)) throw new Error(`README.md has no <!-- begin:${name} --> ... <!-- end:${name} --> block`);
    out = out.replace(re, (_m, a: string, b: string) => `${a}${make()}\n${b}`);
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(README, renderReadme(readFileSync(README, 'utf8')));
}

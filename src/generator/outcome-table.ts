// Every runtime x PID 1 x crash mode and what it does, as the Markdown table both READMEs show
// (the product's, through tools/readme.ts, and each demo's, with its own row marked).
import { choicesOf, type Options } from '../shared/options.js';
import { predictOutcome } from './outcome.js';
import { resolveOptions } from './validate.js';

interface Row {
  key: Pick<Options, 'runtime' | 'pid1' | 'crash'>;
  cells: string[];
}

let rows: Row[] | undefined;

/** The 24 rows, predicted once per process from the default options with each combination. */
function tableRows(): Row[] {
  if (rows) return rows;
  const defaults = resolveOptions({ name: 'demo' });
  rows = [];
  for (const runtime of choicesOf('runtime') as Options['runtime'][])
    for (const pid1 of choicesOf('pid1') as Options['pid1'][])
      for (const crash of choicesOf('crash') as Options['crash'][]) {
        const o = predictOutcome({ ...defaults, runtime, pid1, crash });
        const alt = o.elsewhere[0];
        const note = alt ? ` (${alt.containerExits ? 'exits' : 'keeps running'} on ${alt.label})` : '';
        const cells = [runtime, pid1, crash, `\`${o.pid1}\``, `${o.containerExits ? '**exits**' : 'keeps running'}${note}`, String(o.exitCode ?? '–'), o.reason ?? '–', o.podStatus];
        rows.push({ key: { runtime, pid1, crash }, cells });
      }
  return rows;
}

/** Every runtime x PID 1 x crash mode as a Markdown table; `mark` bolds the row of one demo. */
export function outcomeTable(mark?: Options): string {
  const lines = [
    '| runtime | `--pid1` | `--crash` | PID 1 | container | exit code | reason | `kubectl get pods` |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const { key, cells } of tableRows()) {
    const here = mark && mark.runtime === key.runtime && mark.pid1 === key.pid1 && mark.crash === key.crash;
    lines.push(`| ${(here ? [`**▶ ${key.runtime}** (this demo)`, ...cells.slice(1)] : cells).join(' | ')} |`);
  }
  return lines.join('\n');
}

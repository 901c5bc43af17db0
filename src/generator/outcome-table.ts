// Every runtime x PID 1 x crash mode and what it does, as the Markdown table both READMEs show
// (the product's, through tools/readme.ts, and each demo's, with its own row marked).
import { choicesOf, type Options } from '../shared/options.js';
import { predictOutcome } from './outcome.js';
import { resolveOptions } from './validate.js';

interface Row {
  key: Pick<Options, 'runtime' | 'pid1' | 'crash' | 'liveness'>;
  cells: string[];
}

/**
 * The liveness choices that give a crash mode rows of its own: only a hang is what the probe is for;
 * every other crash mode does the same with it on or off (their lenient probe never fires).
 */
const livenessRows = (crash: Options['crash']): Options['liveness'][] =>
  crash === 'hang' ? (choicesOf('liveness') as Options['liveness'][]) : ['on'];

let rows: Row[] | undefined;

/** The rows, predicted once per process from the default options with each combination (hang once per --liveness). */
function tableRows(): Row[] {
  if (rows) return rows;
  const defaults = resolveOptions({ name: 'demo' });
  rows = [];
  for (const runtime of choicesOf('runtime') as Options['runtime'][])
    for (const pid1 of choicesOf('pid1') as Options['pid1'][])
      for (const crash of choicesOf('crash') as Options['crash'][])
        for (const liveness of livenessRows(crash)) {
          const o = predictOutcome({ ...defaults, runtime, pid1, crash, liveness });
          const alt = o.elsewhere[0];
          const note = alt ? ` (${alt.containerExits ? 'exits' : 'keeps running'} on ${alt.label})` : '';
          const ends = o.killedBy === 'liveness' ? '**killed by the liveness probe**' : o.containerExits ? '**exits**' : 'keeps running';
          const status = o.killedBy === 'liveness' ? `${o.podStatus}, RESTARTS grows` : crash === 'hang' ? `${o.podStatus}, READY 0/1` : o.podStatus;
          const mode = crash === 'hang' ? `${crash}, \`--liveness ${liveness}\`` : crash;
          const cells = [runtime, pid1, mode, `\`${o.pid1}\``, `${ends}${note}`, String(o.exitCode ?? '–'), o.reason ?? '–', status];
          rows.push({ key: { runtime, pid1, crash, liveness }, cells });
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
    const here =
      mark && mark.runtime === key.runtime && mark.pid1 === key.pid1 && mark.crash === key.crash && (mark.crash !== 'hang' || mark.liveness === key.liveness);
    lines.push(`| ${(here ? [`**▶ ${key.runtime}** (this demo)`, ...cells.slice(1)] : cells).join(' | ')} |`);
  }
  return lines.join('\n');
}

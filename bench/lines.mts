// Line counts of a generated demo, per runtime, against issue 14's targets: the project outside app/
// and README.md at most 800 lines, no script over 80. Run: node --import tsx bench/lines.mts
// (renders with the library, writes nothing; the demo with the defaults, and with every optional file).
// test/unit/lines.test.ts asserts the same targets for the defaults.
import { renderDemo, resolveOptions } from '../src/index.js';
import { lineCounts, PROJECT_MAX, SCRIPT_MAX } from '../tools/lines.js';

const cases = [
  { name: 'python (defaults)', raw: { name: 'demo', runtime: 'python' } },
  { name: 'node (defaults)', raw: { name: 'demo', runtime: 'node' } },
  { name: 'python, shell, fast back-off', raw: { name: 'demo', runtime: 'python', pid1: 'shell', fastBackoff: true } },
] as const;

for (const c of cases) {
  const { files, total, outside, scripts } = lineCounts(renderDemo(resolveOptions(c.raw)));
  const scriptTotal = scripts.reduce((sum, [, n]) => sum + n, 0);
  const over = scripts.filter(([, n]) => n > SCRIPT_MAX);
  console.log(`${c.name}: ${files} files, ${total} lines; scripts/ ${scriptTotal} (${Math.round((100 * scriptTotal) / total)} %)`);
  console.log(`  outside app/ and README.md: ${outside} lines (target <= ${PROJECT_MAX}: ${outside <= PROJECT_MAX ? 'met' : 'NOT met'})`);
  console.log(`  longest script: ${scripts[0]?.[0]} ${scripts[0]?.[1]} lines; over ${SCRIPT_MAX}: ${over.length ? over.map(([p, n]) => `${p.replace('scripts/', '')} ${n}`).join(', ') : 'none'}`);
}

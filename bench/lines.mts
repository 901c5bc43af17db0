// Line counts of a generated demo, per runtime, against issue 14's targets: the project outside app/
// and README.md at most 800 lines, no script over 80. Run: node --import tsx bench/lines.mts
// (renders with the library, writes nothing; the demo with the defaults, and with every optional file).
import { renderDemo, resolveOptions } from '../src/index.js';

const PROJECT_MAX = 800;
const SCRIPT_MAX = 80;

const lines = (text: string | Buffer) => String(text).split('\n').length - (String(text).endsWith('\n') ? 1 : 0);

const cases = [
  { name: 'python (defaults)', raw: { name: 'demo', runtime: 'python' } },
  { name: 'node (defaults)', raw: { name: 'demo', runtime: 'node' } },
  { name: 'python, shell, fast back-off', raw: { name: 'demo', runtime: 'python', pid1: 'shell', fastBackoff: true } },
] as const;

for (const c of cases) {
  const files = renderDemo(resolveOptions(c.raw));
  let total = 0;
  let outside = 0;
  let scriptTotal = 0;
  const scripts: Array<[string, number]> = [];
  for (const [path, contents] of files) {
    const n = lines(contents);
    total += n;
    if (!path.startsWith('app/') && path !== 'README.md') outside += n;
    if (path.startsWith('scripts/')) {
      scriptTotal += n;
      scripts.push([path, n]);
    }
  }
  scripts.sort((a, b) => b[1] - a[1]);
  const over = scripts.filter(([, n]) => n > SCRIPT_MAX);
  console.log(`${c.name}: ${files.size} files, ${total} lines; scripts/ ${scriptTotal} (${Math.round((100 * scriptTotal) / total)} %)`);
  console.log(`  outside app/ and README.md: ${outside} lines (target <= ${PROJECT_MAX}: ${outside <= PROJECT_MAX ? 'met' : 'NOT met'})`);
  console.log(`  longest script: ${scripts[0]?.[0]} ${scripts[0]?.[1]} lines; over ${SCRIPT_MAX}: ${over.length ? over.map(([p, n]) => `${p.replace('scripts/', '')} ${n}`).join(', ') : 'none'}`);
}

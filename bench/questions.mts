// Counts the questions and keystrokes from `create-crash-demo` to a written demo when every answer is
// the default (Enter at each prompt), at a real terminal. Run: node --import tsx bench/questions.mts [bin]
// (default: this checkout's bin; pass an older build's bin/create-crash-demo.cjs to compare).
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEY, Terminal } from '../test/support/pty.js';

const bin = process.argv[2] ?? fileURLToPath(new URL('../bin/create-crash-demo.cjs', import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), 'crash-demo-bench-q-'));
try {
  const t = new Terminal([process.execPath, bin], cwd);
  let done = false;
  void t.exited.then(() => (done = true));
  let keys = 0;
  let prompts = 0;
  while (!done) {
    await new Promise((r) => setTimeout(r, 400));
    const n = (t.output.match(/◆ {2}/g) ?? []).length; // clack draws ◆ in front of the prompt being asked
    if (!done && n > prompts) {
      prompts = n;
      keys++;
      t.type(KEY.enter);
    }
  }
  const questions = [...new Set([...t.output.matchAll(/◆ {2}([^\r\n]+?)\s*(?:\r|\n)/g)].map((m) => m[1]!.trim()))];
  const code = await t.exited;
  console.log(`bin: ${bin}`);
  console.log(`exit ${code}; demo written: ${existsSync(join(cwd, 'crash-demo', 'crash-demo.json'))}`);
  console.log(`questions: ${questions.length}; keystrokes: ${keys} (Enter at each)`);
  for (const q of questions) console.log(`  ${q}`);
} finally {
  rmSync(cwd, { recursive: true, force: true });
}

// Drives a program through a real pseudo-terminal (util-linux `script`), as a person at a
// terminal would: wait for a prompt to appear on screen, then type.
import { spawn, type ChildProcess } from 'node:child_process';

export class Terminal {
  private screen = '';
  private seen = 0;
  readonly exited: Promise<number | null>;
  private child: ChildProcess;

  constructor(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
    const command = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    // A pty made by `script` without a terminal on stdin is 0 columns wide: give it a real size.
    this.child = spawn('script', ['-qfec', `stty cols 120 rows 40; exec ${command}`, '/dev/null'], {
      cwd,
      env: { ...process.env, TERM: 'xterm-256color', COLUMNS: '120', LINES: '40', NO_COLOR: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.screen += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.screen += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Waits until `text` appears after everything already waited for; fails after `ms`. */
  async waitFor(text: string | RegExp, ms = 30_000): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const rest = this.screen.slice(this.seen);
      const m = typeof text === 'string' ? rest.indexOf(text) : rest.search(text);
      if (m >= 0) {
        this.seen += m + 1;
        return;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; screen so far:\n${this.screen}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  type(keys: string): void {
    this.child.stdin!.write(keys);
  }

  get output(): string {
    return this.screen;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

export const KEY = { enter: '\r', down: '\x1b[B', up: '\x1b[A', ctrlC: '\x03' };

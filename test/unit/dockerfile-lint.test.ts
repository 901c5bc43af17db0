// Every generated Dockerfile passes dockerfile-utils' validator and the hadolint-style rules of
// docs/FACTS.md §5, and says exactly what crash-demo.json says (start command, crash settings).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DockerfileParser, ModifiableInstruction, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { choicesOf, renderDemo, resolveOptions, type Options, type SavedDemo } from '../../src/index.js';

/** FACTS §5 rules plus what our Dockerfiles promise; each problem is one exact sentence. */
export function lintDockerfile(text: string): string[] {
  const problems: string[] = [];
  const df = DockerfileParser.parse(text);
  const all = df.getInstructions();
  const line = (i: Instruction) => i.getRange().start.line + 1;
  const args = (i: Instruction) => i.getArgumentsContent() ?? '';
  // Flags (--mount, --chmod, ...) are parsed apart from the arguments.
  const flags = (i: Instruction): string[] =>
    i instanceof ModifiableInstruction ? i.getFlags().map((f) => f.getName()) : [];

  if (df.getDirectives().length > 0) problems.push('parser directives (# syntax=...) need BuildKit: remove them');

  // Tagged base image, never latest: FROM may name it through a global ARG with a default.
  const froms = df.getFROMs();
  if (froms.length !== 1) problems.push(`expected exactly one FROM, found ${froms.length}`);
  for (const from of froms) {
    let image = from.getImage() ?? '';
    const ref = /^\$\{?(\w+)\}?$/.exec(image);
    if (ref) {
      const arg = df.getInitialARGs().find((a) => a.getProperty()?.getName() === ref[1]);
      const value = arg?.getProperty()?.getValue();
      if (!value) {
        problems.push(`line ${line(from)}: FROM ${image} has no default: give ARG ${ref[1]} a tagged image`);
        continue;
      }
      image = value;
    }
    const tag = /^[^@]+:([\w][\w.-]*)$/.exec(image)?.[1];
    if (!tag) problems.push(`line ${line(from)}: base image ${image} has no tag: pin one, e.g. ${image}:<version>`);
    else if (tag === 'latest') problems.push(`line ${line(from)}: base image ${image} is tagged latest: pin a version`);
  }

  // Exec-form CMD and ENTRYPOINT.
  for (const i of all.filter((i) => ['CMD', 'ENTRYPOINT'].includes(i.getKeyword()))) {
    let form: unknown;
    try {
      form = JSON.parse(args(i));
    } catch {
      form = undefined;
    }
    if (!Array.isArray(form) || !form.every((s) => typeof s === 'string')) {
      problems.push(`line ${line(i)}: ${i.getKeyword()} ${args(i)} is shell form: use a JSON array (exec form)`);
    }
  }

  // The last USER is numeric and not root.
  const users = all.filter((i) => i.getKeyword() === 'USER');
  const lastUser = users.at(-1);
  if (!lastUser) problems.push('no USER: the image would run as root; add USER 10001:10001');
  else {
    const m = /^(\d+)(?::(\d+))?$/.exec(args(lastUser));
    if (!m) problems.push(`line ${line(lastUser)}: USER ${args(lastUser)} is not numeric: the kubelet cannot verify runAsNonRoot`);
    else if (m[1] === '0') problems.push(`line ${line(lastUser)}: USER ${args(lastUser)} is root`);
    const after = all.filter((i) => line(i) > line(lastUser) && !['ENTRYPOINT', 'CMD'].includes(i.getKeyword()));
    for (const i of after) problems.push(`line ${line(i)}: ${i.getKeyword()} after the last USER: keep USER just before ENTRYPOINT`);
  }

  // apt-get and pip hygiene; no BuildKit-only RUN/COPY flags or heredocs.
  for (const i of all.filter((i) => i.getKeyword() === 'RUN')) {
    const cmd = args(i);
    for (const flag of flags(i)) problems.push(`line ${line(i)}: RUN --${flag} needs BuildKit`);
    if (/<<-?['"]?\w+/.test(cmd)) problems.push(`line ${line(i)}: heredocs need BuildKit`);
    if (/\bapt-get\s+(?:\S+\s+)*install\b/.test(cmd)) {
      if (!cmd.includes('--no-install-recommends')) problems.push(`line ${line(i)}: apt-get install without --no-install-recommends`);
      if (!/\s-y\b|--yes\b|--assume-yes\b/.test(cmd)) problems.push(`line ${line(i)}: apt-get install without -y`);
      if (!cmd.includes('rm -rf /var/lib/apt/lists/*')) {
        problems.push(`line ${line(i)}: apt-get install without rm -rf /var/lib/apt/lists/* in the same RUN`);
      }
    }
    if (/\bpip3?\s+install\b/.test(cmd) && !cmd.includes('--no-cache-dir')) {
      problems.push(`line ${line(i)}: pip install without --no-cache-dir`);
    }
  }
  for (const i of all.filter((i) => ['COPY', 'ADD'].includes(i.getKeyword()))) {
    for (const flag of flags(i)) {
      if (!['chown', 'from'].includes(flag)) problems.push(`line ${line(i)}: ${i.getKeyword()} --${flag} needs BuildKit`);
    }
  }
  return problems;
}

interface Parsed {
  keywords: string[];
  env: Map<string, string>;
  entrypoint: unknown;
  cmd: unknown;
  expose: string[];
  lineOf: (keyword: string, needle?: string) => number;
}

function parse(text: string): Parsed {
  const df = DockerfileParser.parse(text);
  const all = df.getInstructions();
  const env = new Map<string, string>();
  for (const e of df.getENVs()) for (const p of e.getProperties()) env.set(p.getName(), p.getValue() ?? '');
  const json = (k: string) => JSON.parse(all.filter((i) => i.getKeyword() === k).at(-1)?.getArgumentsContent() ?? 'null') as unknown;
  return {
    keywords: all.map((i) => i.getKeyword()),
    env,
    entrypoint: json('ENTRYPOINT'),
    cmd: json('CMD'),
    expose: all.filter((i) => i.getKeyword() === 'EXPOSE').map((i) => i.getArgumentsContent() ?? ''),
    lineOf: (keyword, needle = '') =>
      all.findIndex((i) => i.getKeyword() === keyword && (i.getArgumentsContent() ?? '').includes(needle)),
  };
}

function demo(raw: Partial<Options>): { dockerfile: string; saved: SavedDemo; files: Map<string, string | Buffer> } {
  const files = renderDemo(resolveOptions({ name: 'lint-demo', ...raw }));
  const dockerfile = String(files.get('Dockerfile'));
  const saved = JSON.parse(String(files.get('crash-demo.json'))) as SavedDemo;
  return { dockerfile, saved, files };
}

const runtimes = choicesOf('runtime') as Options['runtime'][];
const pid1s = choicesOf('pid1') as Options['pid1'][];
const crashes = choicesOf('crash') as Options['crash'][];

describe('every generated Dockerfile', () => {
  for (const runtime of runtimes) {
    for (const pid1 of pid1s) {
      for (const crash of crashes) {
        test(`${runtime} pid1=${pid1} crash=${crash} passes dockerfile-utils and the FACTS §5 rules`, () => {
          const { dockerfile } = demo({ runtime, pid1, crash });
          const diagnostics = validate(dockerfile).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
          assert.deepEqual(diagnostics, []);
          assert.deepEqual(lintDockerfile(dockerfile), []);
        });
      }
    }
  }
});

describe('a generated Dockerfile says what crash-demo.json says', () => {
  for (const runtime of runtimes) {
    for (const pid1 of pid1s) {
      test(`${runtime} pid1=${pid1}: ENTRYPOINT is the saved start command and CMD is empty`, () => {
        const { dockerfile, saved } = demo({ runtime, pid1 });
        const p = parse(dockerfile);
        assert.deepEqual(p.entrypoint, saved.start);
        assert.deepEqual(p.cmd, []);
        assert.equal(p.keywords.at(-1), 'CMD');
        assert.equal(p.keywords.at(-2), 'ENTRYPOINT');
      });

      test(`${runtime} pid1=${pid1}: tini is installed from Debian exactly when it is PID 1`, () => {
        const { dockerfile } = demo({ runtime, pid1 });
        assert.equal(/apt-get install -y --no-install-recommends tini/.test(dockerfile), pid1 === 'tini');
      });
    }
  }

  test('the crash settings are ENV defaults taken from the options, and the port is exposed', () => {
    const { dockerfile } = demo({ runtime: 'python', crash: 'oom', trigger: 'timer', after: 7, workers: 3, port: 9123 });
    const p = parse(dockerfile);
    assert.deepEqual(
      ['CRASH_MODE', 'CRASH_TRIGGER', 'CRASH_PROBABILITY', 'CRASH_AFTER_SECONDS', 'WORKERS', 'PORT'].map((k) => p.env.get(k)),
      ['oom', 'timer', '0.06', '7', '3', '9123'],
    );
    assert.deepEqual(p.expose, ['9123']);
  });

  test('the base image is a build argument defaulting to the official slim image', () => {
    assert.match(demo({ runtime: 'python' }).dockerfile, /^ARG BASE_IMAGE=python:3\.13-slim\nFROM \$\{BASE_IMAGE\}$/m);
    assert.match(demo({ runtime: 'node' }).dockerfile, /^ARG BASE_IMAGE=node:24-slim\nFROM \$\{BASE_IMAGE\}$/m);
  });

  test('python layers go from heavy to light: requirements, pip, the app, then the crash settings', () => {
    const p = parse(demo({ runtime: 'python', pid1: 'tini' }).dockerfile);
    const order = [
      p.lineOf('RUN', 'apt-get'),
      p.lineOf('COPY', 'app/requirements.txt'),
      p.lineOf('RUN', 'pip install --no-cache-dir -r app/requirements.txt'),
      p.lineOf('COPY', 'app/ app/'),
      p.lineOf('ENV', 'CRASH_MODE'),
      p.lineOf('USER'),
    ];
    assert.ok(order.every((n) => n >= 0), `missing instruction: ${JSON.stringify(order)}`);
    assert.deepEqual([...order].sort((a, b) => a - b), order);
  });

  test('the build context holds app/ only (.dockerignore)', () => {
    assert.equal(String(demo({}).files.get('.dockerignore')).split('\n').filter((l) => l && !l.startsWith('#'))[0], '*');
    assert.match(String(demo({}).files.get('.dockerignore')), /^!app\/$/m);
  });
});

describe('the FACTS §5 lint itself', () => {
  test('names every broken rule of a bad Dockerfile, one exact sentence each', () => {
    const bad = [
      'ARG BASE_IMAGE=python:latest',
      'FROM ${BASE_IMAGE}',
      'RUN apt-get update && apt-get install tini',
      'RUN pip install flask',
      'COPY --chmod=755 app/ app/',
      'USER app',
      'ENV X=1',
      'ENTRYPOINT gunicorn app.main:app',
      'CMD []',
    ].join('\n');
    assert.deepEqual(lintDockerfile(bad), [
      'line 2: base image python:latest is tagged latest: pin a version',
      'line 8: ENTRYPOINT gunicorn app.main:app is shell form: use a JSON array (exec form)',
      'line 6: USER app is not numeric: the kubelet cannot verify runAsNonRoot',
      'line 7: ENV after the last USER: keep USER just before ENTRYPOINT',
      'line 3: apt-get install without --no-install-recommends',
      'line 3: apt-get install without -y',
      'line 3: apt-get install without rm -rf /var/lib/apt/lists/* in the same RUN',
      'line 4: pip install without --no-cache-dir',
      'line 5: COPY --chmod needs BuildKit',
    ]);
  });

  test('refuses an untagged base image, root and a missing USER', () => {
    assert.deepEqual(lintDockerfile('FROM python\nUSER 0:0\nCMD ["python3"]'), [
      'line 1: base image python has no tag: pin one, e.g. python:<version>',
      'line 2: USER 0:0 is root',
    ]);
    assert.deepEqual(lintDockerfile('FROM python:3.13-slim\nCMD ["python3"]'), [
      'no USER: the image would run as root; add USER 10001:10001',
    ]);
  });
});

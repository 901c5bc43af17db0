// The generated Dockerfile as a user meets it: built unchanged with the classic builder on the
// stand-in base, what the image's config says, what is inside it, and which layers a rebuild reuses.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { choicesOf, type Options } from '../../src/index.js';
import { ensureBaseImage } from '../support/base-images.js';
import { buildDemo, docker, engineAnswers, generateDemo, removeBuiltImages, type GeneratedDemo } from '../support/docker.js';

const runtimes = choicesOf('runtime') as Options['runtime'][];

interface ImageConfig {
  User: string;
  Entrypoint: string[] | null;
  Cmd?: string[] | null;
  Env: string[];
  ExposedPorts: Record<string, object> | null;
  Labels: Record<string, string> | null;
  WorkingDir: string;
}

async function imageConfig(tag: string): Promise<ImageConfig> {
  return JSON.parse((await docker(['image', 'inspect', '--format', '{{json .Config}}', tag])).stdout) as ImageConfig;
}

/** The classic builder's log, step by step: the instruction and whether it came from the cache. */
function steps(log: string): Array<{ step: string; cached: boolean }> {
  return log
    .split(/^Step \d+\/\d+ : /m)
    .slice(1)
    .map((chunk) => ({ step: chunk.split('\n')[0] ?? '', cached: /^ ---> Using cache$/m.test(chunk) }));
}

const cleanups: Array<() => Promise<unknown>> = [];

before(async () => {
  assert.ok(await engineAnswers(), 'no Docker engine answers: run test/setup-machine.sh as root first');
});

after(async () => {
  for (const c of cleanups) await c();
  await removeBuiltImages();
});

async function demo(raw: Parameters<typeof generateDemo>[0]): Promise<GeneratedDemo> {
  const d = await generateDemo(raw);
  cleanups.push(d.dispose);
  return d;
}

for (const runtime of runtimes) {
  describe(`the ${runtime} image`, () => {
    let base = '';
    before(async () => {
      base = (await ensureBaseImage(runtime)).tag;
    });

    test('runs as 10001:10001 with the start command as its ENTRYPOINT and an empty CMD', async () => {
      const d = await demo({ name: `img-${runtime}`, runtime, pid1: 'tini', port: 8123 });
      const tag = `crash-demo-test/img-${runtime}:0.1.0`;
      await buildDemo(d, tag, base);
      const c = await imageConfig(tag);
      assert.equal(c.User, '10001:10001');
      // For node this also proves the base image's docker-entrypoint.sh is gone.
      assert.deepEqual(c.Entrypoint, d.saved.start);
      assert.deepEqual(c.Cmd ?? [], []);
      assert.equal(c.WorkingDir, '/srv/demo');
      assert.deepEqual(Object.keys(c.ExposedPorts ?? {}), ['8123/tcp']);
      const o = d.saved.options;
      for (const kv of [
        `CRASH_MODE=${o.crash}`,
        `CRASH_TRIGGER=${o.trigger}`,
        `CRASH_PROBABILITY=${o.probability}`,
        `CRASH_AFTER_SECONDS=${o.after}`,
        `WORKERS=${o.workers}`,
        'PORT=8123',
      ]) {
        assert.ok(c.Env.includes(kv), `${kv} missing from ${JSON.stringify(c.Env)}`);
      }
      assert.equal(c.Labels?.['org.opencontainers.image.version'], d.saved.generator.version);
      assert.equal(c.Labels?.['org.opencontainers.image.title'], `img-${runtime}`);
      assert.equal(c.Labels?.['org.opencontainers.image.base.name'], base);
    });

    test('holds app/ and nothing else of the project under /srv/demo', async () => {
      const d = await demo({ name: `ctx-${runtime}`, runtime, pid1: 'exec' });
      const tag = `crash-demo-test/ctx-${runtime}:0.1.0`;
      await buildDemo(d, tag, base);
      const ls = await docker(['run', '--rm', '--network', 'none', '--entrypoint', 'ls', tag, '-A', '/srv/demo', '/srv/demo/app']);
      const [top, app] = ls.stdout.trim().split(/\n\n/);
      assert.deepEqual(top?.split('\n').slice(1), ['app']);
      assert.deepEqual(app?.split('\n').slice(1).sort(), (await readdir(join(d.dir, 'app'))).sort());
    });

    test('a rebuild of an unchanged demo comes entirely from the cache', async () => {
      const d = await demo({ name: `cache-${runtime}`, runtime, pid1: 'tini' });
      const tag = `crash-demo-test/cache-${runtime}:0.1.0`;
      await buildDemo(d, tag, base);
      const again = steps((await buildDemo(d, tag, base)).log);
      assert.deepEqual(again.filter((s) => !s.cached && !/^(FROM|ARG) /.test(s.step)), []);
    });

    test('changing the crash settings rebuilds only the layers after app/', async () => {
      const a = await demo({ name: `layers-${runtime}`, runtime, pid1: 'tini', crash: 'kill-parent' });
      // A timer no earlier run used, so the crash settings' layer cannot already be in the cache.
      const after = 1 + (Date.now() % 86_000);
      const b = await demo({ name: `layers-${runtime}`, runtime, pid1: 'tini', crash: 'oom', trigger: 'timer', after });
      await buildDemo(a, `crash-demo-test/layers-${runtime}:a`, base);
      const log = steps((await buildDemo(b, `crash-demo-test/layers-${runtime}:b`, base)).log);
      const heavy = log.filter((s) => /^(RUN|COPY|WORKDIR|ENV (PYTHON|NODE_ENV))/.test(s.step));
      assert.ok(heavy.length >= 3, JSON.stringify(log));
      assert.deepEqual(heavy.filter((s) => !s.cached), []);
      const crashEnv = log.find((s) => s.step.startsWith('ENV CRASH_MODE'));
      assert.equal(crashEnv?.cached, false);
    });
  });
}

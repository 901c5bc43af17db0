// The bin, spawned as a user would run it: no terminal, real files, real exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { OPTIONS, OPTION_KEYS, flagOf } from '../../src/index.js';
import { BIN, runBin } from '../support/bin.js';
import { listTree, tempDir } from '../support/tree.js';
import { requireCurrentBuild } from '../support/build.js';

requireCurrentBuild();

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

test('--help lists every flag with its choices and its default', () => {
  const r = runBin(['--help'], tempDir());
  assert.equal(r.code, 0);
  for (const key of OPTION_KEYS) {
    const spec = OPTIONS[key];
    assert.match(r.stdout, new RegExp(`^  ${flagOf(key)}\\b`, 'm'), `${flagOf(key)} is listed`);
    if (spec.kind === 'choice') for (const c of Object.keys(spec.choices)) assert.match(r.stdout, new RegExp(`^ +${c} +\\S`, 'm'));
    if (spec.default !== null && spec.kind !== 'boolean') assert.ok(r.stdout.includes(`(default: ${spec.default})`), `default of ${key}`);
  }
  for (const flag of ['--yes', '--overwrite', '--dry-run', '--json', '--help', '--version']) assert.ok(r.stdout.includes(flag));
});

test('--help shows each flag\'s value as one plain placeholder: --after <seconds>, never <> or a stray >', () => {
  const r = runBin(['--help'], tempDir());
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^  --after <seconds>$/m);
  // Each demo flag's line is the flag alone or the flag and one <placeholder>, nothing after it.
  for (const key of OPTION_KEYS) assert.match(r.stdout, new RegExp(`^  ${flagOf(key)}( <[^<>\\s]+>)?$`, 'm'), `the --help line of ${flagOf(key)}`);
  // Anywhere in --help, every < opens a placeholder with a name in it and every > closes one.
  const left = r.stdout.replace(/<[^<>\s]+>/g, '');
  assert.doesNotMatch(left, /[<>]/, 'an empty placeholder or a stray < or >');
});

test('--version prints the package version', () => {
  const r = runBin(['--version'], tempDir());
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), readJson(new URL('../../package.json', import.meta.url).pathname).version);
});

test('without a terminal and without flags it asks nothing and scaffolds ./crash-demo with the defaults', () => {
  const cwd = tempDir();
  const r = runBin([], cwd);
  assert.equal(r.code, 0, r.stderr);
  const saved = readJson(join(cwd, 'crash-demo', 'crash-demo.json'));
  assert.deepEqual(saved.options, {
    name: 'crash-demo', runtime: 'python', crash: 'kill-parent', pid1: 'tini', liveness: 'on', trigger: 'http', probability: 0.06,
    after: 30, workers: 2, workload: 'deployment', namespace: 'crash-demo', port: 8080, cluster: 'auto', fastBackoff: false,
  });
  assert.match(r.stdout, /What will happen/);
  assert.match(r.stdout, /exits 137/);
});

test('flags decide every answer: node, kill-parent, exec is predicted to refuse to crash', () => {
  const cwd = tempDir();
  const r = runBin(['my-demo', '--runtime', 'node', '--crash', 'kill-parent', '--pid1', 'exec', '--yes'], cwd);
  assert.equal(r.code, 0, r.stderr);
  const saved = readJson(join(cwd, 'my-demo', 'crash-demo.json'));
  assert.equal(saved.options.name, 'my-demo');
  assert.equal(saved.options.runtime, 'node');
  assert.equal(saved.outcome.containerExits, false);
  assert.equal(saved.outcome.podStatus, 'Running');
  assert.deepEqual(saved.start, ['node', 'app/server.mjs']);
  assert.match(r.stdout, /refuses to crash/);
  assert.match(r.stdout, /^  cd my-demo$/m);
});

test('the "Next" list offers npm run cluster before npm run demo, and only for a cluster npm run cluster can create', () => {
  const cwd = tempDir();
  /** The commands of the "Next" list the bin printed, in order. */
  const next = (stdout: string) => stdout.slice(stdout.indexOf('\nNext\n')).split('\n').flatMap((l) => /^  (npm run \S+)/.exec(l)?.[1] ?? []);
  for (const [cluster, tool] of [['auto', 'kind'], ['kind', 'kind'], ['minikube', 'minikube'], ['k3d', 'k3d']] as const) {
    const r = runBin([`demo-${cluster}`, '--cluster', cluster, '--yes'], cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(next(r.stdout), ['npm run cluster', 'npm run demo', 'npm run rehearse'], `--cluster ${cluster}`);
    assert.match(r.stdout, new RegExp(`^  npm run cluster +# no local cluster yet\\? a ${tool} cluster named demo-${cluster}$`, 'm'));
  }
  for (const cluster of ['docker-desktop', 'containerd']) {
    const r = runBin([`demo-${cluster}`, '--cluster', cluster, '--yes'], cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(next(r.stdout), ['npm run demo', 'npm run rehearse'], `--cluster ${cluster}: nothing for npm run cluster to create`);
  }
});

test('--probability 0 can never fire: the prediction says so, not CrashLoopBackOff', () => {
  const cwd = tempDir();
  const r = runBin(['my-demo', '--trigger', 'random', '--probability', '0', '--yes'], cwd);
  assert.equal(r.code, 0, r.stderr);
  const saved = readJson(join(cwd, 'my-demo', 'crash-demo.json'));
  assert.equal(saved.outcome.containerExits, false);
  assert.equal(saved.outcome.podStatus, 'Running');
  assert.match(r.stdout, /The crash never fires \(--probability 0\): the pod stays Running with RESTARTS 0\./);
  assert.doesNotMatch(r.stdout, /CrashLoopBackOff/);
});

test('--dry-run writes nothing and lists exactly the files a real run writes', () => {
  const cwd = tempDir();
  const args = ['demo', '--runtime', 'python', '--pid1', 'shell', '--workload', 'statefulset', '--fast-backoff'];
  const dry = runBin([...args, '--dry-run'], cwd);
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(listTree(cwd), []);
  const listed = [...dry.stdout.matchAll(/^  new +(\S+)$/gm)].map((m) => m[1]);
  const real = runBin(args, cwd);
  assert.equal(real.code, 0, real.stderr);
  assert.deepEqual(listed, listTree(join(cwd, 'demo')));
});

test('--dry-run --json prints one JSON document: options, outcome and every file with its size', () => {
  const cwd = tempDir();
  const args = ['j', '--runtime', 'node', '--crash', 'halt-supervisor', '--trigger', 'timer', '--after', '5'];
  const dry = runBin([...args, '--dry-run', '--json'], cwd);
  assert.equal(dry.code, 0, dry.stderr);
  const doc = JSON.parse(dry.stdout);
  assert.deepEqual(listTree(cwd), []);
  assert.equal(doc.dryRun, true);
  assert.equal(doc.options.after, 5);
  assert.equal(doc.outcome.exitCode, 4);
  assert.equal(runBin(args, cwd).code, 0);
  const tree = listTree(join(cwd, 'j'));
  assert.deepEqual(doc.files.map((f: { path: string }) => f.path), tree);
  assert.deepEqual(doc.generator, readJson(join(cwd, 'j', 'crash-demo.json')).generator);
  assert.deepEqual(doc.start, readJson(join(cwd, 'j', 'crash-demo.json')).start);
  assert.deepEqual(doc.start, ['tini', '--', 'node', 'app/server.mjs']);
  for (const f of doc.files) {
    assert.equal(f.state, 'new');
    assert.equal(f.bytes, readFileSync(join(cwd, 'j', f.path)).length, f.path);
  }
  assert.deepEqual(doc.outcome, readJson(join(cwd, 'j', 'crash-demo.json')).outcome);
});

// Each bad input: exit 1, one line naming the value and what to do, and nothing written at all.
const BAD: Array<[string, string[], RegExp]> = [
  ['an unknown runtime', ['--runtime', 'ruby'], /--runtime "ruby" is not a valid choice: use one of python, node\./],
  ['an unknown crash mode', ['--crash', 'boom'], /--crash "boom" .*exit-worker, kill-parent, halt-supervisor, oom/],
  ['an unknown PID 1 layout', ['--pid1', 'systemd'], /--pid1 "systemd" .*exec, shell, tini/],
  ['an unknown trigger', ['--trigger', 'cron'], /--trigger "cron" .*http, random, timer, startup/],
  ['an unknown workload', ['--workload', 'job'], /--workload "job" .*deployment, statefulset/],
  ['an unknown cluster', ['--cluster', 'eks'], /--cluster "eks" .*auto, kind, minikube, k3d, docker-desktop/],
  ['a name with capitals and underscores', ['--name', 'My_App'], /--name "My_App" is not a valid Kubernetes name.*try --name my-app\./],
  ['a name starting with a digit', ['--name', '1app'], /--name "1app" .*starting with a letter.*try --name app\./],
  ['a namespace that is not a DNS-1123 label', ['--namespace', 'Team.NS'], /--namespace "Team\.NS" is not a valid Kubernetes name/],
  ['a privileged port', ['--port', '80'], /--port "80" is out of range: give a whole number from 1024 to 65535\./],
  ['a port above 65535', ['--port', '70000'], /--port "70000" is out of range/],
  ['a port that is not a number', ['--port', 'http'], /--port "http" is not a whole number/],
  ['a probability above 1', ['--trigger', 'random', '--probability', '1.5'], /--probability "1\.5" is out of range: give a number from 0 to 1\./],
  ['a negative probability', ['--trigger', 'random', '--probability=-0.1'], /--probability "-0\.1" is not a number in decimal digits: give a number from 0 to 1\./],
  ['a probability of -0', ['--trigger', 'random', '--probability=-0'], /--probability "-0" is not a number in decimal digits/],
  // Number() reads all of these as whole numbers; only plain decimal digits are.
  ['a hexadecimal port', ['--port', '0x1F90'], /--port "0x1F90" is not a whole number in decimal digits: give a whole number from 1024 to 65535\./],
  ['a binary port', ['--port', '0b1111101000000'], /--port "0b1111101000000" is not a whole number in decimal digits/],
  ['an octal port', ['--port', '0o17620'], /--port "0o17620" is not a whole number in decimal digits/],
  ['a port with a plus sign', ['--port', '+8080'], /--port "\+8080" is not a whole number in decimal digits/],
  ['a port with spaces around it', ['--port', ' 8080 '], /--port " 8080 " is not a whole number in decimal digits/],
  ['a port in exponent form', ['--port', '8e3'], /--port "8e3" is not a whole number in decimal digits/],
  ['workers in exponent form', ['--workers=1e1'], /--workers "1e1" is not a whole number in decimal digits/],
  ['seconds in exponent form', ['--trigger', 'timer', '--after', '3e1'], /--after "3e1" is not a number in decimal digits/],
  ['seconds in hexadecimal', ['--trigger', 'timer', '--after', '0x1e'], /--after "0x1e" is not a number in decimal digits/],
  ['a negative number without =', ['--trigger', 'random', '--probability', '-0.1'], /^create-crash-demo: --probability needs a value, e.g. --probability 0\.06 \(the word after it, "-0\.1", starts with '-': no value here is negative\)\.$/m],
  ['a probability without --trigger random', ['--probability', '0.5'], /--probability 0\.5 only applies to --trigger random \(the trigger is http\)/],
  ['zero seconds for the timer', ['--trigger', 'timer', '--after', '0'], /--after "0" is out of range: give a number greater than 0/],
  ['zero workers', ['--workers', '0'], /--workers "0" is out of range: give a whole number from 1 to 16\./],
  ['seventeen workers', ['--workers', '17'], /--workers "17" is out of range/],
  ['half a worker', ['--workers', '2.5'], /--workers "2\.5" is not a whole number/],
  ['an unknown flag', ['--runtim', 'node'], /Unknown flag --runtim\. Did you mean --runtime\?/],
  ['an unknown flag with a digit, named whole', ['--no-pid1'], /Unknown flag --no-pid1\./],
  ['the start of one flag', ['--ru', 'node'], /Unknown flag --ru\. Did you mean --runtime\?/],
  ['a bare --=, named whole and taken for no flag', ['--='], /Unknown flag --=\. Run create-crash-demo --help for every flag\./],
  ['a flag without its value', ['--runtime'], /--runtime needs a value: one of python, node\./],
  ['a value for a switch', ['--fast-backoff=yes'], /--fast-backoff.* is a switch and takes no value/],
  ['a namespace that belongs to the cluster', ['--namespace', 'kube-system'], /--namespace "kube-system" belongs to the cluster itself.*--namespace crash-demo\./],
  ['the default namespace', ['--namespace', 'default'], /--namespace "default" belongs to the cluster itself/],
  ['a probability the app could not read back', ['--trigger', 'random', '--probability', '0.0000001'], /--probability "0\.0000001" has too many decimal places: use at most 6/],
  ['a value for --yes', ['--yes=no'], /^create-crash-demo: --yes is a switch and takes no value: write --yes alone\.$/m],
  ['--port with no value', ['--port'], /^create-crash-demo: --port needs a value, e.g\. --port 8080\.$/m],
  ['seconds the app could not read back', ['--trigger', 'timer', '--after', '0.0000000001'], /^create-crash-demo: --after "0\.0000000001" has too many decimal places: use at most 6 \(e\.g\. 0\.000001\)\.$/m],
  ['--fast-backoff for a cluster that is not kind', ['--fast-backoff', '--cluster', 'minikube'], /^create-crash-demo: --fast-backoff writes a kind cluster config \(kind-config\.yaml\), which kind reads \(and whose kubelet settings a node of your own takes, --cluster containerd\); with --cluster minikube it would change nothing: drop --fast-backoff, or use --cluster kind\.$/m],
  ['two target directories', ['extra-dir'], /One target directory, please: got "demo" "extra-dir"/],
  ['a flag given twice with two values', ['--runtime', 'node', '--runtime', 'python'], /^create-crash-demo: --runtime is given twice, as "node" and as "python": give it once, with the value you mean\.$/m],
  ['a flag given twice, the second time with =', ['--fast-backoff', '--name', 'a', '--name=b'], /^create-crash-demo: --name is given twice, as "a" and as "b": give it once, with the value you mean\.$/m],
  ['--replace-edited without --overwrite', ['--replace-edited'], /^create-crash-demo: --replace-edited only applies with --overwrite \(it lets --overwrite replace files you edited too\): add --overwrite, or drop --replace-edited\.$/m],
  ['a StatefulSet name longer than 52', ['--workload', 'statefulset', '--name', 'a'.repeat(53)], /at most 52/],
];

for (const [what, args, message] of BAD) {
  test(`${what} is refused with exit 1, a clear message, and nothing written`, () => {
    const cwd = tempDir();
    const r = runBin(['demo', ...args], cwd);
    assert.equal(r.code, 1);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(listTree(cwd), [], 'nothing written');
  });
}

test('a directory name is made a valid app name by one rule, asked or not: "My Démo" -> my-demo, "über" -> uber', () => {
  const cwd = tempDir();
  for (const [dir, name] of [['My Démo', 'my-demo'], ['über', 'uber'], ['my démo 🚀', 'my-demo']] as const) {
    const r = runBin([dir], cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readJson(join(cwd, dir, 'crash-demo.json')).options.name, name);
    assert.match(r.stdout, new RegExp(`^Scaffolded ${dir}/ \\(app name ${name}, from the directory name\\)`, 'm'));
  }
  const none = runBin(['🚀'], cwd);
  assert.equal(none.code, 1);
  assert.equal(none.stderr, 'create-crash-demo: The directory name "🚀" leaves no valid Kubernetes name for the app: pass --name <a-lowercase-name>.\n');
  assert.ok(!existsSync(join(cwd, '🚀')));
});

test('under --json an error is a JSON document on stdout as well as one line on stderr', () => {
  const cwd = tempDir();
  const r = runBin(['demo', '--runtime', 'ruby', '--json'], cwd);
  assert.equal(r.code, 1);
  const message = '--runtime "ruby" is not a valid choice: use one of python, node.';
  assert.equal(r.stderr, `create-crash-demo: ${message}\n`);
  assert.deepEqual(JSON.parse(r.stdout), { error: { message, exitCode: 1 } });
  assert.deepEqual(listTree(cwd), []);
});

test('a target that is a file is refused', () => {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'demo'), 'a file');
  const r = runBin(['demo'], cwd);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'create-crash-demo: "demo" exists and is not a directory: choose another target directory.\n');
  assert.equal(readFileSync(join(cwd, 'demo'), 'utf8'), 'a file');
});

test('a non-empty directory is refused without a terminal, and nothing in it changes', () => {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'demo'));
  writeFileSync(join(cwd, 'demo', 'notes.txt'), 'mine');
  writeFileSync(join(cwd, 'demo', 'Dockerfile'), 'FROM mine');
  const r = runBin(['demo', '--yes'], cwd);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^create-crash-demo: "demo" is not empty: nothing was written\..*--overwrite.*\(1 of them is there already; every other file stays\)\.$/m);
  assert.deepEqual(listTree(join(cwd, 'demo')), ['Dockerfile', 'notes.txt']);
  assert.equal(readFileSync(join(cwd, 'demo', 'Dockerfile'), 'utf8'), 'FROM mine');
});

test('--overwrite never replaces a file it did not write: refused, naming it; --replace-edited replaces it; other files stay', () => {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'demo'));
  writeFileSync(join(cwd, 'demo', 'notes.txt'), 'mine');
  writeFileSync(join(cwd, 'demo', 'Dockerfile'), 'FROM mine');
  for (const args of [['--overwrite'], ['--overwrite', '--dry-run']]) {
    const r = runBin(['demo', ...args], cwd);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, /^create-crash-demo: "demo": 1 file\(s\) there are edited by you or were not generated \(Dockerfile\): nothing was written\. Move them away, or add --replace-edited to replace them too\.\n$/);
    assert.deepEqual(listTree(join(cwd, 'demo')), ['Dockerfile', 'notes.txt']);
  }
  const r = runBin(['demo', '--overwrite', '--replace-edited'], cwd);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(cwd, 'demo', 'notes.txt'), 'utf8'), 'mine');
  assert.notEqual(readFileSync(join(cwd, 'demo', 'Dockerfile'), 'utf8'), 'FROM mine');
  assert.ok(existsSync(join(cwd, 'demo', 'crash-demo.json')));
});

/** --dry-run's listing: path -> label. */
const labels = (stdout: string) => Object.fromEntries([...stdout.matchAll(/^  (new|identical|changed|edited by you|not generated) +(\S+)$/gm)].map((m) => [m[2], m[1]]));

test('a re-run tells the files apart: identical, changed, new, edited by you, stale; a hand edit is kept unless --replace-edited', () => {
  const cwd = tempDir();
  assert.equal(runBin(['demo', '--runtime', 'python', '--workload', 'deployment'], cwd).code, 0);
  const dir = join(cwd, 'demo');
  const saved = readJson(join(dir, 'crash-demo.json'));
  assert.equal(Object.keys(saved.files).length, listTree(dir).length - 1, 'crash-demo.json hashes every other file');
  assert.match(saved.files['Dockerfile'], /^sha256:[0-9a-f]{64}$/);

  // Unchanged re-run: every file identical, nothing rewritten.
  const same = runBin(['demo', '--overwrite', '--dry-run'], cwd);
  assert.equal(same.code, 0, same.stderr);
  const all = labels(same.stdout);
  assert.deepEqual(Object.keys(all), listTree(dir));
  assert.deepEqual(new Set(Object.values(all)), new Set(['identical']));

  // A hand edit: refused by name, left as it is, in a dry run and for real.
  const crash = join(dir, 'scripts', 'crash.mjs');
  writeFileSync(crash, readFileSync(crash, 'utf8') + '// my rehearsal note\n');
  const edited = readFileSync(crash, 'utf8');
  for (const extra of [['--dry-run'], []]) {
    const r = runBin(['demo', '--overwrite', '--workload', 'statefulset', ...extra], cwd);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /1 file\(s\) there are edited by you or were not generated \(scripts\/crash\.mjs\)/);
    assert.equal(readFileSync(crash, 'utf8'), edited);
  }
  // With --replace-edited the dry run labels each file, and the one the earlier generation wrote
  // that this demo has no use for (the Deployment, now a StatefulSet) is listed as stale.
  const dry = runBin(['demo', '--overwrite', '--replace-edited', '--workload', 'statefulset', '--dry-run'], cwd);
  assert.equal(dry.code, 0, dry.stderr);
  const l = labels(dry.stdout);
  assert.equal(l['scripts/crash.mjs'], 'edited by you');
  assert.equal(l['k8s/statefulset.yaml'], 'new');
  assert.equal(l['k8s/kustomization.yaml'], 'changed');
  assert.equal(l['app/server.py'] ?? l['app/app.py'] ?? l['Dockerfile'], 'identical');
  assert.match(dry.stdout, /^  stale  k8s\/deployment\.yaml  \(an earlier generation wrote it; this demo has no use for it: left in place\)$/m);
  const real = runBin(['demo', '--overwrite', '--replace-edited', '--workload', 'statefulset'], cwd);
  assert.equal(real.code, 0, real.stderr);
  assert.notEqual(readFileSync(crash, 'utf8'), edited);
  assert.ok(existsSync(join(dir, 'k8s', 'deployment.yaml')), 'a stale file is listed, never removed');
});

test('--dry-run fails where the real run would: a non-empty directory without --overwrite, and a directory it cannot write', () => {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'demo'));
  writeFileSync(join(cwd, 'demo', 'notes.txt'), 'mine');
  const dry = runBin(['demo', '--dry-run'], cwd);
  const real = runBin(['demo'], cwd);
  assert.equal(dry.code, 1);
  assert.equal(dry.stderr, real.stderr);
  assert.match(dry.stderr, /"demo" is not empty: nothing was written/);
  assert.equal(dry.stdout, '');

  // Not writable for the user who runs it (the tests run as root, for whom every mode bit is
  // writable; nobody is who a read-only directory stops).
  const open = tempDir();
  chmodSync(open, 0o755);
  mkdirSync(join(open, 'ro'), { mode: 0o555 });
  chmodSync(join(open, 'ro'), 0o555);
  const asNobody = (args: string[]) =>
    spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args], {
      cwd: open, encoding: 'utf8', input: '', env: { ...process.env, NO_COLOR: '1', HOME: open },
    });
  for (const args of [['ro/demo', '--dry-run'], ['ro/demo'], ['ro', '--dry-run'], ['ro', '--name', 'ro']]) {
    const r = asNobody(args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^create-crash-demo: Cannot write the demo to "ro(\/demo)?": permission denied\. Choose another target directory\.\n$/);
  }
  assert.deepEqual(listTree(join(open, 'ro')), []);
});

test('an existing empty directory is used as is', () => {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'demo'));
  assert.equal(runBin(['demo'], cwd).code, 0);
  assert.ok(existsSync(join(cwd, 'demo', 'crash-demo.json')));
});

test('regenerating a demo keeps its saved answers; a flag changes only its own option', () => {
  const cwd = tempDir();
  assert.equal(runBin(['demo', '--runtime', 'node', '--crash', 'oom', '--workers', '3'], cwd).code, 0);
  const r = runBin(['demo', '--overwrite', '--pid1', 'shell'], cwd);
  assert.equal(r.code, 0, r.stderr);
  const saved = readJson(join(cwd, 'demo', 'crash-demo.json'));
  assert.equal(saved.options.runtime, 'node');
  assert.equal(saved.options.crash, 'oom');
  assert.equal(saved.options.workers, 3);
  assert.equal(saved.options.pid1, 'shell');
  // FACTS §1/§4: a shell as PID 1, a worker over the memory limit on a cgroup v2 node: 137, OOMKilled.
  assert.equal(saved.outcome.containerExits, true);
  assert.equal(saved.outcome.exitCode, 137);
  assert.equal(saved.outcome.reason, 'OOMKilled');
  assert.equal(saved.outcome.pid1, 'sh');
});

test('invalid saved answers are named as such, not blamed on a flag, and nothing is written', () => {
  const cwd = tempDir();
  assert.equal(runBin(['demo'], cwd).code, 0);
  const file = join(cwd, 'demo', 'crash-demo.json');
  const saved = readJson(file);
  saved.options.runtime = 'ruby';
  writeFileSync(file, JSON.stringify(saved));
  const before = listTree(join(cwd, 'demo'));
  const r = runBin(['demo', '--overwrite'], cwd);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /The saved answers \(crash-demo\.json\) have runtime = "ruby", which is not valid: give --runtime explicitly/);
  assert.deepEqual(listTree(join(cwd, 'demo')), before);
  assert.equal(runBin(['demo', '--overwrite', '--runtime', 'node'], cwd).code, 0);
});

test('a target below a file is refused with one line, not a stack trace', () => {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'afile'), 'a file');
  const r = runBin(['afile/sub', '--name', 'demo'], cwd);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^create-crash-demo: Cannot write the demo to "afile\/sub": "afile" is a file, not a directory\. Choose another target directory\.\n$/);
  assert.deepEqual(listTree(cwd), ['afile']);
});

test('a target on a kernel file system (/proc/x, /sys/x) is refused at once, in one line, and nothing is made there', () => {
  const cwd = tempDir();
  for (const [dir, fs] of [['/proc/x', 'proc'], ['/proc/self/x/y', 'proc'], ['/sys/x', 'sysfs']] as const) {
    for (const extra of [[], ['--dry-run']]) {
      const started = Date.now();
      const r = runBin([dir, ...extra], cwd, {}, 10_000);
      assert.ok(Date.now() - started < 10_000, `${dir}: answered within 10 s (Node's recursive mkdir loops forever on procfs)`);
      assert.equal(r.code, 1, `${dir}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^create-crash-demo: Cannot write the demo to "${dir}": "/\\S*" is on a kernel file system \\(${fs}\\), which holds no files of yours\\. Choose another target directory\\.\\n$`));
    }
    assert.equal(existsSync(dir), false);
  }
  assert.deepEqual(listTree(cwd), []);
});

test('a parent, or the target, that is a symbolic link to nothing is refused in one line naming the link, and the link stays', () => {
  const cwd = tempDir();
  symlinkSync(join(cwd, 'gone'), join(cwd, 'dangling'));
  for (const dir of ['dangling/demo', 'dangling', 'dangling/a/b']) {
    for (const extra of [[], ['--dry-run']]) {
      const r = runBin([dir, ...extra], cwd);
      assert.equal(r.code, 1, `${dir}: ${r.stdout}${r.stderr}`);
      assert.equal(
        r.stderr,
        `create-crash-demo: Cannot write the demo to "${dir}": "dangling" is a symbolic link to "${join(cwd, 'gone')}", which does not exist. Create that directory, or choose another target directory.\n`,
      );
    }
  }
  assert.equal(readlinkSync(join(cwd, 'dangling')), join(cwd, 'gone'));
  assert.deepEqual(readdirSync(cwd), ['dangling']);
});

test("'' is refused as an empty name, with the fix", () => {
  const cwd = tempDir();
  const r = runBin([''], cwd);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "create-crash-demo: The target directory is an empty name (''): name a new directory, e.g. my-demo, or use . for the current directory.\n");
  assert.deepEqual(listTree(cwd), []);
});

test('. is named as the current directory, with its path, and a refusal says how many of the demo\'s files are there', () => {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'notes.txt'), 'mine');
  const r = runBin(['.'], cwd);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `create-crash-demo: the current directory (${cwd}) is not empty: nothing was written. Choose a new directory, or pass --overwrite to add the demo's files beside the ones there (none of them is one of the demo's: they all stay).\n`,
  );
  writeFileSync(join(cwd, 'Dockerfile'), 'FROM mine');
  const two = runBin(['.'], cwd);
  assert.match(two.stderr, /pass --overwrite to replace the demo's files there \(1 of them is there already; every other file stays\)\.\n$/);
  assert.deepEqual(listTree(cwd), ['Dockerfile', 'notes.txt']);
});

test('a target outside the working directory is shown from ~ when it is under the home directory, else by its absolute path, never as ../..', () => {
  const home = tempDir();
  const cwd = tempDir();
  const r = runBin([join(home, 'talk'), '--yes'], cwd, { HOME: home });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Scaffolded ~\/talk\/: python/m);
  assert.match(r.stdout, /^  cd ~\/talk$/m);
  const elsewhere = tempDir();
  const abs = runBin([join(elsewhere, 'talk'), '--yes'], cwd, { HOME: home });
  assert.equal(abs.code, 0, abs.stderr);
  assert.ok(abs.stdout.startsWith(`Scaffolded ${join(elsewhere, 'talk')}/: python`), abs.stdout);
  assert.ok(abs.stdout.includes(`\n  cd ${join(elsewhere, 'talk')}\n`), abs.stdout);
  assert.doesNotMatch(r.stdout + abs.stdout, /\.\.\//);
  const refused = runBin([join(home, 'talk')], cwd, { HOME: home });
  assert.match(refused.stderr, /^create-crash-demo: "~\/talk" is not empty/);
});

test('a flag given twice with the same value is one answer, not a contradiction: accepted', () => {
  const cwd = tempDir();
  const r = runBin(['demo', '--runtime', 'node', '--runtime=node', '-y', '--yes'], cwd);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readJson(join(cwd, 'demo', 'crash-demo.json')).options.runtime, 'node');
});

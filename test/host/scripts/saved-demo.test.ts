// The scripts trust nothing in crash-demo.json: it is a file anyone can edit, and its values reach
// kubectl's argv and code run inside the pod. Every script checks it with the bin's own rules
// (src/shared/option-rules.mjs, the module src/generator/validate.ts uses) before it runs anything: a hand-edited
// value the bin would refuse ends the script with one line, and no tool was ever called.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, resolveOptions } from '../../../src/generator/validate.js'; // the bin's own words
import { makeBin, makeProject, kubeconfig, runScript } from '../../support/project.js';
import { requireCurrentBuild } from '../../support/build.js';

requireCurrentBuild();

/** A fresh demo whose crash-demo.json has these options changed by hand. */
function handEdited(changes: Record<string, unknown>, drop: string[] = []): string {
  const project = makeProject({ cluster: 'kind' });
  const file = join(project, 'crash-demo.json');
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  Object.assign(saved.options, changes);
  for (const key of drop) delete saved.options[key];
  writeFileSync(file, JSON.stringify(saved, null, 2));
  return project;
}

/** The message the bin gives for the same value as a flag. */
function binMessage(raw: Record<string, unknown>): string {
  try {
    resolveOptions(raw);
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error(`the bin accepts ${JSON.stringify(raw)}`);
}

const SCRIPTS = ['build', 'load', 'deploy', 'crash', 'inspect', 'watch', 'teardown', 'demo', 'rehearse'];

const EDITS: Array<[string, Record<string, unknown>]> = [
  ['a namespace that is a kubectl flag', { namespace: '--context=prod' }],
  ['a port that is code for the pod', { port: '8080/"); import os; os.system("id"); ("' }],
  ['a port that is not a number', { port: 'http' }],
  ['a port in hexadecimal', { port: '0x1F90' }],
  ['a namespace of the cluster itself', { namespace: 'kube-system' }],
  ['a name with a slash', { name: 'demo/../x' }],
];

describe('a hand-edited crash-demo.json the bin would refuse', { concurrency: true }, () => {
  for (const [what, changes] of EDITS) {
    const project = handEdited(changes);
    const [key, value] = Object.entries(changes)[0]!;
    for (const script of SCRIPTS) {
      test(`${what}: ${script} refuses it in one line with the bin's own message, and calls no tool at all`, async () => {
        const bin = makeBin({ kubectl: 'logged', docker: 'placeholder' });
        const r = await runScript(project, script, [], { bin, kubeconfig: kubeconfig('kind-demo') });
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
        const lines = r.stderr.trim().split('\n');
        assert.equal(lines.length, 1, r.stderr);
        const same = key === 'namespace' && value === 'kube-system' ? 'does not hold together: ' : `has ${key} = ${JSON.stringify(value)}, which is not valid (`;
        assert.ok(lines[0]!.startsWith(`✖ crash-demo.json ${same}`), lines[0]);
        assert.ok(lines[0]!.includes(binMessage({ [key]: value })), `the bin's message for ${key}: ${lines[0]}`);
        assert.deepEqual(bin.calls(), [], 'no kubectl, no docker');
      });
    }
  }

  test('a saved option that is missing is named, with how to regenerate', async () => {
    const project = handEdited({}, ['port']);
    const bin = makeBin({ kubectl: 'logged' });
    const r = await runScript(project, 'inspect', [], { bin, kubeconfig: kubeconfig('kind-demo') });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), '✖ crash-demo.json has no port: fix it in crash-demo.json, or regenerate the demo: npx create-crash-demo . --overwrite --port VALUE');
    assert.deepEqual(bin.calls(), []);
  });

  test('an option the table does not know is refused', async () => {
    const project = handEdited({ context: 'prod' });
    const bin = makeBin({ kubectl: 'logged' });
    const r = await runScript(project, 'deploy', [], { bin, kubeconfig: kubeconfig('kind-demo') });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^✖ crash-demo\.json has an unknown option "context": the options are name, runtime,/);
    assert.deepEqual(bin.calls(), []);
  });

  test('a number saved as a JSON number is as good as the generated one', async () => {
    const project = handEdited({ port: 9090 });
    const bin = makeBin({ kubectl: 'logged' });
    const r = await runScript(project, 'inspect', ['--dry-run'], { bin, kubeconfig: kubeconfig('kind-demo') });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.lines[1]!, /http:\/\/127\.0\.0\.1:9090\//);
  });
});

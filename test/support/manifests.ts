// Rendering a demo for tests: the option matrix, and the generated YAML parsed back into objects.
import { parseAllDocuments } from 'yaml';
import { renderDemo, resolveOptions, type Options, type RawOptions } from '../../src/index.js';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface RenderedCase {
  label: string;
  /** The options as given, before defaults. */
  raw: RawOptions;
  options: Options;
  files: Map<string, string>;
  /** Every object of every YAML file under k8s/, with the file it came from. */
  objects: Array<{ file: string; object: K8sObject }>;
}

/** Parses every document of a YAML text; throws with the file name on any YAML error or warning. */
export function parseDocs(text: string, file: string): unknown[] {
  return parseAllDocuments(text).flatMap((doc) => {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length) throw new Error(`${file}: ${problems.map((p) => p.message).join('; ')}`);
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [value];
  });
}

/** Renders one demo and parses its k8s/ files (the kustomization aside). */
export function renderCase(raw: RawOptions): RenderedCase {
  const options = resolveOptions(raw, { dir: 'crash-demo' });
  const files = new Map<string, string>();
  for (const [path, contents] of renderDemo(options)) files.set(path, contents.toString());
  const objects = [...files]
    .filter(([path]) => path.startsWith('k8s/') && path.endsWith('.yaml') && path !== 'k8s/kustomization.yaml')
    .flatMap(([file, text]) => parseDocs(text, file).map((object) => ({ file, object: object as K8sObject })));
  const label = Object.entries(raw)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  return { label: label || 'defaults', raw, options, files, objects };
}

const RUNTIMES = ['python', 'node'] as const;
const WORKLOADS = ['deployment', 'statefulset'] as const;
const CRASHES = ['exit-worker', 'kill-parent', 'halt-supervisor', 'oom', 'hang'] as const;
const TRIGGERS = ['http', 'random', 'timer', 'startup'] as const;
const PID1S = ['exec', 'shell', 'tini'] as const;

/** Every combination of the options that change the manifests, plus edge values of the free ones. */
export function optionMatrix(): RawOptions[] {
  const cases: RawOptions[] = [];
  for (const runtime of RUNTIMES)
    for (const workload of WORKLOADS)
      for (const crash of CRASHES)
        for (const trigger of TRIGGERS)
          for (const pid1 of PID1S)
            for (const fastBackoff of [false, true]) {
              const raw: RawOptions = { runtime, workload, crash, trigger, pid1, fastBackoff };
              if (trigger === 'random') raw.probability = 0.25;
              if (trigger === 'timer') raw.after = 7.5;
              cases.push(raw);
            }
  // --liveness off changes only the probe: once per crash mode and workload is enough.
  for (const runtime of RUNTIMES)
    for (const workload of WORKLOADS)
      for (const crash of CRASHES) cases.push({ runtime, workload, crash, liveness: 'off' });
  for (const workload of WORKLOADS) {
    cases.push(
      { workload, name: 'a', namespace: '0demo', port: 1024, workers: 1 },
      { workload, name: 'crash-only-backend', namespace: 'talks', port: 65535, workers: 16 },
      { workload, name: 'n'.repeat(workload === 'statefulset' ? 52 : 63), namespace: 'x'.repeat(63) },
      { workload, trigger: 'random', probability: 0 },
      { workload, trigger: 'random', probability: 1 },
      { workload, trigger: 'timer', after: 86400 },
    );
  }
  return cases;
}

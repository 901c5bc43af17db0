// The one options table. Prompts, CLI flags, --help, validation and the saved answers in
// crash-demo.json are all derived from it: add an option here and every face gets it.
import { FAST_BACKOFF_CLUSTERS, flagOf as sharedFlagOf, type Rule } from './option-rules.mjs';
import type { ClusterKind } from './clusters.mjs';

export interface ChoiceSpec {
  readonly kind: 'choice';
  readonly choices: Readonly<Record<string, string>>; // value -> one-line description
  readonly default: string;
}
export interface NumberSpec {
  readonly kind: 'number' | 'integer';
  readonly min: number;
  readonly max: number;
  readonly minExclusive?: boolean;
  readonly default: number;
  readonly unit?: string;
}
export interface BooleanSpec {
  readonly kind: 'boolean';
  readonly default: boolean;
}
export interface LabelSpec {
  readonly kind: 'label';
  /** RFC 1035 labels must start with a letter (Service names); plain DNS-1123 labels may start with a digit. */
  readonly startsWithLetter: boolean;
  readonly maxLength: number;
  /** null: derived from the target directory (see defaults in src/generator/validate.ts). */
  readonly default: string | null;
}

interface Common {
  readonly describe: string;
  readonly prompt: string;
  /** Asked first at a terminal: these decide what will happen, which is shown before the rest is offered. */
  readonly decidesOutcome?: true;
  /** Asked only when this holds for the answers so far; otherwise the default stands silently. */
  readonly askWhen?: (answers: Partial<OptionsShape>) => boolean;
}

export type OptionSpec = Common & (ChoiceSpec | NumberSpec | BooleanSpec | LabelSpec);

/** The article this demo grew from, named wherever the options refer to it. */
export const ARTICLE = '"Why My Flask App Refused to Crash"';

// Loose shape used while answers are still being collected.
type OptionsShape = Record<string, string | number | boolean>;

export const OPTIONS = {
  name: {
    kind: 'label',
    startsWithLetter: true,
    maxLength: 63,
    default: null,
    describe: 'app, image and Kubernetes resource name (default: the directory name)',
    prompt: 'Name of the app, image and Kubernetes resources',
  },
  runtime: {
    kind: 'choice',
    choices: {
      python: 'Flask under gunicorn (pre-fork master + sync workers)',
      node: 'node:http workers under a node:cluster primary',
    },
    default: 'python',
    describe: 'the app and its pre-fork supervisor',
    decidesOutcome: true,
    prompt: 'Runtime',
  },
  crash: {
    kind: 'choice',
    choices: {
      'exit-worker': 'the worker exits; the supervisor respawns it (the container never crashes)',
      'kill-parent': `the worker sends SIGKILL to its parent, the supervisor (as in ${ARTICLE})`,
      'halt-supervisor': 'the worker makes the supervisor halt with exit code 4',
      oom: 'the worker allocates memory until the memory limit kills it',
      hang: 'every worker stops answering and nothing exits (the supervisor and PID 1 stay up)',
    },
    default: 'kill-parent',
    describe: 'what the worker does when the crash fires',
    decidesOutcome: true,
    prompt: 'Crash mode',
  },
  pid1: {
    kind: 'choice',
    choices: {
      exec: 'the supervisor itself is PID 1 (exec-form CMD)',
      shell: `a /bin/sh script that runs the supervisor without exec (the gunicorn-run.sh of ${ARTICLE})`,
      tini: 'tini is PID 1, the supervisor its child',
    },
    default: 'tini',
    describe: 'who is PID 1 in the container',
    decidesOutcome: true,
    prompt: 'Who is PID 1 in the container',
  },
  liveness: {
    kind: 'choice',
    choices: {
      on: 'a liveness probe: the kubelet restarts a container that stops answering (fast for --crash hang)',
      off: 'no liveness probe: nothing restarts a container that stops answering, and the pod stays Running',
    },
    default: 'on',
    describe: 'whether the pod has a liveness probe',
    decidesOutcome: true,
    prompt: 'Liveness probe',
    // Only a hang is what a liveness probe is for; the other crash modes keep today's lenient probe
    // unless a flag says otherwise.
    askWhen: (a) => a['crash'] === 'hang',
  },
  trigger: {
    kind: 'choice',
    choices: {
      http: 'POST /crash fires it',
      random: 'every request fires it with a probability (--probability)',
      timer: 'each worker fires it N seconds after it booted (--after)',
      startup: 'the first worker fires it right after boot',
    },
    default: 'http',
    describe: 'when the crash fires',
    prompt: 'What fires the crash',
  },
  probability: {
    kind: 'number',
    min: 0,
    max: 1,
    default: 0.06,
    describe: `chance that a request fires the crash, for --trigger random (${ARTICLE} crashed ~6%)`,
    prompt: 'Probability that a request fires the crash (0..1)',
    askWhen: (a) => a['trigger'] === 'random',
  },
  after: {
    kind: 'number',
    min: 0,
    minExclusive: true,
    max: 86400,
    default: 30,
    unit: 'seconds',
    describe: 'seconds after a worker boots, for --trigger timer',
    prompt: 'Seconds after a worker boots until the crash fires',
    askWhen: (a) => a['trigger'] === 'timer',
  },
  workers: {
    kind: 'integer',
    min: 1,
    max: 16,
    default: 2,
    describe: 'worker processes under the supervisor',
    prompt: 'Worker processes',
  },
  workload: {
    kind: 'choice',
    choices: {
      deployment: 'a Deployment (pod names get a random suffix)',
      statefulset: `a StatefulSet (pod <name>-0, as in ${ARTICLE})`,
    },
    default: 'deployment',
    describe: 'Kubernetes workload kind',
    prompt: 'Kubernetes workload',
  },
  namespace: {
    kind: 'label',
    startsWithLetter: false,
    maxLength: 63,
    default: 'crash-demo',
    describe: 'Kubernetes namespace the scripts deploy into',
    prompt: 'Kubernetes namespace',
  },
  port: {
    kind: 'integer',
    min: 1024,
    max: 65535,
    default: 8080,
    describe: 'container port the app listens on',
    prompt: 'Container port',
  },
  cluster: {
    kind: 'choice',
    choices: {
      auto: 'decide from the current kube context',
      kind: 'kind load docker-image',
      minikube: 'minikube image load',
      k3d: 'k3d image import',
      'docker-desktop': 'nothing to load: the cluster shares the Docker engine',
      containerd: 'ctr -n k8s.io images import: a node on this machine running containerd (kubeadm, or a binaries set-up)',
    } satisfies Record<'auto' | ClusterKind, string>, // every kind of shared/clusters.mjs, and no other
    default: 'auto',
    describe: 'how the scripts put the image into the cluster',
    prompt: 'Local cluster',
  },
  fastBackoff: {
    kind: 'boolean',
    default: false,
    describe: 'also write a kind cluster config that shortens the kubelet\'s crash-loop back-off (kind, or the kubelet settings for a node of your own)',
    prompt: 'Write a kind config with the shorter crash-loop back-off?',
    askWhen: (a) => (FAST_BACKOFF_CLUSTERS as readonly string[]).includes(String(a['cluster'] ?? 'auto')),
  },
} as const satisfies Record<string, OptionSpec>;

export type OptionKey = keyof typeof OPTIONS;
export const OPTION_KEYS = Object.keys(OPTIONS) as OptionKey[];

type ValueOf<S> = S extends { kind: 'choice'; choices: infer C }
  ? Extract<keyof C, string>
  : S extends { kind: 'number' | 'integer' }
    ? number
    : S extends { kind: 'boolean' }
      ? boolean
      : string;

/** The resolved, validated options of one demo. */
export type Options = { -readonly [K in OptionKey]: ValueOf<(typeof OPTIONS)[K]> };

export type Runtime = Options['runtime'];
export type CrashMode = Options['crash'];
export type Pid1 = Options['pid1'];
export type Trigger = Options['trigger'];

export function choicesOf<K extends OptionKey>(key: K): string[] {
  const spec: OptionSpec = OPTIONS[key];
  return spec.kind === 'choice' ? Object.keys(spec.choices) : [];
}

/** `fastBackoff` -> `--fast-backoff` (the rule lives with the other shared ones, for the scripts) */
export function flagOf(key: OptionKey): string {
  return sharedFlagOf(key);
}

/**
 * The options table as the scripts' shared rules (shared/option-rules.mjs) read it: each option's kind
 * and bounds, without the prompts and descriptions. The scripts check crash-demo.json against it.
 */
export function optionRules(): Record<string, Rule> {
  return Object.fromEntries(
    Object.entries(OPTIONS).map(([key, spec]) => {
      const { describe: _d, prompt: _p, askWhen: _a, decidesOutcome: _o, ...rule } = spec as typeof spec & { askWhen?: unknown; decidesOutcome?: unknown };
      return [key, ('choices' in rule ? { ...rule, choices: Object.keys(rule.choices) } : rule) as Rule];
    }),
  );
}

// --help, generated from the options table so it cannot drift from the flags.
import { OPTIONS, OPTION_KEYS, flagOf, type OptionSpec } from '../shared/options.js';
import { CONTROL_FLAGS } from './args.js';

function placeholder(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'choice':
      return Object.keys(spec.choices).join('|');
    case 'boolean':
      return '';
    case 'label':
      return 'name';
    default:
      return spec.minExclusive ? (spec.unit ?? 'number') : `${spec.min}..${spec.max}`;
  }
}

function defaultText(spec: OptionSpec): string {
  if (spec.default === null) return '';
  if (spec.kind === 'boolean') return spec.default ? ' (default: on)' : ' (default: off)';
  const range = (spec.kind === 'number' || spec.kind === 'integer') && spec.minExclusive ? `, more than ${spec.min} and at most ${spec.max}` : '';
  return ` (default: ${spec.default})${range}`;
}

export function helpText(version: string): string {
  const lines = [
    `create-crash-demo ${version}`,
    '',
    'Scaffolds a demo that puts a Kubernetes pod into CrashLoopBackOff on purpose, for the right reason,',
    'and says in advance what the container and Kubernetes will do.',
    '',
    'Usage:',
    '  npm init crash-demo [dir] -- [flags]',
    '  npx create-crash-demo [dir] [flags]',
    '',
    'Without a terminal (CI, a pipe) or with --yes it asks nothing and uses the defaults.',
    '',
    'Demo flags:',
  ];
  for (const key of OPTION_KEYS) {
    const spec: OptionSpec = OPTIONS[key];
    const ph = placeholder(spec);
    lines.push(`  ${flagOf(key)}${ph ? ` <${ph}>` : ''}`);
    lines.push(`      ${spec.describe}${defaultText(spec)}`);
    if (spec.kind === 'choice') {
      const width = Math.max(...Object.keys(spec.choices).map((c) => c.length));
      for (const [value, text] of Object.entries(spec.choices)) lines.push(`        ${value.padEnd(width)}  ${text}`);
    }
  }
  lines.push('', 'Other flags:');
  for (const [flag, spec] of Object.entries(CONTROL_FLAGS)) {
    lines.push(`  ${spec.short ? `-${spec.short}, ` : ''}--${flag}`.padEnd(20) + spec.describe);
  }
  lines.push(
    '',
    'Examples:',
    '  npx create-crash-demo my-demo',
    '  npx create-crash-demo my-demo --runtime node --crash kill-parent --pid1 exec --yes',
    '  npx create-crash-demo my-demo --trigger random --probability 0.06 --dry-run --json',
    '',
  );
  return lines.join('\n');
}

// What the user reads at the end: the predicted outcome and the exact next commands.
// Pure text, shared by the bin and the Yeoman generator.
import type { Options } from '../shared/options.js';
import type { Outcome } from './outcome.js';
import { clusterCreator } from '../shared/clusters.mjs';

function wrap(text: string, width = 96, indent = '  '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && (line + ' ' + word).length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

export function outcomeLines(o: Options, outcome: Outcome): string[] {
  const lines = ['What will happen', ...wrap(outcome.headline), '', ...wrap(outcome.why), ''];
  lines.push(
    `  PID 1 in the container: ${outcome.pid1}`,
    `  The crash fires: ${outcome.repeats}`,
    outcome.killedBy === 'liveness'
      ? `  kubectl get pods: ${outcome.statusCycle.join(' -> ')}, RESTARTS grows; last state: exit code ${outcome.exitCode}, reason ${outcome.reason} (the liveness probe's kill, in the events)`
      : outcome.containerExits
        ? `  kubectl get pods: ${outcome.statusCycle.join(' -> ')}; last state: exit code ${outcome.exitCode}, reason ${outcome.reason}`
        : '  kubectl get pods: Running, RESTARTS stays 0',
  );
  for (const alt of outcome.elsewhere) {
    lines.push('', `  On ${alt.where}:`, ...wrap(alt.why, 94, '    '));
  }
  return lines;
}

/**
 * The commands to run next; only scripts the demo really has are offered. `vendored`: the packed
 * create-crash-demo the demo installs from (planDemo's), or null when it pins the registry's.
 */
export function nextSteps(relDir: string, o: Options, scripts: string[], vendored: string | null = null): string[] {
  const lines = ['Next'];
  if (relDir !== '.' && relDir !== '') lines.push(`  cd ${/\s/.test(relDir) ? JSON.stringify(relDir) : relDir}`);
  if (vendored) {
    lines.push(`  npm install         # create-crash-demo from ${vendored} (this copy, packed), zx from npm`);
  } else lines.push('  npm install');
  const has = (s: string) => scripts.includes(s);
  const tool = clusterCreator(o.cluster);
  if (has('cluster') && tool) {
    lines.push(`  npm run cluster     # no local cluster yet? a ${tool} cluster named ${o.name}${o.fastBackoff ? ', with the shorter back-off' : ''}`);
  }
  if (has('demo')) lines.push('  npm run demo        # build, load into your local cluster, deploy, crash, watch');
  else {
    for (const s of ['build', 'load', 'deploy', 'crash', 'watch'].filter(has)) lines.push(`  npm run ${s}`);
  }
  if (has('rehearse')) lines.push("  npm run rehearse    # no cluster? the real image on Docker, restarted on the kubelet's schedule");
  lines.push('  (README.md in the demo walks through every step)');
  return lines;
}

// @ts-check
// What rehearse says around the view: the banner that tells what this is before anything runs, and
// the closing lines that hold what was seen against what crash-demo.json predicts here.
import { goDuration, scheduleDelays } from '../kube/backoff.mjs';
import { CRASH_MARK } from '../plumbing/engine.mjs';
import { selfFiring } from '../crash/firing.mjs';

/** @typedef {{ exitCode: number | null, reason: string | null, containerExits: boolean, killedBy?: string, podStatus: string, headline: string, where: string, why: string, elsewhere?: Array<{ where: string, why: string, containerExits: boolean, exitCode: number | null, reason: string | null, podStatus: string }> }} Outcome */
/** @import { RehearsalPlan } from './rehearsal-plan.mjs' */

/**
 * The waits before restarts 2 .. count, as the kubelet prints them: `10s 20s 40s`.
 * @param {number} count
 * @param {import('../kube/backoff.mjs').Schedule} schedule
 */
export function restartWaits(count, schedule) {
  return scheduleDelays(count, schedule).slice(1).map(goDuration).join(' ');
}

/**
 * What crash-demo.json predicts where this runs (a container engine, not Kubernetes).
 * @param {Outcome} outcome
 */
function engineOutcome(outcome) {
  const here = (outcome.elsewhere ?? []).find((e) => /docker|podman/i.test(e.where));
  return here ?? outcome;
}

/** @param {{ containerExits: boolean, killedBy?: string, exitCode: number | null, reason: string | null }} b */
function describeBehaviour(b) {
  // A hang: only the kubelet's liveness probe ends it, which no container engine has.
  if (b.killedBy === 'liveness') return `the liveness probe fails and the kubelet stops the container (exit ${b.exitCode}, ${b.reason}) and restarts it at once`;
  return b.containerExits ? `the container exits ${b.exitCode} (${b.reason}), so it crash-loops` : 'the container keeps running, RESTARTS stays 0';
}

/**
 * How the crash gets fired here, in one line.
 * @param {RehearsalPlan} plan
 * @param {boolean} keys c and q work (stdin is a terminal)
 */
function howToFire(plan, keys) {
  const self = selfFiring(plan.options);
  if (self) return `The crash: ${self}.`;
  if (plan.probePort === null) return 'The crash fires on POST /crash, which is not reachable from here (--no-publish or another address).';
  return `Fire the crash: ${keys ? 'press c (q quits), or ' : ''}from another terminal: curl -X POST http://127.0.0.1:${plan.probePort}/crash`;
}

/**
 * The lines that say what this is, before anything runs.
 * @param {RehearsalPlan} o
 */
export function rehearsalBanner(o) {
  const lines = [
    `REHEARSAL on ${o.engine}, not Kubernetes: the real image ${o.image} runs as container ${o.name}, and each time it exits`,
    `this script restarts it as the kubelet's restartPolicy: Always would: at once, then after ${restartWaits(7, o.schedule)} ...`,
    `(${o.schedule.name}; forgiven after ${goDuration(o.schedule.resetAfterSeconds)} of running).`,
    'STATUS, RESTARTS and the back-off messages are what kubectl would print for such a pod; there is no kubelet and no pod.',
    `Memory limit ${o.memory.quantity} (from ${o.memory.source}), as in the pod spec. ` +
      (o.probePort !== null ? `Readiness: GET 127.0.0.1:${o.probePort}/readyz.` : 'No readiness check (the app is not reachable from here): READY shows 1/1 while running.'),
    howToFire(o, Boolean(process.stdin.isTTY)),
  ];
  const here = engineOutcome(o.outcome);
  if (here !== o.outcome) {
    lines.push(
      `crash-demo.json predicts on ${o.outcome.where}: ${describeBehaviour(o.outcome)}.`,
      `Here (${here.where}) it predicts something else: ${describeBehaviour(here)}. ${here.why}`,
    );
  } else {
    lines.push(`crash-demo.json predicts: ${o.outcome.headline}`);
  }
  return lines.join('\n');
}

/**
 * @typedef {object} Seen  what the rehearsal saw besides the pod states
 * @property {number} crashLines the app's crash lines: how often the crash really fired
 * @property {string[]} outsideKills exits with no crash line in that run's log
 * @property {boolean} quit q pressed
 * @property {boolean} reached --until ended it
 */

/**
 * The lines after the view's summary: the last state against the prediction, and what fired.
 * @param {RehearsalPlan} o
 * @param {{ lastRestarts: number | null, lastExitCode: number | null, lastReason: string | null } | undefined} last the container's summary
 * @param {Seen} seen
 */
export function closingLines(o, last, seen) {
  const here = engineOutcome(o.outcome);
  const lines = [];
  if (last) {
    const exit = last.lastExitCode !== null ? `last exit ${last.lastExitCode} (${last.lastReason})` : 'no exit';
    const where = here === o.outcome ? 'crash-demo.json predicts' : `crash-demo.json predicts on ${here.where}`;
    lines.push(`  ${where}: ${describeBehaviour(here)}; seen: RESTARTS ${last.lastRestarts ?? 0}, ${exit}`);
  }
  if (seen.outsideKills.length > 0) {
    lines.push(`  ${seen.outsideKills.length} exit(s) were not the demo's crash (no crash line in the app's log; stopped from outside): ${seen.outsideKills.join(', ')}`);
  }
  lines.push(
    seen.crashLines > 0
      ? `  the crash fired ${seen.crashLines} time(s) (its "${CRASH_MARK}" line in the app's log)`
      : `  the crash never fired (no "${CRASH_MARK}" line in the app's log)${o.cannotFire ? '' : ': press c while it runs, or pass --times N'}`,
  );
  if (o.until && !seen.reached && !seen.quit) lines.push(`  --until ${o.until.crashloop ? 'crashloop' : `${o.until.restarts}-restarts`} was not reached`);
  lines.push(`This was a rehearsal of the kubelet's restart policy on ${o.engine}; on a cluster: npm run demo (it deploys, fires the crash and watches).`);
  return lines;
}

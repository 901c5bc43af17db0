// @ts-check
// Whether and how a demo's crash fires, read from crash-demo.json: shared by crash, deploy, demo and
// rehearse.
import { fail } from '../plumbing/cli.mjs';

/** The most crashes one `--times` asks for. */
export const MAX_TIMES = 20;

/**
 * --times as a number, or a UsageError naming the value.
 * @param {unknown} value
 */
export function parseTimes(value) {
  const n = /^\d+$/.test(String(value)) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_TIMES)) fail(`--times ${JSON.stringify(value)} is not valid: use a whole number from 1 to ${MAX_TIMES}`);
  return n;
}

/**
 * Whether the crash ends the container (crash-demo.json's predicted outcome); false for an app
 * that "refuses to crash" because its supervisor replaces the worker.
 * @param {import('../plumbing/cli.mjs').Demo} demo
 */
export function containerExits(demo) {
  const outcome = /** @type {{ containerExits?: unknown } | null} */ (demo.outcome);
  return outcome?.containerExits === true;
}

/**
 * Whether repeated crashes end in CrashLoopBackOff (crash-demo.json's predicted outcome): false for
 * an app that refuses to crash, and for a hang the liveness probe ends (the kubelet restarts it at
 * once, and the pod stays Running).
 * @param {import('../plumbing/cli.mjs').Demo} demo
 */
export function crashLoops(demo) {
  const outcome = /** @type {{ podStatus?: unknown } | null} */ (demo.outcome);
  return containerExits(demo) && outcome?.podStatus === 'CrashLoopBackOff';
}

/**
 * How the crash fires when nobody POSTs it, or null for the http trigger.
 * @param {import('../plumbing/cli.mjs').DemoOptions} o
 */
export function selfFiring(o) {
  switch (o.trigger) {
    case 'random':
      return `trigger "random": every request, the kubelet's probes included, fires the crash with probability ${o.probability}; it will happen by itself (send traffic to make it sooner)`;
    case 'timer':
      return `trigger "timer": each worker fires the crash ${o.after}s after it booted; it will happen by itself`;
    case 'startup':
      return 'trigger "startup": the first worker fires the crash right after boot, on every container start; it already happens by itself';
    default:
      return null;
  }
}

// @ts-check
// No cluster? Rehearse the crash loop on Docker (or Podman): run the real image and, each time the
// container exits, restart it exactly when the kubelet's restart policy would (at once, then 10s,
// 20s, 40s ... 5m0s, or the --fast-backoff one), shown as watch shows a pod: STATUS, RESTARTS, the
// last exit, the back-off and a countdown. A rehearsal of the kubelet's restart policy, not
// Kubernetes: no kubelet, no pod, no probes other than a readiness check on loopback.
import {
  dryRun, main, outputFile, parseFlags, planRehearsal, REHEARSE_FLAGS, rehearsalBanner, rehearse,
  requireRehearsable, restartWaits, run,
} from 'create-crash-demo/scripts';

// ---- config -------------------------------------------------------------------------------------
/** @type {import('create-crash-demo/scripts').SessionConfig} */
const SESSION = {
  container: 'app', // the container's name in k8s/, so the kubelet's messages read the same
  readiness: { periodMs: 2000, timeoutMs: 1500, failureThreshold: 2 }, // as the pod's readinessProbe
  unreachableHintAfter: 5, // unanswered readiness checks after a start before saying what may be wrong (10 s)
  refireMs: 5000, // --times: the least time between two POSTs, so one crash is not fired twice while it happens
  keyLogLine: /<<<< crashing:|crash-demo: my parent pid=/, // the app's own lines worth showing: the crash, and what became of the parent
};

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'rehearse',
    summary:
      "Rehearse the crash loop without Kubernetes: run the real image with Docker or Podman (container <name>-rehearse) and, each time it exits, restart it on the kubelet's crash-loop schedule " +
      '(at once, then 10s 20s 40s 1m20s 2m40s 5m0s, or the --fast-backoff one, each up to half of it late, at most 30s, as the kubelet retries), shown as watch shows a pod. A rehearsal of the restart policy, not Kubernetes. ' +
      'Ctrl-C stops, removes the container and writes the timeline SVG.',
    flags: REHEARSE_FLAGS,
  });
  const plan = await planRehearsal(flags);
  const { engine, name, image, runFlags, schedule } = plan;
  const start = () => run`${engine} run ${runFlags} ${image}`; // --detach, the manifest's --memory, --read-only, ...
  if (dryRun()) {
    await start();
    process.stdout.write(`# on each exit: ${engine} start ${name}, at once, then after ${restartWaits(6, schedule)} ... (${schedule.name})\n`);
    await run`${engine} rm --force ${name}`;
    return;
  }
  // Output files are checked before the container starts, not found unwritable once it runs.
  const record = typeof flags['record'] === 'string' ? outputFile('--record', flags['record']) : null;
  const svg = flags['no-svg'] === true ? null : outputFile('--svg', String(flags['svg']));
  await requireRehearsable(plan);
  process.stderr.write(rehearsalBanner(plan) + '\n');
  await rehearse({
    ...plan,
    ...SESSION,
    record,
    svg,
    start, // the first run; each restart is `<engine> start`, when the schedule says
    remove: () => run`${engine} rm --force ${name}`,
  });
});

// @ts-check
// Watch the demo's pods go into CrashLoopBackOff: one line per change (STATUS exactly as kubectl
// prints it, restarts, the last exit, the kubelet's back-off and a countdown to the next restart),
// a summary against the kubelet's schedule, and a restart timeline SVG for slides.
// Live: `kubectl get pods -w -o json` (kubectl from zx, no client library). --replay plays a
// recording (--record) or a `kubectl get pod(s)` / `describe` dump through the same view.
import {
  asPods, createPrinter, createRecording, dryRun, fail, followPods, kubeArgs, kubeContext, main, onStop, parseFlags,
  podSelector, readDemo, replay, requireTool, runBackground, say, stopBackground, WATCH_FLAGS, watchOptions,
} from 'create-crash-demo/scripts';

/** @param {string} context the checked kube context @param {import('create-crash-demo/scripts').WatchOptions} o */
export async function watchLive(context, o) {
  const { options } = readDemo();
  await requireTool('kubectl');
  const args = [...kubeArgs(context), 'get', 'pods', '-n', options.namespace, '-l', podSelector(options), '-w', '-o', 'json'];
  const p = runBackground`kubectl ${args}`;
  if (!p) return; // --dry-run: the command was printed

  const recording = createRecording(o.record, ['kubectl', ...args], o.schedule);
  const printer = createPrinter({ ...o, ticking: true });
  // Asked to stop (--until, or a signal): kubectl's exit on our SIGTERM (1, 143 or the signal) is no failure.
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    void stopBackground(p);
  };
  // Ctrl-C, kill, a closed terminal: stop watching, then the summary and the SVG, exit 128 + signal.
  const signals = onStop(stop);

  printer.header();
  try {
    for await (const { time, values } of followPods(p)) {
      for (const value of values) {
        recording.write(time, value);
        for (const pod of asPods(value)) {
          if (printer.show({ time, pod })) stop();
        }
      }
      if (stopped) break;
    }
  } finally {
    printer.stop();
    void stopBackground(p); // kubectl runs detached: it must not outlive the watch, whatever ended the loop
    await recording.end();
  }
  const result = await p;
  signals.dispose();
  if (!stopped && result.exitCode !== 0) {
    const last = result.stderr.trim().split('\n').pop() ?? '';
    fail(`kubectl get pods -w failed (exit ${result.exitCode})${last ? `: ${last}` : ''}`);
  }
  printer.finish({ before: signals.received ? [`stopped by ${signals.received}`] : [], svg: o.svg, title: 'Restart timeline', record: o.record });
}

// ---- main ---------------------------------------------------------------------------------------
main(import.meta.url, async () => {
  const flags = parseFlags({
    script: 'watch',
    summary:
      'Follow the demo pods (kubectl get pods -w) and show each change as kubectl would, with the kubelet back-off, ' +
      'a countdown to when the next restart comes, and a summary against the kubelet schedule (10s 20s 40s 1m20s 2m40s 5m0s, ' +
      'or the --fast-backoff one). Ctrl-C stops and writes the timeline SVG.',
    flags: WATCH_FLAGS,
  });
  const o = watchOptions(flags);
  if (o.replay === null) return watchLive(await kubeContext(flags), o);
  if (dryRun()) return say(`--replay ${o.replay} runs no command`);
  replay(o.replay, o);
});

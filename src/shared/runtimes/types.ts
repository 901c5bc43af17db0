// What a runtime is to the rest of the package: every fact that differs between gunicorn and
// node:cluster, in one record per runtime (python.ts, node.ts), so no other module asks
// `runtime === 'python'`.

export interface RuntimeSpec {
  /** The pre-fork supervisor's argv, run from the project root. */
  supervisor: readonly string[];
  /** What /proc/1/comm says when the supervisor is PID 1 itself (--pid1 exec). */
  comm: string;
  /** The supervisor in a sentence ("gunicorn", "the node:cluster primary"). */
  supervisorName: string;
  /** The default base image: a tagged official slim image, never `latest`. */
  baseImage: string;
  /** How a worker that exited is replaced, for the outcome's "why". */
  replacesWorker: string;
  /** What the supervisor does with a worker that exits HALT_CODE, for the outcome's "why". */
  halts: (code: number) => string;
  /**
   * How long the supervisor gives workers that do not finish after SIGTERM before it exits anyway
   * (exit 0): gunicorn's graceful_timeout in app/gunicorn.conf.py, the primary's timer in
   * app/server.mjs. A hung worker never finishes, so a stop of a hung app takes exactly this.
   */
  stopLimitSeconds: number;
  /** What the supervisor does about a worker that is alive but silent (--crash hang), for the outcome's "why". */
  silentWorker: string;
  /** A GET of `url` run inside the container with the runtime's own interpreter (the images have no curl). */
  httpGet: (url: string) => string[];
}

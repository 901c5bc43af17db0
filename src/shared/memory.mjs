// @ts-check
// The app container's memory limit: the wall `--crash oom` runs into. Its formula lives here only:
// the manifest templates write it (template data `memory`), and rehearse falls back to it when the
// manifest has none. No I/O here, so the bin's bundle can read it too.

const BASE_MI = 96;
const PER_WORKER_MI = 16;

/** How the limit grows with the workers, in the words the manifest's comment and rehearse use. */
export const MEMORY_LIMIT_RULE = `${BASE_MI}Mi + ${PER_WORKER_MI}Mi per worker`;

/**
 * The limit as a Kubernetes quantity: enough for the supervisor and its idle workers, small enough
 * that an allocating worker reaches it in seconds.
 * @param {number} workers
 */
export function memoryLimit(workers) {
  return `${BASE_MI + PER_WORKER_MI * workers}Mi`;
}

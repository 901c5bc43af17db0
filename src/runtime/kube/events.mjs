// @ts-check
// From what kubectl shows to one normalised event per change of a container.
//
// Inputs, all turned into observations (a pod object, a table row or a bare event, plus the time
// it was seen when known):
// - `kubectl get pods -w -o json`: a stream of pretty-printed pod objects (createJsonSplitter);
// - `kubectl get pod(s) [-w] [-o wide]` tables (parseTable);
// - `kubectl get pod(s) -o json|yaml` dumps: a Pod, a List, or a `status`/`containerStatuses` excerpt;
// - `kubectl describe pod` (parseDescribe): the Containers section, else the kubelet's BackOff events;
// - any text quoting the kubelet's back-off messages (findBackoffMessages);
// - this tool's recordings: JSON lines, a header then {time, object} per observed pod (--record).
// A normaliser (createNormalizer) prints each pod the way kubectl does (podstatus.mjs) and emits an
// event only when something a viewer can see changed. rehearse feeds it pods built by syntheticPod().
import { YAML } from 'zx';
import { findBackoffMessages, parseBackoffMessage, scheduleFromRecording } from './backoff.mjs';
import { parseHumanDuration, printPod } from './podstatus.mjs';
import { isoTime } from '../plumbing/time.mjs';

/** @import { Pod } from './podstatus.mjs' */
/** @import { ContainerStatus } from './podstatus.mjs' */

/**
 * @typedef {object} WatchEvent
 * @property {string | null} time       when it was observed (ISO), null when the source has no clock
 * @property {number | null} ageSeconds the pod's AGE column, for table rows (their only clock)
 * @property {string | null} pod
 * @property {string | null} container  null for table rows (kubectl prints pods, not containers)
 * @property {string | null} ready      READY as kubectl prints it, e.g. `0/1`
 * @property {string | null} status     STATUS exactly as kubectl prints it
 * @property {number | null} restarts   the container's restartCount (table rows: RESTARTS)
 * @property {number | null} lastExitCode   exit code of the latest termination (current or last state)
 * @property {string | null} lastReason     its reason (Error, Completed, OOMKilled...)
 * @property {number | null} backoffSeconds the kubelet's announced back-off, parsed from its message
 * @property {string | null} message    the waiting (or terminated) message, verbatim
 * @property {string | null} startedAt      state.running.startedAt
 * @property {string | null} lastStartedAt  the latest termination's startedAt
 * @property {string | null} lastFinishedAt the latest termination's finishedAt
 */

/**
 * @typedef {object} Observation
 * @property {string | null} time
 * @property {Pod} [pod]
 * @property {Partial<WatchEvent>} [event]
 */

/**
 * @typedef {object} Parsed
 * @property {'recording' | 'json' | 'yaml' | 'table' | 'describe' | 'messages'} format
 * @property {Observation[]} observations
 * @property {string[]} notes  things worth telling that are not container states (kubelet events)
 * @property {import('./backoff.mjs').Schedule | null} [schedule] a recording's: the schedule it was recorded against
 */

export const RECORDING = 'crash-demo/watch';

/** @returns {WatchEvent} */
function blankEvent() {
  return {
    time: null,
    ageSeconds: null,
    pod: null,
    container: null,
    ready: null,
    status: null,
    restarts: null,
    lastExitCode: null,
    lastReason: null,
    backoffSeconds: null,
    message: null,
    startedAt: null,
    lastStartedAt: null,
    lastFinishedAt: null,
  };
}

/**
 * Drops what precedes the output itself: `#` comment lines (a fixture's source line, a pasted
 * prompt) and `$ kubectl ...` command lines.
 * @param {string} text
 */
export function stripPreamble(text) {
  const lines = text.split(/\r?\n/);
  let i = 0;
  while (i < lines.length && /^\s*(#|\$\s|$)/.test(lines[i] ?? '')) i++;
  return lines.slice(i).join('\n');
}

/**
 * Splits a stream of concatenated JSON values (kubectl -w -o json prints one pretty object per
 * change, JSON lines print one per line) into parsed values, chunk by chunk.
 */
export function createJsonSplitter() {
  let buf = '';
  let pos = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  return {
    /**
     * @param {string} chunk
     * @returns {unknown[]}
     */
    push(chunk) {
      buf += chunk;
      /** @type {unknown[]} */
      const out = [];
      for (; pos < buf.length; pos++) {
        const ch = buf[pos];
        if (inString) {
          if (escaped) escaped = false;
          else if (ch === '\\') escaped = true;
          else if (ch === '"') inString = false;
          continue;
        }
        if (ch === '"') inString = true;
        else if (ch === '{' || ch === '[') {
          if (depth === 0) start = pos;
          depth++;
        } else if ((ch === '}' || ch === ']') && depth > 0) {
          depth--;
          if (depth === 0) {
            out.push(JSON.parse(buf.slice(start, pos + 1)));
            buf = buf.slice(pos + 1);
            pos = -1;
            start = -1;
          }
        }
      }
      if (depth === 0 && start === -1) {
        buf = '';
        pos = 0;
      }
      return out;
    },
    /** True when a value was started but not finished (a cut-off stream). */
    get pending() {
      return depth > 0;
    },
  };
}

/** @param {unknown} v @returns {v is Record<string, any>} */
function isObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The pods in a parsed JSON/YAML value: a Pod, a List, a watch event {type, object}, or an excerpt
 * (`status:` or `containerStatuses:` pasted on its own, which identifies its pod by the back-off message).
 * @param {unknown} value
 * @returns {Pod[]}
 */
export function asPods(value) {
  if (Array.isArray(value)) return value.flatMap(asPods);
  if (!isObject(value)) return [];
  if (Array.isArray(value.items)) return value.items.flatMap(asPods);
  if (typeof value.type === 'string' && isObject(value.object)) return asPods(value.object);
  if (typeof value.kind === 'string' && value.kind !== 'Pod') return []; // a Deployment has status and metadata too
  if (value.kind === 'Pod' || (isObject(value.status) && (isObject(value.metadata) || isObject(value.spec)))) {
    return [/** @type {Pod} */ (value)];
  }
  const status = isObject(value.status) ? value.status : value;
  if (Array.isArray(status.containerStatuses) || Array.isArray(status.initContainerStatuses)) {
    return [excerptPod(status)];
  }
  return [];
}

/**
 * A pod around a bare status excerpt: containers named from their statuses (kubectl counts READY
 * against spec.containers), identity from the kubelet's back-off message when one is there.
 * @param {Record<string, any>} status
 * @returns {Pod}
 */
function excerptPod(status) {
  /** @type {ContainerStatus[]} */
  const statuses = status.containerStatuses ?? [];
  let ref = null;
  for (const cs of [...statuses, ...(status.initContainerStatuses ?? [])]) {
    ref ??= parseBackoffMessage(cs?.state?.waiting?.message);
  }
  /** @type {Pod['metadata']} */
  const metadata = {};
  if (ref?.pod) metadata.name = ref.pod;
  if (ref?.namespace) metadata.namespace = ref.namespace;
  if (ref?.uid) metadata.uid = ref.uid;
  return {
    metadata,
    spec: { containers: statuses.map((c) => ({ name: c.name })) },
    status: /** @type {Pod['status']} */ (status),
  };
}

/**
 * One event per container of a pod, as kubectl would show the pod at that moment.
 * @param {Pod} pod
 * @param {{ time?: string | null, now?: number }} [opts] now: the clock for kubectl's ages
 * @returns {WatchEvent[]}
 */
export function eventsFromPod(pod, opts = {}) {
  const time = opts.time ?? null;
  const now = opts.now ?? (time ? Date.parse(time) : Date.now());
  const row = printPod(pod, { now });
  const statuses = pod.status?.containerStatuses ?? [];
  const name = pod.metadata?.name || null;
  if (statuses.length === 0) {
    return [{ ...blankEvent(), time, pod: name, ready: row.ready, status: row.status, restarts: row.restarts }];
  }
  return statuses.map((cs) => {
    const state = cs.state ?? {};
    const term = state.terminated ?? cs.lastState?.terminated ?? null;
    const message = state.waiting?.message ?? state.terminated?.message ?? null;
    const backoff = state.waiting?.reason === 'CrashLoopBackOff' ? parseBackoffMessage(message) : null;
    return {
      ...blankEvent(),
      time,
      pod: name,
      container: cs.name,
      ready: row.ready,
      status: row.status,
      restarts: cs.restartCount ?? 0,
      lastExitCode: term?.exitCode ?? null,
      lastReason: term?.reason || null,
      backoffSeconds: backoff?.backoffSeconds ?? null,
      message: message === null ? null : message.replace(/\s+/g, ' ').trim(),
      startedAt: isoTime(state.running?.startedAt),
      lastStartedAt: isoTime(term?.startedAt),
      lastFinishedAt: isoTime(term?.finishedAt),
    };
  });
}

/**
 * Emits events only for what changed, per pod and container.
 * @param {{ now?: () => number }} [opts] now: the clock for kubectl's ages when an observation has no time
 */
export function createNormalizer(opts = {}) {
  /** @type {Map<string, string>} */
  const last = new Map();
  return {
    /**
     * @param {Observation} obs
     * @returns {WatchEvent[]}
     */
    push(obs) {
      /** @type {WatchEvent[]} */
      let events;
      if (obs.pod) {
        /** @type {{ time: string | null, now?: number }} */
        const o = { time: obs.time };
        if (!obs.time && opts.now) o.now = opts.now();
        events = eventsFromPod(obs.pod, o);
      } else if (obs.event) {
        events = [{ ...blankEvent(), ...obs.event, time: obs.time ?? obs.event.time ?? null }];
      } else {
        events = [];
      }
      return events.filter((e) => {
        const key = `${e.pod ?? ''}/${e.container ?? ''}`;
        const { time: _t, ageSeconds: _a, ...seen } = e;
        const sig = JSON.stringify(seen);
        if (last.get(key) === sig) return false;
        last.set(key, sig);
        return true;
      });
    },
  };
}

/**
 * Rows of `kubectl get pod(s)` output, with or without -o wide, -w and --all-namespaces.
 * RESTARTS may read `5 (2m40s ago)` (kubectl 1.22+).
 * @param {string} text
 * @returns {Partial<WatchEvent>[]}
 */
export function parseTable(text) {
  /** @type {Partial<WatchEvent>[]} */
  const rows = [];
  let withNamespace = false;
  let inTable = false;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*(NAMESPACE\s+)?NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\b/.exec(line);
    if (header) {
      withNamespace = Boolean(header[1]);
      inTable = true;
      continue;
    }
    if (!inTable) continue;
    const re = withNamespace
      ? /^\s*\S+\s+(\S+)\s+(\d+\/\d+)\s+(\S+)\s+(\d+)(?:\s+\((\S+) ago\))?\s+(\S+)(?:\s+.*)?$/
      : /^\s*(\S+)\s+(\d+\/\d+)\s+(\S+)\s+(\d+)(?:\s+\((\S+) ago\))?\s+(\S+)(?:\s+.*)?$/;
    const m = re.exec(line);
    if (!m) continue;
    rows.push({
      pod: m[1] ?? null,
      ready: m[2] ?? null,
      status: m[3] ?? null,
      restarts: Number(m[4]),
      ageSeconds: parseHumanDuration(m[6] ?? ''),
    });
  }
  return rows;
}

/**
 * `kubectl describe pod` output: one pod per `Name:` block, built from its Containers section; and
 * the kubelet events listed under `Events:`.
 * @param {string} text
 * @returns {{ pods: Pod[], events: Array<{ type: string, reason: string, age: string, from: string, message: string }> }}
 */
export function parseDescribe(text) {
  /** @type {Pod[]} */
  const pods = [];
  /** @type {Array<{ type: string, reason: string, age: string, from: string, message: string }>} */
  const events = [];
  /** @type {Pod | null} */
  let pod = null;
  /** @type {'containers' | 'init' | 'events' | null} */
  let section = null;
  /** @type {(ContainerStatus & { state: any, lastState: any }) | null} */
  let cs = null;
  /** @type {'state' | 'lastState' | null} */
  let sub = null;

  const newPod = () => {
    /** @type {Pod} */
    const p = { metadata: {}, spec: { containers: [], initContainers: [] }, status: { containerStatuses: [], initContainerStatuses: [] } };
    pods.push(p);
    return p;
  };

  for (const line of text.split(/\r?\n/)) {
    const top = /^([A-Z][A-Za-z ]*):\s*(.*)$/.exec(line);
    if (top) {
      const [, key, value] = /** @type {[string, string, string]} */ (/** @type {unknown} */ (top));
      section = null;
      cs = null;
      if (key === 'Name') {
        pod = newPod();
        /** @type {NonNullable<Pod['metadata']>} */ (pod.metadata).name = value;
      } else {
        pod ??= newPod();
        const meta = /** @type {NonNullable<Pod['metadata']>} */ (pod.metadata);
        const status = /** @type {NonNullable<Pod['status']>} */ (pod.status);
        if (key === 'Namespace') meta.namespace = value;
        else if (key === 'Status') status.phase = value.split(/\s/)[0] ?? value;
        else if (key === 'Reason') status.reason = value;
        else if (key === 'Containers') section = 'containers';
        else if (key === 'Init Containers') section = 'init';
        else if (key === 'Events') section = 'events';
      }
      continue;
    }
    if (!pod || !section) continue;
    if (section === 'events') {
      const cells = line.trim().split(/\s{2,}/);
      const [type, reason, age, from, ...rest] = cells;
      if ((type === 'Normal' || type === 'Warning') && reason && age && from) {
        events.push({ type, reason, age, from, message: rest.join('  ') });
      }
      continue;
    }
    const spec = /** @type {NonNullable<Pod['spec']>} */ (pod.spec);
    const status = /** @type {NonNullable<Pod['status']>} */ (pod.status);
    const name = /^ {2}([^\s:][^:]*):\s*$/.exec(line);
    if (name) {
      cs = { name: name[1] ?? '', ready: false, restartCount: 0, state: {}, lastState: {} };
      sub = null;
      if (section === 'init') {
        /** @type {NonNullable<typeof spec.initContainers>} */ (spec.initContainers).push({ name: cs.name });
        /** @type {ContainerStatus[]} */ (status.initContainerStatuses).push(cs);
      } else {
        /** @type {NonNullable<typeof spec.containers>} */ (spec.containers).push({ name: cs.name });
        /** @type {ContainerStatus[]} */ (status.containerStatuses).push(cs);
      }
      continue;
    }
    if (!cs) continue;
    const field = /^ {4}([A-Za-z][A-Za-z ]*):\s*(.*)$/.exec(line);
    if (field) {
      const [, key, value] = /** @type {[string, string, string]} */ (/** @type {unknown} */ (field));
      if (key === 'State' || key === 'Last State') {
        sub = key === 'State' ? 'state' : 'lastState';
        const kind = value.trim().toLowerCase();
        if (kind === 'waiting' || kind === 'running' || kind === 'terminated') cs[sub] = { [kind]: {} };
      } else {
        sub = null;
        if (key === 'Ready') cs.ready = value.trim() === 'True';
        else if (key === 'Restart Count') cs.restartCount = Number(value.trim());
        else if (key === 'Started') cs.started = value.trim() === 'True';
      }
      continue;
    }
    const detail = /^ {6}([A-Za-z][A-Za-z ]*):\s*(.*)$/.exec(line);
    if (detail && sub) {
      const [, key, value] = /** @type {[string, string, string]} */ (/** @type {unknown} */ (detail));
      const holder = cs[sub];
      const st = holder.waiting ?? holder.running ?? holder.terminated;
      if (!st) continue;
      const v = value.trim();
      if (key === 'Reason') st.reason = v;
      else if (key === 'Message') st.message = v;
      else if (key === 'Exit Code') st.exitCode = Number(v);
      else if (key === 'Signal') st.signal = Number(v);
      // describe's times read `Wed, 14 Jul 2021 19:52:22 +0000`: Date.parse takes them
      else if (key === 'Started') st.startedAt = isoTime(v);
      else if (key === 'Finished') st.finishedAt = isoTime(v);
    }
  }
  return { pods, events };
}

/**
 * Observations from a describe: the containers when the Containers section is there, otherwise the
 * kubelet's BackOff events (the kubelet emits one exactly when doBackOff() refuses a restart, which
 * sets the container's waiting reason to CrashLoopBackOff).
 * @param {string} text
 * @returns {Parsed}
 */
function fromDescribe(text) {
  const { pods, events } = parseDescribe(text);
  /** @type {Observation[]} */
  const observations = [];
  for (const pod of pods) {
    if ((pod.status?.containerStatuses ?? []).length > 0) observations.push({ time: null, pod });
  }
  const notes = events
    .filter((e) => e.from === 'kubelet' || e.from.startsWith('kubelet'))
    .map((e) => `kubelet event ${e.type} ${e.reason} (${e.age}): ${e.message}`);
  if (observations.length === 0) {
    for (const e of events) {
      if (e.reason !== 'BackOff') continue;
      const ref = parseBackoffMessage(e.message);
      if (!ref || ref.form !== 'event') continue;
      observations.push({
        time: null,
        event: {
          pod: ref.pod,
          container: ref.container,
          status: 'CrashLoopBackOff',
          backoffSeconds: null,
          message: e.message,
        },
      });
    }
  }
  return { format: 'describe', observations, notes };
}

/**
 * The header line of a recording: the command, when, and the schedule it ran against (its name,
 * and its numbers, so a replay compares with the same schedule wherever it is replayed).
 * @param {{ command: string[], startedAt: string, schedule: import('./backoff.mjs').Schedule }} h
 */
export function recordingHeader(h) {
  const { name, initialSeconds, maxSeconds } = h.schedule;
  return JSON.stringify({ recording: RECORDING, version: 1, command: h.command, startedAt: h.startedAt, schedule: name, backoff: { initialSeconds, maxSeconds } });
}

/**
 * What parsed values are, for a refusal that names what was found instead of pods.
 * @param {unknown[]} values
 */
function whatIsIn(values) {
  /** The first three distinct descriptions. @param {unknown[]} vs @param {(v: unknown) => string} describe @param {string} sep */
  const distinct = (vs, describe, sep) => [...new Set(vs.map(describe))].slice(0, 3).join(sep);
  /** @param {unknown} v @returns {string} */
  const one = (v) => {
    if (Array.isArray(v)) return v.length === 0 ? 'an empty array' : `an array of ${distinct(v, element, ', ')}`;
    if (!isObject(v)) return v === null ? 'null' : `a ${typeof v}`;
    const kind = typeof v.kind === 'string' ? v.kind : 'list';
    if (Array.isArray(v.items)) return v.items.length === 0 ? `an empty ${kind}` : `a ${kind} of ${distinct(v.items, one, ', ')}`;
    if (typeof v.kind === 'string') return `a ${v.kind}`;
    const keys = Object.keys(v);
    return keys.length === 0 ? 'an empty object' : `an object with ${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', ...' : ''}`;
  };
  /** @param {unknown} v */
  const element = (v) => (isObject(v) || Array.isArray(v) ? one(v) : v === null ? 'nulls' : `${typeof v}s`);
  return values.length === 0 ? 'nothing' : distinct(values, one, '; ');
}

/**
 * Pods that show as something: a Pod with neither a name nor container statuses (`{"kind":"Pod"}`)
 * would print as pod `?` with a blank STATUS.
 * @param {Pod[]} pods
 * @param {unknown[]} values what they came from, named when none is a pod
 * @returns {Pod[]}
 */
function checkedPods(pods, values) {
  if (pods.length === 0) throw new Error(`no pods in it: found ${whatIsIn(values)}`);
  for (const pod of pods) {
    const named = typeof pod.metadata?.name === 'string' && pod.metadata.name !== '';
    if (!named && (pod.status?.containerStatuses ?? []).length === 0) {
      throw new Error('a Pod with neither metadata.name nor status.containerStatuses: there is nothing to show for it');
    }
  }
  return pods;
}

/**
 * One recording line: a pod as kubectl sent it, and when it arrived.
 * @param {string} time ISO
 * @param {unknown} object
 */
export function recordingLine(time, object) {
  return JSON.stringify({ time, object });
}

/**
 * Everything replayable: a recording, a JSON or YAML dump, a table, a describe, or a text quoting
 * back-off messages. Throws when nothing in it describes a pod.
 * @param {string} input
 * @returns {Parsed}
 */
export function parseObservations(input) {
  const text = stripPreamble(input);
  const first = text.trimStart()[0];
  /** @type {unknown[] | null} */
  let values = null;
  if (first === '{' || first === '[') {
    const splitter = createJsonSplitter();
    try {
      values = splitter.push(text);
    } catch (err) {
      // A log line starting with "[" is no JSON: try the other formats. An object is JSON or nothing.
      if (first === '{') throw new Error(`not valid JSON: ${err instanceof Error ? err.message : err}`);
      values = null;
    }
    if (values !== null && splitter.pending && (first === '{' || values.length > 0)) {
      throw new Error(`the JSON is cut off: it ends inside a value, after ${values.length} complete one(s)`);
    }
  }
  if (values !== null) {
    const head = values[0];
    if (isObject(head) && head.recording === RECORDING) {
      /** @type {Observation[]} */
      const observations = [];
      for (const v of values.slice(1)) {
        if (!isObject(v)) continue;
        for (const pod of asPods(v.object)) observations.push({ time: isoTime(v.time), pod });
      }
      if (observations.length === 0) {
        throw new Error(`a watch recording with no pods in it: its header, then ${whatIsIn(values.slice(1).map((v) => (isObject(v) ? v.object : v)))}`);
      }
      checkedPods(observations.map((o) => /** @type {Pod} */ (o.pod)), values);
      return { format: 'recording', observations, notes: [], schedule: scheduleFromRecording(head) };
    }
    const pods = checkedPods(values.flatMap(asPods), values);
    return { format: 'json', observations: pods.map((pod) => ({ time: null, pod })), notes: [] };
  }
  if (/^\s*(NAMESPACE\s+)?NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\b/m.test(text)) {
    const rows = parseTable(text);
    if (rows.length === 0) throw new Error('a kubectl table with its header only: no pod rows');
    return { format: 'table', observations: rows.map((event) => ({ time: null, event })), notes: [] };
  }
  if (/^(Containers|Events):\s*$/m.test(text) && /^[A-Z][A-Za-z ]*:\s/m.test(text)) {
    const parsed = fromDescribe(text);
    if (parsed.observations.length > 0) return parsed;
  }
  /** @type {unknown[]} */
  let docs = [];
  try {
    docs = YAML.parseAllDocuments(text).flatMap((doc) => (doc.errors.length > 0 ? [] : [doc.toJS()]));
  } catch {
    docs = [];
  }
  const pods = docs.flatMap(asPods);
  if (pods.length > 0) return { format: 'yaml', observations: checkedPods(pods, docs).map((pod) => ({ time: null, pod })), notes: [] };
  // YAML that is Kubernetes objects, none of them a pod (a Deployment, an empty List): say so.
  const objects = docs.filter((d) => isObject(d) && (typeof d.kind === 'string' || Array.isArray(d.items)));
  if (objects.length > 0) throw new Error(`no pods in it: found ${whatIsIn(objects)}`);
  const messages = findBackoffMessages(text).filter((m) => m.form === 'waiting');
  if (messages.length > 0) {
    return {
      format: 'messages',
      observations: messages.map((m) => ({
        time: null,
        event: {
          pod: m.pod,
          container: m.container,
          status: 'CrashLoopBackOff',
          backoffSeconds: m.backoffSeconds,
          message: m.text,
        },
      })),
      notes: [],
    };
  }
  throw new Error(
    'nothing to replay: expected a watch recording (--record), `kubectl get pod(s)` output (table, -o json or -o yaml), `kubectl describe pod`, or kubelet back-off messages',
  );
}

/**
 * A pod object for a container that is not in a cluster (rehearse runs it with Docker), so the same
 * printer, normaliser and view show it. Fields follow the kubelet's container statuses.
 * @param {object} p
 * @param {string} p.pod
 * @param {string} p.namespace
 * @param {string} p.uid
 * @param {string} p.container
 * @param {number} p.restartCount
 * @param {boolean} p.ready
 * @param {{ running?: { startedAt: string }, waiting?: { reason: string, message?: string }, terminated?: { exitCode: number, reason: string, startedAt?: string, finishedAt?: string } }} p.state
 * @param {{ terminated?: { exitCode: number, reason: string, startedAt?: string, finishedAt?: string } }} [p.lastState]
 * @param {string} [p.creationTimestamp]
 * @returns {Pod}
 */
export function syntheticPod(p) {
  return {
    metadata: { name: p.pod, namespace: p.namespace, uid: p.uid, creationTimestamp: p.creationTimestamp ?? null },
    spec: { containers: [{ name: p.container }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: p.ready ? 'True' : 'False' }],
      containerStatuses: [
        {
          name: p.container,
          ready: p.ready,
          started: Boolean(p.state.running),
          restartCount: p.restartCount,
          state: p.state,
          lastState: p.lastState ?? {},
        },
      ],
    },
  };
}

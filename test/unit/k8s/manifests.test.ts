// The generated Kubernetes manifests, for every option combination that changes them: valid against
// the official API schema (unknown fields included), Pod Security "restricted", and the kube-score /
// kube-linter rules of docs/FACTS.md §5.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IContainer, IPodTemplateSpec, IService } from 'kubernetes-models/v1';
import { DEMO_VERSION } from '../../../src/index.js';
import { optionMatrix, parseDocs, renderCase, type K8sObject, type RenderedCase } from '../../support/manifests.js';
import { schemaErrors } from '../../support/k8s-validate.js';
import { restrictedViolations } from '../../support/pod-security.js';
import { serviceProblems, workloadProblems, type WorkloadLike } from '../../support/workload-rules.js';

const CASES: RenderedCase[] = optionMatrix().map(renderCase);

function objectIn(c: RenderedCase, file: string): K8sObject {
  const found = c.objects.filter((o) => o.file === file);
  assert.equal(found.length, 1, `${c.label}: ${file} should hold exactly one object`);
  return found[0]!.object;
}
const workloadFile = (c: RenderedCase) => `k8s/${c.options.workload}.yaml`;
const workloadOf = (c: RenderedCase) => objectIn(c, workloadFile(c)) as K8sObject & WorkloadLike;
const templateOf = (c: RenderedCase) => (workloadOf(c).spec as { template: IPodTemplateSpec }).template;
const containerOf = (c: RenderedCase): IContainer => {
  const containers = templateOf(c).spec?.containers ?? [];
  assert.equal(containers.length, 1, `${c.label}: one container`);
  return containers[0]!;
};

/** Runs `check` on every case and fails once, listing every case that broke it. */
function forEveryCase(check: (c: RenderedCase) => string[]): void {
  const failures = CASES.flatMap((c) => check(c).map((problem) => `${c.label}: ${problem}`));
  assert.deepEqual(failures, []);
}

describe(`the Kubernetes manifests, for all ${CASES.length} option combinations`, () => {
  it('are one object per file, of the kind the file is named for', () => {
    forEveryCase((c) => {
      const expected: Record<string, string> = {
        'k8s/namespace.yaml': 'Namespace',
        'k8s/service.yaml': 'Service',
        [workloadFile(c)]: c.options.workload === 'statefulset' ? 'StatefulSet' : 'Deployment',
      };
      if (c.options.workload === 'statefulset') expected['k8s/service-headless.yaml'] = 'Service';
      const got = Object.fromEntries(
        Object.keys(expected).map((file) => [file, c.objects.filter((o) => o.file === file).map((o) => o.object.kind).join(',')]),
      );
      return JSON.stringify(got) === JSON.stringify(expected) ? [] : [`files hold ${JSON.stringify(got)}`];
    });
  });

  it('pass the official Kubernetes API schema, unknown fields rejected', () => {
    forEveryCase((c) => c.objects.flatMap(({ object }) => schemaErrors(object)));
  });

  it('meet the Pod Security Standards restricted profile, every check', () => {
    forEveryCase((c) => restrictedViolations(templateOf(c).spec!));
  });

  it('meet the kube-score / kube-linter rules: requests and limits, distinct probes, tagged image, read-only root', () => {
    forEveryCase((c) => workloadProblems(workloadOf(c), { liveness: c.options.liveness }));
  });

  it('have Services that select exactly the pods of the workload, through the named http port', () => {
    forEveryCase((c) => {
      const w = workloadOf(c);
      const services = c.objects.filter((o) => o.object.kind === 'Service').map((o) => o.object as unknown as IService);
      const matchLabels = w.spec?.selector?.matchLabels;
      return services.flatMap((svc) => [
        ...serviceProblems(svc, w),
        ...(JSON.stringify(svc.spec?.selector) === JSON.stringify(matchLabels)
          ? []
          : [`Service ${svc.metadata?.name} selector ${JSON.stringify(svc.spec?.selector)} != ${JSON.stringify(matchLabels)}`]),
      ]);
    });
  });

  it('label every object with app.kubernetes.io/*, and select pods on name and instance only', () => {
    forEveryCase((c) => {
      const { name } = c.options;
      const full = {
        'app.kubernetes.io/name': name,
        'app.kubernetes.io/instance': name,
        'app.kubernetes.io/version': DEMO_VERSION,
        'app.kubernetes.io/component': 'backend',
        'app.kubernetes.io/part-of': 'crash-demo',
        'app.kubernetes.io/managed-by': 'kustomize',
      };
      const problems: string[] = [];
      for (const { object } of c.objects) {
        if (object.kind === 'Namespace') continue;
        if (JSON.stringify(object.metadata.labels) !== JSON.stringify(full)) {
          problems.push(`${object.kind} ${object.metadata.name} labels ${JSON.stringify(object.metadata.labels)}`);
        }
      }
      const w = workloadOf(c);
      if (JSON.stringify(templateOf(c).metadata?.labels) !== JSON.stringify(full)) problems.push('pod template labels differ');
      const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
      if (JSON.stringify(w.spec?.selector?.matchLabels) !== JSON.stringify(selector)) problems.push('workload selector differs');
      return problems;
    });
  });

  it('keep every object out of any namespace: the kustomization sets it', () => {
    forEveryCase((c) => c.objects.filter((o) => o.object.metadata.namespace !== undefined).map((o) => `${o.file} sets a namespace`));
  });

  it('run one replica of the image the demo builds, never pulled, restarted always', () => {
    for (const c of CASES) {
      const w = workloadOf(c);
      const pod = templateOf(c).spec!;
      const container = containerOf(c);
      assert.equal(w.metadata?.name, c.options.name, c.label);
      assert.equal((w.spec as { replicas?: number }).replicas, 1, c.label);
      assert.equal(container.name, 'app', c.label);
      assert.equal(container.image, `${c.options.name}:${DEMO_VERSION}`, c.label);
      // Never: the image is loaded, never pushed; IfNotPresent would pull docker.io/library/<name> when it is missing.
      assert.equal(container.imagePullPolicy, 'Never', c.label);
      assert.equal(pod.restartPolicy, 'Always', c.label);
      assert.equal(pod.automountServiceAccountToken, false, c.label);
      assert.equal(pod.terminationGracePeriodSeconds, 10, c.label);
    }
  });

  it('pass the crash settings to the app as environment variables, as strings', () => {
    for (const c of CASES) {
      const o = c.options;
      assert.deepEqual(
        containerOf(c).env,
        [
          { name: 'CRASH_MODE', value: o.crash },
          { name: 'CRASH_TRIGGER', value: o.trigger },
          { name: 'CRASH_PROBABILITY', value: String(o.probability) },
          { name: 'CRASH_AFTER_SECONDS', value: String(o.after) },
          { name: 'WORKERS', value: String(o.workers) },
          { name: 'PORT', value: String(o.port) },
        ],
        c.label,
      );
    }
  });

  it('expose --port as the named port http, probed for readiness on /readyz and liveness on /healthz', () => {
    for (const c of CASES) {
      const container = containerOf(c);
      assert.deepEqual(container.ports, [{ name: 'http', containerPort: c.options.port, protocol: 'TCP' }], c.label);
      assert.deepEqual(
        container.readinessProbe,
        { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
        c.label,
      );
      const liveness =
        c.options.liveness === 'off'
          ? undefined
          : c.options.crash === 'hang'
            ? { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 3 }
            : { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 10, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 };
      assert.deepEqual(container.livenessProbe, liveness, c.label);
      for (const svc of c.objects.filter((o) => o.object.kind === 'Service')) {
        assert.deepEqual(
          (svc.object.spec as IService['spec'])?.ports,
          [{ name: 'http', port: c.options.port, targetPort: 'http', protocol: 'TCP' }],
          c.label,
        );
      }
    }
  });

  it('give the liveness probe more patience than the readiness probe, so a restart always comes from the crash', () => {
    for (const c of CASES.filter((c) => c.options.crash !== 'hang' && c.options.liveness === 'on')) {
      const { readinessProbe: r, livenessProbe: l } = containerOf(c);
      const window = (p: typeof r) => (p?.initialDelaySeconds ?? 0) + (p?.periodSeconds ?? 10) * (p?.failureThreshold ?? 3);
      assert.ok(window(l) > window(r), `${c.label}: liveness gives up after ${window(l)} s, readiness after ${window(r)} s`);
      assert.ok((l?.timeoutSeconds ?? 1) > (r?.timeoutSeconds ?? 1), c.label);
    }
  });

  // A hang ends nothing, so for --crash hang the liveness probe is the restart, and must come within a talk's seconds.
  it('give --crash hang a liveness probe that gives up on a silent app within 10 s, after the app had 5 s to start', () => {
    const hangs = CASES.filter((c) => c.options.crash === 'hang' && c.options.liveness === 'on');
    assert.ok(hangs.length > 0);
    for (const c of hangs) {
      const l = containerOf(c).livenessProbe!;
      assert.ok(l.periodSeconds! * l.failureThreshold! + l.timeoutSeconds! <= 10, `${c.label}: gives up after ${l.periodSeconds! * l.failureThreshold!} s`);
      assert.ok(l.initialDelaySeconds! >= 5, c.label);
    }
  });

  it('leave the liveness probe out with --liveness off, and say why in the manifest', () => {
    const off = CASES.filter((c) => c.options.liveness === 'off');
    assert.ok(off.length > 0);
    for (const c of off) {
      assert.equal(containerOf(c).livenessProbe, undefined, c.label);
      assert.match(c.files.get(workloadFile(c)) ?? '', /# No livenessProbe, on purpose \(--liveness off\): nothing restarts/, c.label);
    }
  });

  it('limit memory to 96Mi + 16Mi per worker, the wall --crash oom runs into, and request half of it', () => {
    for (const c of CASES) {
      const { workers } = c.options;
      assert.deepEqual(
        containerOf(c).resources,
        {
          requests: { cpu: '50m', memory: `${48 + 8 * workers}Mi` },
          limits: { cpu: '500m', memory: `${96 + 16 * workers}Mi` },
        },
        c.label,
      );
    }
    const defaults = renderCase({});
    assert.equal(containerOf(defaults).resources?.limits?.memory, '128Mi');
  });

  it('run as user and group 10001 with nothing writable but an emptyDir at /tmp', () => {
    for (const c of CASES) {
      const pod = templateOf(c).spec!;
      assert.deepEqual(
        pod.securityContext,
        { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
        c.label,
      );
      assert.deepEqual(
        containerOf(c).securityContext,
        { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
        c.label,
      );
      assert.deepEqual(containerOf(c).volumeMounts, [{ name: 'tmp', mountPath: '/tmp' }], c.label);
      assert.deepEqual(pod.volumes, [{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }], c.label);
    }
  });

  it('run the very same pod template as a Deployment or as a StatefulSet', () => {
    // (A StatefulSet's name stops at 52 characters, so the 63-character Deployment has no twin.)
    for (const c of CASES.filter((x) => x.options.workload === 'deployment' && x.options.name.length <= 52)) {
      const twin = renderCase({ ...c.raw, workload: 'statefulset' });
      assert.deepEqual(templateOf(twin), templateOf(c), c.label);
    }
  });

  it('replace the Deployment\'s pod all at once, so only one pod is ever on screen', () => {
    for (const c of CASES.filter((x) => x.options.workload === 'deployment')) {
      assert.deepEqual((workloadOf(c).spec as { strategy?: unknown }).strategy, { type: 'Recreate' }, c.label);
    }
  });

  it('name the StatefulSet\'s pod through a headless Service that keeps its DNS record while it crashes', () => {
    for (const c of CASES.filter((x) => x.options.workload === 'statefulset')) {
      const spec = workloadOf(c).spec as { serviceName?: string; podManagementPolicy?: string };
      const headless = objectIn(c, 'k8s/service-headless.yaml') as unknown as IService;
      assert.equal(spec.serviceName, `${c.options.name}-headless`, c.label);
      assert.equal(headless.metadata?.name, spec.serviceName, c.label);
      assert.equal(headless.spec?.clusterIP, 'None', c.label);
      assert.equal(headless.spec?.publishNotReadyAddresses, true, c.label);
      assert.equal(spec.podManagementPolicy, 'Parallel', c.label);
      const regular = objectIn(c, 'k8s/service.yaml') as unknown as IService;
      assert.equal(regular.metadata?.name, c.options.name, c.label);
      assert.equal(regular.spec?.type, 'ClusterIP', c.label);
    }
  });

  it('put the namespace under Pod Security Admission: enforce, warn and audit restricted', () => {
    for (const c of CASES) {
      const ns = objectIn(c, 'k8s/namespace.yaml');
      assert.equal(ns.metadata.name, c.options.namespace, c.label);
      assert.deepEqual(
        ns.metadata.labels,
        {
          'create-crash-demo/owner': c.options.name,
          'app.kubernetes.io/part-of': 'crash-demo',
          'app.kubernetes.io/managed-by': 'kustomize',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': 'latest',
        },
        c.label,
      );
    }
  });

  it('list in the kustomization exactly the manifests of the chosen workload, in the chosen namespace', () => {
    for (const c of CASES) {
      const [k] = parseDocs(c.files.get('k8s/kustomization.yaml') ?? '', 'k8s/kustomization.yaml');
      const resources =
        c.options.workload === 'statefulset'
          ? ['namespace.yaml', 'service.yaml', 'service-headless.yaml', 'statefulset.yaml']
          : ['namespace.yaml', 'service.yaml', 'deployment.yaml'];
      assert.deepEqual(
        k,
        { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', namespace: c.options.namespace, resources },
        c.label,
      );
      for (const r of resources) assert.ok(c.files.has(`k8s/${r}`), `${c.label}: k8s/${r} is listed but not written`);
    }
  });

  it('write the manifest of the chosen workload only', () => {
    for (const c of CASES) {
      const other = c.options.workload === 'statefulset' ? 'k8s/deployment.yaml' : 'k8s/statefulset.yaml';
      assert.equal(c.files.has(other), false, `${c.label}: ${other} is written`);
      assert.equal(c.files.has(workloadFile(c)), true, c.label);
    }
  });

  it('write the headless Service only for a StatefulSet', () => {
    for (const c of CASES) {
      assert.equal(c.files.has('k8s/service-headless.yaml'), c.options.workload === 'statefulset', c.label);
    }
  });

  it('keep the headline of the predicted outcome at the top of the workload manifest, for the speaker', () => {
    for (const c of CASES) {
      const text = c.files.get(workloadFile(c)) ?? '';
      const firstLine = text.split('\n')[0];
      assert.match(firstLine ?? '', new RegExp(`^# ${c.options.name}: (The app refuses to crash|The container exits|The crash never fires|The app hangs)`), c.label);
    }
  });
});

// The checkers the manifest tests rely on, proven on manifests that break them: a checker that
// never fails proves nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer, IPodSpec, IService } from 'kubernetes-models/v1';
import { renderCase, type K8sObject } from '../../support/manifests.js';
import { schemaErrors } from '../../support/k8s-validate.js';
import { restrictedViolations } from '../../support/pod-security.js';
import { unknownFields } from '../../support/strict-fields.js';
import { serviceProblems, workloadProblems, type WorkloadLike } from '../../support/workload-rules.js';

const demo = renderCase({ name: 'crash-only-backend', workload: 'statefulset' });
const byFile = (file: string) => demo.objects.find((o) => o.file === file)!.object;
const workload = () => structuredClone(byFile('k8s/statefulset.yaml')) as K8sObject & WorkloadLike;
const podSpec = (w = workload()): IPodSpec => w.spec!.template!.spec!;
const container = (spec: IPodSpec): IContainer => spec.containers[0]!;

describe('strict field validation', () => {
  it('is needed: kubernetes-models validate() alone accepts a misspelt field', () => {
    const w = workload();
    (container(podSpec(w)) as unknown as Record<string, unknown>)['readinessprobe'] = { httpGet: { path: '/readyz', port: 'http' } };
    assert.doesNotThrow(() => new Deployment({ ...(w as object), apiVersion: 'apps/v1', kind: 'Deployment' } as never).validate());
  });

  it('names every unknown field, however deep, in the API server\'s words', () => {
    const w = workload() as unknown as Record<string, any>;
    w['metadata']['annotation'] = { a: 'b' };
    w['spec']['replica'] = 2;
    const c = w['spec']['template']['spec']['containers'][0];
    c['readinessprobe'] = {};
    c['ports'][0]['hostport'] = 80;
    c['livenessProbe']['httpGet']['pth'] = '/x';
    w['spec']['template']['spec']['volumes'][0]['emptyDir']['medum'] = 'Memory';
    assert.deepEqual(unknownFields(w), [
      'unknown field "metadata.annotation"',
      'unknown field "spec.replica"',
      'unknown field "spec.template.spec.containers[0].livenessProbe.httpGet.pth"',
      'unknown field "spec.template.spec.containers[0].ports[0].hostport"',
      'unknown field "spec.template.spec.containers[0].readinessprobe"',
      'unknown field "spec.template.spec.volumes[0].emptyDir.medum"',
    ]);
  });

  it('accepts free-form maps (labels, resources) and finds nothing in the generated manifests', () => {
    for (const { object } of demo.objects) assert.deepEqual(unknownFields(object), [], object.kind);
  });

  it('reports a type error from kubernetes-models and an unknown field together, naming the object', () => {
    const svc = structuredClone(byFile('k8s/service.yaml')) as unknown as Record<string, any>;
    svc['spec']['ports'][0]['port'] = 'eighty';
    svc['spec']['selectr'] = {};
    assert.deepEqual(schemaErrors(svc), [
      'Service crash-only-backend: data/spec/ports/0/port must be integer',
      'Service crash-only-backend: unknown field "spec.selectr"',
    ]);
  });

  it('refuses a kind it has no schema for, instead of passing it', () => {
    assert.throws(() => unknownFields({ apiVersion: 'v1', kind: 'ConfigMap' }), /no schema for v1\/ConfigMap/);
    assert.deepEqual(schemaErrors({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }), [
      'ConfigMap x: no schema for v1/ConfigMap',
    ]);
  });
});

describe('the Pod Security restricted checker', () => {
  it('passes the generated pod', () => {
    assert.deepEqual(restrictedViolations(podSpec()), []);
  });

  it('fails a container with no security context at all, on every restricted check', () => {
    const spec: IPodSpec = { containers: [{ name: 'app', image: 'x:1' }] };
    assert.deepEqual(restrictedViolations(spec), [
      'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)',
      'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)',
      'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
      'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])',
    ]);
  });

  const cases: Array<[string, (s: IPodSpec) => void, string]> = [
    ['runAsNonRoot false on the pod', (s) => (s.securityContext!.runAsNonRoot = false),
      'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)'],
    ['runAsNonRoot false on the container', (s) => (container(s).securityContext!.runAsNonRoot = false),
      'runAsNonRoot != true (container "app" must not set securityContext.runAsNonRoot=false)'],
    ['runAsUser 0 on the pod', (s) => (s.securityContext!.runAsUser = 0),
      'runAsUser=0 (pod must not set runAsUser=0)'],
    ['runAsUser 0 on the container', (s) => (container(s).securityContext!.runAsUser = 0),
      'runAsUser=0 (container "app" must not set runAsUser=0)'],
    ['allowPrivilegeEscalation left out', (s) => delete container(s).securityContext!.allowPrivilegeEscalation,
      'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)'],
    ['allowPrivilegeEscalation true', (s) => (container(s).securityContext!.allowPrivilegeEscalation = true),
      'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)'],
    ['capabilities not dropped', (s) => (container(s).securityContext!.capabilities = { drop: ['NET_RAW'] }),
      'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])'],
    ['a capability added besides NET_BIND_SERVICE',
      (s) => (container(s).securityContext!.capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'SYS_ADMIN', 'NET_ADMIN'] }),
      'unrestricted capabilities (container "app" must not include "NET_ADMIN", "SYS_ADMIN" in securityContext.capabilities.add)'],
    ['seccomp Unconfined', (s) => (s.securityContext!.seccompProfile = { type: 'Unconfined' }),
      'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")'],
    ['no seccomp profile anywhere', (s) => delete s.securityContext!.seccompProfile,
      'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")'],
    ['a hostPath volume', (s) => s.volumes!.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }),
      'restricted volume types (volume "docker" uses restricted volume type "hostPath")'],
    ['an nfs and a gitRepo volume',
      (s) => s.volumes!.push({ name: 'b', nfs: { server: 'n', path: '/' } }, { name: 'a', gitRepo: { repository: 'r' } }),
      'restricted volume types (volumes "b", "a" use restricted volume types "gitRepo", "nfs")'],
    ['host namespaces', (s) => Object.assign(s, { hostPID: true, hostNetwork: true, hostIPC: true }),
      'host namespaces (hostIPC, hostNetwork, hostPID)'],
    ['a privileged container', (s) => (container(s).securityContext!.privileged = true),
      'privileged (container "app" must not set securityContext.privileged=true)'],
    ['a host port', (s) => (container(s).ports![0]!.hostPort = 8080),
      'hostPort (container "app" uses hostPort 8080)'],
  ];
  for (const [what, mutate, message] of cases) {
    it(`fails ${what}: ${message}`, () => {
      const spec = podSpec();
      mutate(spec);
      assert.deepEqual(restrictedViolations(spec), [message]);
    });
  }

  it('accepts Localhost seccomp and NET_BIND_SERVICE, both allowed by the profile', () => {
    const spec = podSpec();
    spec.securityContext!.seccompProfile = { type: 'Localhost', localhostProfile: 'demo.json' };
    container(spec).securityContext!.capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] };
    assert.deepEqual(restrictedViolations(spec), []);
  });

  it('checks init containers too', () => {
    const spec = podSpec();
    spec.initContainers = [{ name: 'setup', image: 'x:1' }];
    assert.deepEqual(restrictedViolations(spec), [
      'allowPrivilegeEscalation != false (container "setup" must set securityContext.allowPrivilegeEscalation=false)',
      'unrestricted capabilities (container "setup" must set securityContext.capabilities.drop=["ALL"])',
    ]);
  });
});

describe('the kube-score / kube-linter rules', () => {
  it('pass the generated workload and Services', () => {
    const w = workload();
    assert.deepEqual(workloadProblems(w), []);
    assert.deepEqual(serviceProblems(byFile('k8s/service.yaml') as unknown as IService, w), []);
  });

  const cases: Array<[string, (c: IContainer) => void, string[]]> = [
    ['no resources', (c) => delete c.resources, [
      'container "app" has no cpu request', 'container "app" has no memory request',
      'container "app" has no cpu limit', 'container "app" has no memory limit']],
    ['no memory limit', (c) => delete c.resources!.limits!['memory'], ['container "app" has no memory limit']],
    ['no readiness probe', (c) => delete c.readinessProbe, ['container "app" has no readinessProbe']],
    ['no liveness probe', (c) => delete c.livenessProbe, ['container "app" has no livenessProbe']],
    ['liveness = readiness', (c) => (c.livenessProbe = structuredClone(c.readinessProbe)), [
      'container "app" has identical readiness and liveness probes',
      'container "app" probes readiness and liveness on the same path /readyz']],
    ['both probes on one path', (c) => (c.livenessProbe!.httpGet!.path = '/readyz'),
      ['container "app" probes readiness and liveness on the same path /readyz']],
    ['an image on latest', (c) => (c.image = 'crash-only-backend:latest'),
      ['container "app" image "crash-only-backend:latest" uses the latest tag']],
    ['an untagged image', (c) => (c.image = 'localhost:5000/crash-only-backend'),
      ['container "app" image "localhost:5000/crash-only-backend" has no tag']],
    ['a writable root filesystem', (c) => (c.securityContext!.readOnlyRootFilesystem = false),
      ['container "app" does not have a read-only root filesystem']],
    ['a probe on an unnamed port', (c) => (c.livenessProbe!.httpGet!.port = 'web'),
      ['container "app" livenessProbe port "web" names no container port']],
  ];
  for (const [what, mutate, problems] of cases) {
    it(`report ${what}`, () => {
      const w = workload();
      mutate(container(podSpec(w)));
      assert.deepEqual(workloadProblems(w), problems);
    });
  }

  // --liveness off leaves the probe out on purpose (a hung app that nothing restarts): the rule
  // accepts its absence there, and only there, and then a probe that is present is the defect.
  it('accept a missing liveness probe only when the demo says --liveness off', () => {
    const w = workload();
    delete container(podSpec(w)).livenessProbe;
    assert.deepEqual(workloadProblems(w, { liveness: 'off' }), []);
    assert.deepEqual(workloadProblems(w, { liveness: 'on' }), ['container "app" has no livenessProbe']);
    assert.deepEqual(workloadProblems(workload(), { liveness: 'off' }), ['container "app" has a livenessProbe, but the demo says --liveness off']);
  });

  it('accept an image pinned by digest', () => {
    const w = workload();
    container(podSpec(w)).image = 'crash-only-backend@sha256:' + 'a'.repeat(64);
    assert.deepEqual(workloadProblems(w), []);
  });

  it('report a Service whose selector misses the pods, or whose targetPort names no port', () => {
    const svc = structuredClone(byFile('k8s/service.yaml')) as unknown as IService;
    svc.spec!.selector!['app.kubernetes.io/name'] = 'other';
    svc.spec!.ports![0]!.targetPort = 'web';
    assert.deepEqual(serviceProblems(svc, workload()), [
      'Service "crash-only-backend" selects app.kubernetes.io/name=other, which the StatefulSet\'s pods do not carry',
      'Service "crash-only-backend" port "http" targets "web", which names no container port',
    ]);
    delete svc.spec!.selector;
    assert.deepEqual(serviceProblems(svc, workload()).slice(0, 1), ['Service "crash-only-backend" has no selector']);
  });
});

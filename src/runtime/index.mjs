// @ts-check
// create-crash-demo/scripts: what a generated demo's scripts/*.mjs import. The machinery nobody puts
// on a slide (flag parsing, the kube context and namespace guard, kubectl's pod printer, the back-off
// model, the pod follower, the crash button and the waits between crashes, the watch view,
// recordings and the timeline SVG, the rehearse engine) lives here, in the package, bundled with no
// dependencies but zx (the demo's own). A demo's package.json pins the create-crash-demo version
// that generated it.
export * from './kube/backoff.mjs';
export * from './plumbing/cli.mjs';
export * from '../shared/clusters.mjs';
export * from './guard/context.mjs';
export * from './crash/crashbutton.mjs';
export * from './plumbing/engine.mjs';
export * from './kube/events.mjs';
export * from './crash/firing.mjs';
export * from './kube/follow.mjs';
export * from './kube/image-load.mjs';
export * from './kube/incontainer.mjs';
export * from '../shared/memory.mjs';
export * from '../shared/option-rules.mjs';
export * from './guard/ownership.mjs';
export * from './kube/podstatus.mjs';
export * from './crash/readiness.mjs';
export * from './rehearse/rehearsal-plan.mjs';
export * from './rehearse/rehearsal-session.mjs';
export * from './rehearse/rehearsal-text.mjs';
export * from './rehearse/rehearsal.mjs';
export * from './crash/restarts.mjs';
export * from './plumbing/time.mjs';
export * from './watch/timeline-svg.mjs';
export * from './crash/underwatch.mjs';
export * from './watch/view.mjs';
export * from './watch/viewer.mjs';
export * from './watch/watching.mjs';

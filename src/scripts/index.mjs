// @ts-check
// create-crash-demo/scripts: what a generated demo's scripts/*.mjs import. The machinery nobody puts
// on a slide (flag parsing, the kube context and namespace guard, kubectl's pod printer, the back-off
// model, the pod follower, the crash button and the waits between crashes, the watch view,
// recordings and the timeline SVG, the rehearse engine) lives here, in the package, bundled with no
// dependencies but zx (the demo's own). A demo's package.json pins the create-crash-demo version
// that generated it.
export * from './backoff.mjs';
export * from './cli.mjs';
export * from '../shared/clusters.mjs';
export * from './context.mjs';
export * from './crashbutton.mjs';
export * from './engine.mjs';
export * from './events.mjs';
export * from './firing.mjs';
export * from './follow.mjs';
export * from './image-load.mjs';
export * from './incontainer.mjs';
export * from '../shared/memory.mjs';
export * from '../shared/option-rules.mjs';
export * from './ownership.mjs';
export * from './podstatus.mjs';
export * from './readiness.mjs';
export * from './rehearsal-plan.mjs';
export * from './rehearsal-session.mjs';
export * from './rehearsal-text.mjs';
export * from './rehearsal.mjs';
export * from './restarts.mjs';
export * from './time.mjs';
export * from './timeline-svg.mjs';
export * from './underwatch.mjs';
export * from './view.mjs';
export * from './viewer.mjs';
export * from './watching.mjs';

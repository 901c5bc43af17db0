// What the bin's prompts use of @clack/prompts, and no more. build.mjs makes this its own file,
// dist/clack.cjs, which only a run at a terminal loads.
export { confirm, intro, isCancel, log, note, select, text } from '@clack/prompts';

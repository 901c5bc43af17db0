import { run } from './main.js';

// run() reports every error itself and sets process.exitCode; nothing is left to await here (the
// bin is CommonJS, where there is no top-level await: see build.mjs).
void run(process.argv.slice(2));

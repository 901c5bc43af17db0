#!/usr/bin/env node
// node test/cgroup2/run.mjs --demo DIR [--demo DIR ...] [--oom-group 1|0|0,1] [--base IMAGE]
// Runs each generated demo on a cgroup v2 node in a VM (one boot for all runs) and prints one JSON
// line per run; see test/cgroup2/README.md. The work is in TypeScript (cli.ts), loaded with tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));

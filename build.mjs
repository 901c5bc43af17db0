// Bundles the bin, the library and the Yeoman generator so that `npm exec create-crash-demo`
// installs no runtime dependencies at all (ejs and @clack/prompts are inlined; prompts load lazily).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
  // ejs is CommonJS and require()s node builtins; give the ESM bundle a require.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
};

rmSync('dist', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { cli: 'src/cli/index.ts', index: 'src/index.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
await build({
  ...common,
  entryPoints: ['generators/app/index.ts'],
  outfile: 'generators/app/index.js',
  external: ['yeoman-generator'],
});
// Type declarations for library users (import { ... } from 'create-crash-demo').
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

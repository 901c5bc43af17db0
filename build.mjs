// Bundles the bin, the library, the demo scripts' module and the Yeoman generator so that `npm init crash-demo` installs no
// runtime dependencies at all (@clack/prompts is inlined and loads lazily). The EJS templates are
// compiled here, once, into the bundles: the bin neither loads EJS nor compiles a template.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';

const { precompiledModule } = await tsImport('./src/templates.ts', import.meta.url);
const { resolveOptions } = await tsImport('./src/validate.ts', import.meta.url);
const { templateData } = await tsImport('./src/render.ts', import.meta.url);
const templatesModule = precompiledModule(Object.keys(templateData(resolveOptions({ name: 'demo' }))));

/** src/templates.ts renders with EJS at run time; the bundles get the precompiled module instead. */
const precompiledTemplates = {
  name: 'precompiled-templates',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]templates\.ts$/ }, (args) => ({
      contents: templatesModule,
      loader: 'js',
      resolveDir: args.path.replace(/[\\/][^\\/]+$/, ''),
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [precompiledTemplates],
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
// create-crash-demo/scripts: what a generated demo's scripts import, one file. zx stays the demo's
// own dependency (its package.json has both, pinned), so it is not bundled.
await build({
  ...common,
  entryPoints: { scripts: 'src/scripts/index.mjs' },
  outdir: 'dist',
  external: ['zx'],
});
// Type declarations for library users (import { ... } from 'create-crash-demo').
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

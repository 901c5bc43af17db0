// Bundles the bin, the library, the demo scripts' module and the Yeoman generator so that
// `npm init crash-demo` installs no runtime dependencies at all (@clack/prompts is bundled into
// dist/clack.cjs, loaded only at a terminal). The templates are put into the bundles here, the EJS
// ones compiled once: the package ships no templates/ folder (fewer files for npm to extract on
// every cold npm init), and the bin reads no template, loads no EJS and compiles nothing.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';
import { tsImport } from 'tsx/esm/api';

// What this build reads, hashed before it reads it; with what it wrote, recorded at the end for the
// tests' check that dist/ is current (tools/build-record.ts). A failed build leaves no record.
const { RECORD, hashInputs, hashOutputs } = await tsImport('./tools/build-record.ts', import.meta.url);
rmSync(RECORD, { force: true });
const inputs = hashInputs('.');

const { bundledModule } = await tsImport('./src/generator/templates.ts', import.meta.url);
const { resolveOptions } = await tsImport('./src/generator/validate.ts', import.meta.url);
const { templateData } = await tsImport('./src/generator/render.ts', import.meta.url);
const templatesModule = bundledModule(Object.keys(templateData(resolveOptions({ name: 'demo' }))));

/** src/generator/templates.ts reads templates/ and renders with EJS at run time; the bundles get them built in. */
const bundledTemplates = {
  name: 'bundled-templates',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]generator[\\/]templates\.ts$/ }, (args) => ({
      contents: templatesModule,
      loader: 'js',
      resolveDir: args.path.replace(/[\\/][^\\/]+$/, ''),
    }));
  },
};

/** Our JSON (src/generator/recorded.json) as JSON.parse of a string: V8 reads that faster than the same object as code. */
const parsedJson = {
  name: 'parsed-json',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.json$/ }, (args) => ({
      contents: `export default JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(readFileSync(args.path, 'utf8'))))});`,
      loader: 'js',
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
  plugins: [bundledTemplates, parsedJson],
};

/** The bin's prompts library (src/bin/clack.ts) is its own file, dist/clack.cjs: only a terminal needs it. */
const clackApart = {
  name: 'clack-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/clack\.js$/ }, () => ({ path: './clack.cjs', external: true }));
  },
};

rmSync('dist', { recursive: true, force: true });
// The bin, one CommonJS file: Node starts a CommonJS entry without loading its ES module loader, a
// few ms of every `npm init crash-demo`. Its prompts library is a second file, read only at a
// terminal: compiling it with the rest cost every `--yes` run about 2.5 ms.
await build({
  ...common,
  plugins: [...common.plugins, clackApart],
  format: 'cjs',
  entryPoints: { cli: 'src/bin/index.ts' },
  outExtension: { '.js': '.cjs' },
  outdir: 'dist',
  // package.ts finds package.json from its own module's URL.
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': 'importMetaUrl' },
});
await build({ ...common, format: 'cjs', entryPoints: ['src/bin/clack.ts'], outfile: 'dist/clack.cjs' });
// The library and the Yeoman generator, which share the library's code in dist/chunks/.
await build({
  ...common,
  entryPoints: { 'dist/index': 'src/index.ts', 'generators/app/index': 'generators/app/index.ts' },
  outdir: '.',
  splitting: true,
  chunkNames: 'dist/chunks/[name]-[hash]',
  external: ['yeoman-generator'],
});
// create-crash-demo/scripts: what a generated demo's scripts import, one file. zx stays the demo's
// own dependency (its package.json has both, pinned), so it is not bundled.
await build({
  ...common,
  entryPoints: { scripts: 'src/runtime/index.mjs' },
  outdir: 'dist',
  external: ['zx'],
});
// Type declarations for library users, one file per entry (dist/index.d.ts, dist/scripts.d.ts): tsc
// writes one per module, and every file in the tarball costs npm's extract phase on each cold
// `npm init crash-demo`.
await bundleDeclarations({ index: 'src/index.d.ts', scripts: 'src/runtime/index.d.mts' });
mkdirSync('.cache', { recursive: true });
writeFileSync(RECORD, JSON.stringify({ inputs, outputs: hashOutputs('.') }, null, 2) + '\n');

/**
 * tsc emits the declarations into a temp dir, and rollup-plugin-dts bundles each entry's into
 * dist/<name>.d.ts. Not under node_modules: the plugin takes whatever resolves there for a package
 * and leaves it out (the bundles came out as bare `export * from './backoff.mjs'` lines).
 */
async function bundleDeclarations(entries) {
  const emitted = mkdtempSync(join(tmpdir(), 'create-crash-demo-types-'));
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', emitted], { stdio: 'inherit' });
    for (const [name, input] of Object.entries(entries)) {
      const bundle = await rollup({
        input: join(emitted, input),
        plugins: [dts()],
        // zx (the scripts' import) stays the demo's own dependency, as in dist/scripts.js.
        external: (id) => !id.startsWith('.') && !isAbsolute(id),
        // A warning here is a declaration the bundle lost or could not resolve: never shipped.
        onwarn(warning) {
          throw new Error(`declarations of ${input}: ${warning.message}`);
        },
      });
      // The declarations name Node's types (Buffer, NodeJS.Signals): say so, so a project without
      // @types/node is told "Cannot find type definition file for 'node'", not a dozen unknown names.
      await bundle.write({ file: `dist/${name}.d.ts`, format: 'es', banner: '/// <reference types="node" />' });
      await bundle.close();
    }
  } finally {
    rmSync(emitted, { recursive: true, force: true });
  }
}

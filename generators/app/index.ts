// The Yeoman face (`yo crash-demo`): it only orders the steps. Options, questions, validation,
// rendering and the report all come from the library, exactly as for the bin.
import { relative, resolve } from 'node:path';
import Generator from 'yeoman-generator';
import { OPTIONS, OPTION_KEYS, flagOf, type OptionKey, type Options } from '../../src/options.js';
import { questionsFor } from '../../src/questions.js';
import { resolveOptions, type RawOptions, type ResolveContext } from '../../src/validate.js';
import { renderDemo, scriptNames } from '../../src/render.js';
import { planFiles } from '../../src/files.js';
import { predictOutcome } from '../../src/outcome.js';
import { loadSaved } from '../../src/saved.js';
import { nextSteps, outcomeLines } from '../../src/report.js';

/** Yeoman reserves `namespace` for its own use; under yo the Kubernetes namespace is --kube-namespace. */
export function yoFlag(key: OptionKey): string {
  return key === 'namespace' ? 'kube-namespace' : flagOf(key).slice(2);
}

export default class CrashDemoGenerator extends Generator {
  private given: RawOptions = {};
  private ctx: ResolveContext = {};
  private demo?: Options;

  constructor(args: string[], opts: Record<string, unknown>) {
    super(args, opts as never);
    this.argument('dir', { type: String, required: false, description: 'target directory (default: the current one)' });
    for (const key of OPTION_KEYS) {
      const spec = OPTIONS[key];
      this.option(yoFlag(key), {
        type: spec.kind === 'boolean' ? Boolean : String,
        description: spec.describe,
      });
    }
    this.option('yes', { type: Boolean, alias: 'y', description: 'use defaults for everything not given as a flag; ask nothing' });
    const options = this.options as Record<string, unknown>;
    for (const key of OPTION_KEYS) {
      const value = options[yoFlag(key)] ?? (key === 'namespace' ? undefined : options[key]);
      if (value !== undefined) this.given[key] = value;
    }
    // Validate the flags before anything touches the disk (destinationRoot creates the directory).
    const dir = resolve(this.destinationRoot(), (options['dir'] as string | undefined) ?? '.');
    const saved = loadSaved(dir);
    this.ctx = { dir, ...(saved ? { defaults: saved } : {}) };
    resolveOptions(this.given, this.ctx);
    this.destinationRoot(dir);
  }

  async prompting(): Promise<void> {
    const ctx = this.ctx;
    if ((this.options as Record<string, unknown>)['yes']) {
      this.demo = resolveOptions(this.given, ctx);
      return;
    }
    const questions = questionsFor(this.given, ctx).map((q) => ({
      type: q.type === 'select' ? 'list' : q.type === 'confirm' ? 'confirm' : 'input',
      name: q.key,
      message: q.message,
      default: q.default,
      ...(q.choices ? { choices: q.choices.map((c) => ({ name: `${c.value}  ${c.hint}`, value: c.value })) } : {}),
      when: (answers: Record<string, unknown>) => q.when({ ...this.given, ...answers } as Partial<Options>),
      validate: (input: unknown) => (q.type === 'text' ? (q.validate(String(input)) ?? true) : true),
      filter: (input: unknown) => (q.type === 'text' && input === '' ? q.default : input),
    }));
    const answers = (await this.prompt(questions as never)) as Record<string, unknown>;
    this.demo = resolveOptions({ ...this.given, ...answers } as RawOptions, ctx);
  }

  writing(): void {
    for (const [path, contents] of renderDemo(this.demo!)) {
      this.fs.write(this.destinationPath(path), contents);
    }
  }

  end(): void {
    const o = this.demo!;
    const scripts = scriptNames(planFiles(o).map((f) => f.dest));
    const rel = relative(process.cwd(), this.destinationRoot()) || '.';
    this.log([...outcomeLines(o, predictOutcome(o)), '', ...nextSteps(rel, o, scripts)].join('\n'));
  }
}

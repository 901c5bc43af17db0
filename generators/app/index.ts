// The Yeoman face (`yo crash-demo`): it only orders the steps. Options, questions, validation,
// rendering and the report all come from the library, exactly as for the bin.
import Generator from 'yeoman-generator';
import { OPTIONS, OPTION_KEYS, flagOf, type OptionKey, type Options } from '../../src/options.js';
import { questionsFor } from '../../src/questions.js';
import { resolveOptions, type RawOptions } from '../../src/validate.js';
import { renderDemo } from '../../src/render.js';
import { predictOutcome } from '../../src/outcome.js';
import { loadSaved } from '../../src/saved.js';
import { nextSteps, outcomeLines } from '../../src/report.js';

/** Yeoman reserves `namespace` for its own use; under yo the Kubernetes namespace is --kube-namespace. */
export function yoFlag(key: OptionKey): string {
  return key === 'namespace' ? 'kube-namespace' : flagOf(key).slice(2);
}

export default class CrashDemoGenerator extends Generator {
  private given: RawOptions = {};
  private answers: RawOptions = {};
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
    const options = this.options as Record<string, unknown>;
    const dir = options['dir'] as string | undefined;
    if (dir) this.destinationRoot(this.destinationPath(dir));
    for (const key of OPTION_KEYS) {
      const value = options[yoFlag(key)] ?? (key === 'namespace' ? undefined : options[key]);
      if (value !== undefined) this.given[key] = value;
    }
  }

  async prompting(): Promise<void> {
    const dir = this.destinationRoot();
    const saved = loadSaved(dir);
    const ctx = { dir, ...(saved ? { defaults: saved } : {}) };
    // Validate what was given before asking anything, so a bad flag fails fast.
    resolveOptions(this.given, ctx);
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
    this.answers = { ...this.given, ...answers } as RawOptions;
    this.demo = resolveOptions(this.answers, ctx);
  }

  writing(): void {
    for (const [path, contents] of renderDemo(this.demo!)) {
      this.fs.write(this.destinationPath(path), contents);
    }
  }

  end(): void {
    const o = this.demo!;
    const scripts = [...renderDemo(o).keys()].flatMap((f) => /^scripts\/([^/]+)\.mjs$/.exec(f)?.[1] ?? []);
    this.log([...outcomeLines(o, predictOutcome(o)), '', ...nextSteps('.', o, scripts)].join('\n'));
  }
}

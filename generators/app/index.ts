// The Yeoman face (`yo crash-demo`): it only orders the steps. Options, questions, validation,
// rendering and the report all come from the library, exactly as for the bin.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import Generator from 'yeoman-generator';
import { OPTIONS, OPTION_KEYS, type OptionKey, type Options } from '../../src/shared/options.js';
import { questionsFor } from '../../src/generator/questions.js';
import { UsageError, resolveOptions, type RawOptions, type ResolveContext } from '../../src/generator/validate.js';
import { planDemo, type DemoPlan } from '../../src/generator/render.js';
import { checkTarget, checkWrite, inspectTarget, replaceWithoutOverwrite } from '../../src/generator/target.js';
import { YEOMAN, inFace } from '../../src/generator/faces.js';
import { loadSaved } from '../../src/generator/saved.js';
import { ownScriptsFrom } from '../../src/generator/package.js';
import { nextSteps, outcomeLines } from '../../src/generator/report.js';
import { CONTROL_FLAGS } from '../../src/bin/args.js';

/** Yeoman reserves `namespace` for its own use; under yo the Kubernetes namespace is --kube-namespace. */
export function yoFlag(key: OptionKey): string {
  return YEOMAN.spell(key, 'value').slice(2);
}

/**
 * Whether questions can reach a person: the adapter is a terminal on both ends, or it is an adapter
 * without terminal streams (an IDE's, a test's), which answers questions its own way. yeoman's
 * terminal adapter prompts on a pipe too, and fails there with a stack trace.
 */
function canAsk(adapter: unknown): boolean {
  const a = adapter as { actualAdapter?: unknown };
  const actual = (a.actualAdapter ?? adapter) as { stdin?: { isTTY?: boolean }; stdout?: { isTTY?: boolean } };
  if (!actual.stdin && !actual.stdout) return true;
  return Boolean(actual.stdin?.isTTY && actual.stdout?.isTTY);
}

/**
 * Runs a step; a user error ends the whole run, nothing written: env.run() rejects with a UsageError
 * whose message is the bin's one line, in yo's words (--kube-namespace). The tool that embeds us
 * decides how to show it; its exit status stays its own. Given to the environment as its 'error'
 * (the way it documents to make run() reject), not thrown from the task: a thrown error also gets
 * yeoman-generator's own line "An error occured while running crash-demo:app#prompting" on stderr.
 * (A function, not a method: yeoman runs every public method of the generator as a task.)
 */
async function guarded(generator: Generator, step: () => Promise<void> | void): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    generator.cancelCancellableTasks();
    generator.env.emit('error', new UsageError(inFace(error.message, YEOMAN)));
  }
}

export default class CrashDemoGenerator extends Generator {
  private given: RawOptions = {};
  private ctx: ResolveContext = {};
  /** The options as the flags and saved answers give them, resolved once up front (which validates them). */
  private fromFlags?: Options;
  private plan?: DemoPlan;
  /** A user error found before the run loop started (the constructor cannot stop it itself). */
  private refused?: UsageError;

  constructor(args: string[], opts: Record<string, unknown>) {
    // As the bin: never runs npm install itself (the next steps say when), and so yeoman-environment
    // neither installs nor prints a line about the package.json it did not install from.
    super(args, opts as never, { customInstallTask: true });
    this.argument('dir', { type: String, required: false, description: 'target directory (default: the current one)' });
    for (const key of OPTION_KEYS) {
      const spec = OPTIONS[key];
      this.option(yoFlag(key), {
        type: spec.kind === 'boolean' ? Boolean : String,
        description: spec.describe,
      });
    }
    this.option('yes', { type: Boolean, alias: 'y', description: 'use defaults for everything not given as a flag; ask nothing' });
    this.option('overwrite', { type: Boolean, description: CONTROL_FLAGS.overwrite.describe });
    this.option('replace-edited', { type: Boolean, description: CONTROL_FLAGS['replace-edited'].describe });
    const options = this.options as Record<string, unknown>;
    for (const key of OPTION_KEYS) {
      const value = options[yoFlag(key)] ?? (key === 'namespace' ? undefined : options[key]);
      if (value !== undefined) this.given[key] = value;
    }
    // Validate the flags before anything touches the disk (destinationRoot creates the directory).
    const dir = resolve(this.destinationRoot(), (options['dir'] as string | undefined) ?? '.');
    try {
      if (options['replace-edited'] && !options['overwrite']) throw replaceWithoutOverwrite();
      // destinationRoot(dir) below makes the directory: /proc/x would loop there as in the bin.
      checkTarget(dir);
      const saved = loadSaved(dir);
      this.ctx = { dir, ...(saved ? { defaults: saved } : {}) };
      this.fromFlags = resolveOptions(this.given, this.ctx);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.refused = error;
      return;
    }
    this.destinationRoot(dir);
  }

  initializing(): Promise<void> {
    return guarded(this, () => {
      if (this.refused) throw this.refused;
    });
  }

  prompting(): Promise<void> {
    return guarded(this, async () => {
      const ctx = this.ctx;
      const options = this.options as Record<string, unknown>;
      // As the bin: no questions without a person at a terminal; the defaults stand, as with --yes.
      let demo: Options;
      if (options['yes'] || !canAsk(this.env.adapter)) {
        demo = this.fromFlags!;
      } else {
        const questions = questionsFor(this.given, ctx).map((q) => ({
          type: q.type === 'select' ? 'select' : q.type === 'confirm' ? 'confirm' : 'input',
          name: q.key,
          message: q.message,
          default: q.default,
          ...(q.choices ? { choices: q.choices.map((c) => ({ name: `${c.value}  ${c.hint}`, value: c.value })) } : {}),
          when: (answers: Record<string, unknown>) => q.when({ ...this.given, ...answers } as Partial<Options>),
          validate: (input: unknown) => (q.type === 'text' ? (q.validate(String(input)) ?? true) : true),
          filter: (input: unknown) => (q.type === 'text' && input === '' ? q.default : input),
        }));
        const answers = (await this.prompt(questions as never)) as Record<string, unknown>;
        demo = resolveOptions({ ...this.given, ...answers } as RawOptions, ctx);
      }
      // As the bin: a copy from a checkout or a tarball packs itself into the demo's vendor/.
      this.plan = planDemo(demo, ownScriptsFrom());
      // As the bin: a directory with other files in it is written only with --overwrite, files the
      // user edited only with --replace-edited too, and then without a question per file (yeoman's
      // conflicter would ask, or fail without a terminal).
      const target = inspectTarget(this.destinationRoot(), this.plan.files);
      checkWrite(this.destinationRoot(), target, { overwrite: Boolean(options['overwrite']), replaceEdited: Boolean(options['replace-edited']) });
    });
  }

  writing(): void {
    for (const [path, contents] of this.plan!.files) {
      const file = this.destinationPath(path);
      this.fs.write(file, contents);
      // The target was checked above: --overwrite means replace, so the conflicter asks nothing.
      if (existsSync(file)) (this.env.sharedFs.get(file) as { conflicter?: string }).conflicter = 'force';
    }
  }

  end(): void {
    const { options, outcome, scripts, vendored } = this.plan!;
    const rel = relative(process.cwd(), this.destinationRoot()) || '.';
    this.log([...outcomeLines(options, outcome), '', ...nextSteps(rel, options, scripts, vendored)].join('\n'));
  }
}

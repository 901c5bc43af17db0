// The questions asked for options the user did not give, derived from the options table.
// Both faces use them: the bin through @clack/prompts, the Yeoman generator through its prompt API.
import { OPTIONS, OPTION_KEYS, type OptionKey, type OptionSpec, type Options } from '../shared/options.js';
import { checkTogether, defaultName, parseValue, type RawOptions } from './validate.js';

export interface Question {
  key: OptionKey;
  type: 'select' | 'text' | 'confirm';
  message: string;
  choices?: Array<{ value: string; label: string; hint: string }>;
  default: string | number | boolean;
  /** One of the few asked first: they decide what will happen (see decidesOutcome in the table). */
  decidesOutcome: boolean;
  /** Asked only when this holds for the answers so far. */
  when: (answers: Partial<Options>) => boolean;
  /**
   * undefined when the answer is valid, else what is wrong: the same rules as its flag, including
   * those between options (a reserved namespace), checked against the answers so far.
   */
  validate: (input: string, answers?: Partial<Options>) => string | undefined;
  /** Typed answer from the prompt's raw answer. */
  parse: (input: unknown) => string | number | boolean;
}

/** Questions for every option that was not given; `defaults` may replace the table's defaults. */
export function questionsFor(given: RawOptions, ctx: { dir?: string; defaults?: Partial<Options> } = {}): Question[] {
  const fallbackOf = (key: OptionKey): string | number | boolean => {
    const spec: OptionSpec = OPTIONS[key];
    return ctx.defaults?.[key] ?? (spec.default === null ? defaultName(ctx.dir) || 'crash-demo' : spec.default);
  };
  return OPTION_KEYS.filter((key) => given[key] === undefined).map((key) => {
    const spec: OptionSpec = OPTIONS[key];
    const check = (input: string, answers: Partial<Options> = {}): string | undefined => {
      try {
        const value = parseValue(key, input);
        const pick = <K extends OptionKey>(k: K) => (k === key ? value : (answers[k] ?? given[k] ?? fallbackOf(k))) as Options[K];
        checkTogether({ name: pick('name'), workload: pick('workload'), namespace: pick('namespace'), cluster: pick('cluster'), fastBackoff: pick('fastBackoff') });
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    };
    return {
      key,
      type: spec.kind === 'choice' ? 'select' : spec.kind === 'boolean' ? 'confirm' : 'text',
      message: spec.prompt,
      ...(spec.kind === 'choice'
        ? { choices: Object.entries(spec.choices).map(([value, hint]) => ({ value, label: value, hint })) }
        : {}),
      default: fallbackOf(key),
      decidesOutcome: Boolean(spec.decidesOutcome),
      when: (answers) => ('askWhen' in spec && spec.askWhen ? spec.askWhen(answers) : true),
      validate: check,
      parse: (input) => parseValue(key, typeof input === 'boolean' || typeof input === 'number' ? input : String(input)),
    };
  });
}

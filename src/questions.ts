// The questions asked for options the user did not give, derived from the options table.
// Both faces use them: the bin through @clack/prompts, the Yeoman generator through its prompt API.
import { OPTIONS, OPTION_KEYS, type OptionKey, type OptionSpec, type Options } from './options.js';
import { defaultName, parseValue, toLabel, type RawOptions } from './validate.js';

export interface Question {
  key: OptionKey;
  type: 'select' | 'text' | 'confirm';
  message: string;
  choices?: Array<{ value: string; label: string; hint: string }>;
  default: string | number | boolean;
  /** Asked only when this holds for the answers so far. */
  when: (answers: Partial<Options>) => boolean;
  /** undefined when the answer is valid, else what is wrong. */
  validate: (input: string) => string | undefined;
  /** Typed answer from the prompt's raw answer. */
  parse: (input: unknown) => string | number | boolean;
}

/** Questions for every option that was not given; `defaults` may replace the table's defaults. */
export function questionsFor(given: RawOptions, ctx: { dir?: string; defaults?: Partial<Options> } = {}): Question[] {
  return OPTION_KEYS.filter((key) => given[key] === undefined).map((key) => {
    const spec: OptionSpec = OPTIONS[key];
    const saved = ctx.defaults?.[key];
    const fallback = saved ?? (spec.default === null ? toLabel(defaultName(ctx.dir)) || 'crash-demo' : spec.default);
    const check = (input: string): string | undefined => {
      try {
        parseValue(key, input);
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
      default: fallback,
      when: (answers) => ('askWhen' in spec && spec.askWhen ? spec.askWhen(answers) : true),
      validate: check,
      parse: (input) => parseValue(key, typeof input === 'boolean' || typeof input === 'number' ? input : String(input)),
    };
  });
}

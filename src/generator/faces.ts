// Every message a user can cause is written once, naming options as the bin's flags (--runtime,
// --overwrite). Each face shows it in the words its own user wrote: yo's user typed
// --kube-namespace (Yeoman owns --namespace), a library caller wrote `{ runtime: 'node' }`.
import { OPTION_KEYS, flagOf, type OptionKey } from '../shared/options.js';
import { UsageError } from './validate.js';

/** The permissions to write over files, as the bin's flags name them. */
const SWITCHES = { overwrite: 'overwrite', 'replace-edited': 'replaceEdited' } as const;

export interface Face {
  /** How this face's user names the option `key` (or a write permission) in front of a value. */
  spell(key: OptionKey | (typeof SWITCHES)[keyof typeof SWITCHES], followedBy: 'value' | 'nothing'): string;
}

/** `yo crash-demo`: the bin's flags, except the Kubernetes namespace. */
export const YEOMAN: Face = {
  spell: (key) => (key === 'namespace' ? '--kube-namespace' : flagOf(key as OptionKey)),
};

/** The library: properties of the options object (`runtime: "ruby"`) and of the permissions (`{ overwrite: true }`). */
export const LIBRARY: Face = {
  spell(key, followedBy) {
    if (key === 'overwrite' || key === 'replaceEdited' || key === 'fastBackoff') return `{ ${key}: true }`;
    return followedBy === 'value' ? `${key}:` : key;
  },
};

const BY_FLAG = new Map<string, OptionKey | (typeof SWITCHES)[keyof typeof SWITCHES]>([
  ...OPTION_KEYS.map((key) => [flagOf(key), key] as const),
  ...Object.entries(SWITCHES).map(([flag, key]) => [`--${flag}`, key] as const),
]);

/**
 * A message written with the bin's flags, in `face`'s words. A flag is followed by a value unless
 * punctuation, the end, or one of the words that follow a bare flag in our messages comes next.
 */
export function inFace(message: string, face: Face): string {
  return message.replace(/(?<![\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?![\w-])/g, (flag, at: number) => {
    const key = BY_FLAG.get(flag);
    if (!key) return flag;
    const next = message.slice(at + flag.length);
    const bare = /^(?:$|[.,;:)]|\s+(?:or|and|explicitly|alone|only|is|needs|to|writes)\b)/.test(next);
    return face.spell(key, bare ? 'nothing' : 'value');
  });
}

/** Runs `fn`; a UsageError it throws comes out in `face`'s words. */
export function asFace<T>(face: Face, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(inFace(error.message, face));
    throw error;
  }
}

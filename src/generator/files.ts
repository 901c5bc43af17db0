// Which template becomes which file of the generated project. Every file under templates/common/
// and templates/<runtime>/ is part of every demo unless a rule below says when it is.
import { templateNames } from './templates.js';
import type { Options } from '../shared/options.js';

export interface TemplateFile {
  /** The template's path under templates/ ('common/app/start.sh'; see templates.ts). */
  source: string;
  /** Path in the generated project, with '/' separators. */
  dest: string;
  /** Rendered with EJS (the template's name ends in .ejs); otherwise copied byte for byte. */
  ejs: boolean;
}

/** Files written only for some options; all others always. */
const ONLY_WHEN: Record<string, (o: Options) => boolean> = {
  'app/start.sh': (o) => o.pid1 === 'shell',
  'k8s/deployment.yaml': (o) => o.workload === 'deployment',
  'k8s/service-headless.yaml': (o) => o.workload === 'statefulset',
  'k8s/statefulset.yaml': (o) => o.workload === 'statefulset',
  'kind-config.yaml': (o) => o.fastBackoff,
};

/** Stored as _gitignore: a .gitignore in templates/ would be a rule for this repository's git too. */
const RENAMED: Record<string, string> = { _gitignore: '.gitignore' };

/** The files of one demo, sorted by destination. */
export function planFiles(o: Options): TemplateFile[] {
  const names = templateNames();
  const byDest = new Map<string, TemplateFile>();
  // Later folders win: templates/<runtime>/x replaces templates/common/x.
  for (const folder of ['common', o.runtime]) {
    for (const source of names.filter((name) => name.startsWith(`${folder}/`))) {
      const rel = source.slice(folder.length + 1);
      const ejs = rel.endsWith('.ejs');
      const plain = ejs ? rel.slice(0, -'.ejs'.length) : rel;
      const dest = RENAMED[plain] ?? plain;
      byDest.set(dest, { source, dest, ejs });
    }
  }
  return [...byDest.values()]
    .filter((f) => ONLY_WHEN[f.dest]?.(o) ?? true)
    .sort((a, b) => (a.dest < b.dest ? -1 : a.dest > b.dest ? 1 : 0));
}

// Which template becomes which file of the generated project. Every file under templates/common/
// and templates/<runtime>/ is part of every demo unless a rule below says when it is.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { packageRoot } from './package.js';
import type { Options } from './options.js';

export interface TemplateFile {
  /** Absolute path of the template. */
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

/** npm drops every .gitignore from a published tarball, so the template is stored as _gitignore. */
const RENAMED: Record<string, string> = { _gitignore: '.gitignore' };

/** Never part of a generated project, wherever they sit in templates/. */
const IGNORED = /(^|\/)(node_modules|__pycache__|\.pytest_cache)(\/|$)|\.pyc$|(^|\/)\.DS_Store$/;

/** Every file below `dir`, as absolute paths. */
export function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

/** The files of one demo, sorted by destination. */
export function planFiles(o: Options): TemplateFile[] {
  const templates = join(packageRoot(), 'templates');
  const byDest = new Map<string, TemplateFile>();
  // Later folders win: templates/<runtime>/x replaces templates/common/x.
  for (const folder of ['common', o.runtime]) {
    const base = join(templates, folder);
    for (const source of walk(base)) {
      const rel = relative(base, source).split(sep).join('/');
      if (IGNORED.test(rel)) continue;
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

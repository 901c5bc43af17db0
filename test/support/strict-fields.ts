// Strict field validation, as the API server does it with `kubectl apply --validate=strict`.
// kubernetes-models' validate() checks types, enums and required fields but lets unknown fields
// through (its schemas allow additional properties), so a typo like `readinessprobe` would pass it.
// This walks the same schema in the form kubernetes-models ships it as TypeScript definitions:
// every key of the object must be a property of its type, all the way down.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const KINDS_FILE = join(dirname(fileURLToPath(import.meta.url)), 'k8s-kinds.ts');

interface Schema {
  checker: ts.TypeChecker;
  roots: Map<string, ts.Type>;
}

let schema: Schema | undefined;

function load(): Schema {
  if (schema) return schema;
  const program = ts.createProgram([KINDS_FILE], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    // Only what the API types need (Array, primitives): keeps building the program fast.
    lib: ['lib.es5.d.ts'],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(KINDS_FILE);
  const decl = source?.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'KnownKinds',
  );
  if (!decl) throw new Error(`strict-fields: no KnownKinds interface in ${KINDS_FILE}`);
  const known = checker.getTypeAtLocation(decl);
  const roots = new Map<string, ts.Type>();
  for (const prop of known.getProperties()) roots.set(prop.name, checker.getTypeOfSymbol(prop));
  if (roots.size === 0) throw new Error('strict-fields: KnownKinds resolved to no kinds (are kubernetes-models types found?)');
  return (schema = { checker, roots });
}

/** The kinds this checker knows, as `apiVersion/kind`. */
export function strictKinds(): string[] {
  return [...load().roots.keys()];
}

function objectMembers(type: ts.Type): ts.Type[] {
  const members = type.isUnion() ? type.types : [type];
  return members.filter((t) => (t.flags & ts.TypeFlags.Object) !== 0 || t.isIntersection());
}

function walk(value: unknown, type: ts.Type, path: string, out: string[]): void {
  const { checker } = load();
  if (value === null || value === undefined || typeof value !== 'object') return; // scalars: validate() checks them
  const candidates = objectMembers(checker.getNonNullableType(type));
  if (Array.isArray(value)) {
    const element = candidates.map((t) => checker.getIndexInfoOfType(t, ts.IndexKind.Number)?.type).find(Boolean);
    if (!element) {
      out.push(`${path || '<root>'}: the schema has no list here`);
      return;
    }
    value.forEach((item, i) => walk(item, element, `${path}[${i}]`, out));
    return;
  }
  if (candidates.length === 0) {
    out.push(`${path || '<root>'}: the schema has no object here`);
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    const prop = candidates.map((t) => checker.getPropertyOfType(t, key)).find(Boolean);
    if (prop) {
      walk(child, checker.getTypeOfSymbol(prop), at, out);
      continue;
    }
    const index = candidates.map((t) => checker.getIndexInfoOfType(t, ts.IndexKind.String)?.type).find(Boolean);
    if (index) {
      walk(child, index, at, out);
      continue;
    }
    out.push(`unknown field "${at}"`);
  }
}

/**
 * The fields of a manifest that its kind's schema does not define, in the API server's words
 * (`unknown field "spec.template.spec.containers[0].readinessprobe"`), sorted. Empty when all are known.
 * Throws for a kind the checker does not know, so nothing is skipped silently.
 */
export function unknownFields(manifest: { apiVersion?: unknown; kind?: unknown }): string[] {
  const key = `${String(manifest.apiVersion)}/${String(manifest.kind)}`;
  const root = load().roots.get(key);
  if (!root) throw new Error(`strict-fields: no schema for ${key}; known: ${strictKinds().join(', ')}`);
  const out: string[] = [];
  walk(manifest, root, '', out);
  return out.sort();
}

// Validation of a manifest against the official Kubernetes API schema, as kubernetes-models ships
// it: its validate() (types, enums, required fields) plus strict-fields.ts (no unknown field).
// One module per kind: the package's index files would load every model there is.
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { unknownFields } from './strict-fields.js';

type Validating = { validate(): void };
const MODELS: Record<string, (data: never) => Validating> = {
  'apps/v1/Deployment': (d) => new Deployment(d),
  'apps/v1/StatefulSet': (d) => new StatefulSet(d),
  'v1/Service': (d) => new Service(d),
  'v1/Namespace': (d) => new Namespace(d),
};

/** Schema errors of one manifest, each prefixed by its kind and name; [] when it is valid. */
export function schemaErrors(manifest: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } }): string[] {
  const key = `${String(manifest.apiVersion)}/${String(manifest.kind)}`;
  const where = `${String(manifest.kind)} ${String(manifest.metadata?.name)}`;
  const model = MODELS[key];
  if (!model) return [`${where}: no schema for ${key}`];
  const errors: string[] = [];
  try {
    model(manifest as never).validate();
  } catch (e) {
    errors.push(`${where}: ${(e as Error).message}`);
  }
  for (const u of unknownFields(manifest)) errors.push(`${where}: ${u}`);
  return errors;
}

// The API types of the kinds a demo generates, keyed `apiVersion/kind`. strict-fields.ts walks
// these (kubernetes-models' TypeScript definitions of the official schema) to find unknown fields.
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IService } from 'kubernetes-models/v1/Service';

export interface KnownKinds {
  'apps/v1/Deployment': IDeployment;
  'apps/v1/StatefulSet': IStatefulSet;
  'v1/Service': IService;
  'v1/Namespace': INamespace;
}

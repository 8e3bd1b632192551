import type { Rule } from '../rule';
import { deploymentPositionalArgs } from './vd033-deployment-positional-args';
import { ensureReadyMissing } from './vd034-ensure-ready-missing';
import { deploymentNoName } from './vd035-deployment-no-name';
import { deploymentUnknownArgument } from './vd038-deployment-unknown-argument';

export const DEPLOYMENT_RULES: readonly Rule[] = [
  deploymentPositionalArgs,
  ensureReadyMissing,
  deploymentNoName,
  deploymentUnknownArgument,
];

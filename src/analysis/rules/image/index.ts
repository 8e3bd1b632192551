import type { Rule } from '../rule';
import { imageMissing } from './vd021-image-missing';
import { imageStorageMissing } from './vd022-image-storage-missing';
import { imageUnknownMethod } from './vd023-image-unknown-method';
import { pipRequirementInvalid } from './vd024-pip-requirement-invalid';
import { aptPackageInvalid } from './vd025-apt-package-invalid';
import { envHardcodedSecret } from './vd026-env-hardcoded-secret';
import { copySourceMissing } from './vd027-copy-source-missing';
import { localModuleNotShipped } from './vd041-local-module-not-shipped';

export const IMAGE_RULES: readonly Rule[] = [
  imageMissing,
  imageStorageMissing,
  imageUnknownMethod,
  pipRequirementInvalid,
  aptPackageInvalid,
  envHardcodedSecret,
  copySourceMissing,
  localModuleNotShipped,
];

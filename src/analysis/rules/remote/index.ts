import type { Rule } from '../rule';
import { remoteNotAsync } from './vd001-remote-not-async';
import { benchmarkDatasetShape } from './vd002-benchmark-dataset-shape';
import { datasetUnknownKey } from './vd003-dataset-unknown-key';
import { datasetMissingParam } from './vd004-dataset-missing-param';
import { datasetValueType } from './vd005-dataset-value-type';
import { benchmarkBothSources } from './vd006-benchmark-both-sources';
import { benchmarkGeneratorInvalid } from './vd007-benchmark-generator-invalid';
import { benchmarkRunsInvalid } from './vd008-benchmark-runs-invalid';
import { noBenchmark } from './vd009-no-benchmark';
import { multipleBenchmarks } from './vd010-multiple-benchmarks';
import { boolNotSerializable } from './vd011-bool-not-serializable';
import { remoteStarParams } from './vd012-remote-star-params';
import { duplicateRemoteName } from './vd013-duplicate-remote-name';
import { remotesMultipleDeployments } from './vd014-remotes-multiple-deployments';
import { remoteUnknownArgument } from './vd036-remote-unknown-argument';

export const REMOTE_RULES: readonly Rule[] = [
  remoteNotAsync,
  benchmarkDatasetShape,
  datasetUnknownKey,
  datasetMissingParam,
  datasetValueType,
  benchmarkBothSources,
  benchmarkGeneratorInvalid,
  benchmarkRunsInvalid,
  noBenchmark,
  multipleBenchmarks,
  boolNotSerializable,
  remoteStarParams,
  duplicateRemoteName,
  remotesMultipleDeployments,
  remoteUnknownArgument,
];

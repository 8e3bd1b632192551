import type { Rule } from '../rule';
import { analysisLimit } from './vd039-analysis-limit';
import { undefinedName } from './vd040-undefined-name';

export const FILE_RULES: readonly Rule[] = [analysisLimit, undefinedName];

import type { Rule } from '../rule';
import { analysisLimit } from './vd039-analysis-limit';

export const FILE_RULES: readonly Rule[] = [analysisLimit];

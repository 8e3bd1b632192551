import type { Rule } from '../rule';

export const DEPLOYMENT_RULES: readonly Rule[] = [];

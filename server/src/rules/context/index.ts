import type { Rule } from '../rule';

export const CONTEXT_RULES: readonly Rule[] = [];

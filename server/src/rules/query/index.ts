import type { Rule } from '../rule';

export const QUERY_RULES: readonly Rule[] = [];

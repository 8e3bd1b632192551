import type { Rule } from '../rule';

export const IMAGE_RULES: readonly Rule[] = [];

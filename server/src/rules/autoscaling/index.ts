import type { Rule } from '../rule';

export const AUTOSCALING_RULES: readonly Rule[] = [];

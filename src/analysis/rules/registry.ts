// Every rule, in id order. Rule modules live in folders by topic; each folder's index lists its rules.
import { AUTOSCALING_RULES } from './autoscaling';
import { CONTEXT_RULES } from './context';
import { DEPLOYMENT_RULES } from './deployment';
import { FILE_RULES } from './file';
import { IMAGE_RULES } from './image';
import { QUERY_RULES } from './query';
import { REMOTE_RULES } from './remote';
import type { Rule } from './rule';

export const RULES: readonly Rule[] = [
  ...REMOTE_RULES,
  ...CONTEXT_RULES,
  ...AUTOSCALING_RULES,
  ...DEPLOYMENT_RULES,
  ...IMAGE_RULES,
  ...QUERY_RULES,
  ...FILE_RULES,
].sort((a, b) => a.id.localeCompare(b.id));

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}

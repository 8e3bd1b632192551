import type { Rule } from '../rule';
import { autoscalingUnknownKey } from './vd018-autoscaling-unknown-key';
import { autoscalingValueInvalid } from './vd019-autoscaling-value-invalid';
import { autoscalingMissing } from './vd020-autoscaling-missing';

export const AUTOSCALING_RULES: readonly Rule[] = [autoscalingUnknownKey, autoscalingValueInvalid, autoscalingMissing];

import type { Rule } from '../rule';
import { remoteNotAsync } from './vd001-remote-not-async';

export const REMOTE_RULES: readonly Rule[] = [remoteNotAsync];

import type { Rule } from '../rule';
import { contextProtocol } from './vd015-context-protocol';
import { contextAenterNoReturn } from './vd016-context-aenter-no-return';
import { getContextUnknown } from './vd017-get-context-unknown';

export const CONTEXT_RULES: readonly Rule[] = [contextProtocol, contextAenterNoReturn, getContextUnknown];

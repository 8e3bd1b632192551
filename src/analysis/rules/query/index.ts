import type { Rule } from '../rule';
import { queryUnknownColumn } from './vd028-query-unknown-column';
import { gpuUnknown } from './vd029-gpu-unknown';
import { queryValueType } from './vd030-query-value-type';
import { queryRamUnits } from './vd031-query-ram-units';
import { queryBooleanMisuse } from './vd032-query-boolean-misuse';

export const QUERY_RULES: readonly Rule[] = [queryUnknownColumn, gpuUnknown, queryValueType, queryRamUnits, queryBooleanMisuse];

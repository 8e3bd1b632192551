// Where a static value is used, and whether rules may judge it: one home for the questions every rule, the bundle
// builder and the hover ask of a value. A module constant (`GPU = "RTX_4090"` then `require(gpu_name == GPU)`) has
// two places: its definition and its use; findings about the call belong at the use, where the user looks.
import type { Range, Span, StaticValue } from './types';

/** The span where the value is written in the call: the use of a constant rather than its definition. */
export function useSpan(v: StaticValue): Span {
  return v.via?.use ?? v;
}

export function useRange(v: StaticValue): Range {
  return useSpan(v).range;
}

/** Values that could be anything at run time (`unknown`, a bare name, `obj.attr`): rules stay silent on those. */
export function isOpaque(v: StaticValue): boolean {
  return v.kind === 'unknown' || v.kind === 'name' || v.kind === 'attribute';
}

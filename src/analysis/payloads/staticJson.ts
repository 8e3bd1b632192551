// Static model values → plain JSON, for payload prefill, schema defaults and examples. Only values that a JSON payload
// can carry convert; everything else (names, calls, bytes, lambdas) is `undefined`, meaning "not known statically".
import type { StaticValue } from '../model/types';
import type { Json } from '../../shared/protocol/lsp';


/** The JSON form of `value`, or undefined when the value is not a JSON-expressible literal. */
export function staticToJson(value: StaticValue | undefined): Json | undefined {
  if (!value) return undefined;
  switch (value.kind) {
    case 'str':
    case 'int':
    case 'float':
    case 'bool':
      return value.value;
    case 'none':
      return null;
    case 'list':
    case 'tuple': {
      const items = value.items.map(staticToJson);
      return items.every((i) => i !== undefined) ? (items as Json[]) : undefined;
    }
    case 'dict': {
      if (value.hasSpread) return undefined;
      const out: { [key: string]: Json } = {};
      for (const entry of value.entries) {
        if (entry.key.kind !== 'str') return undefined; // JSON objects only have string keys
        const v = staticToJson(entry.value);
        if (v === undefined) return undefined;
        out[entry.key.value] = v;
      }
      return out;
    }
    default:
      return undefined;
  }
}

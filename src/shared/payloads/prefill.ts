// The first payload of a remote function: the benchmark sample when the decorator has a static one, then each
// parameter's default, then a placeholder of the annotated type, so the user starts from something that validates.
import { annotationSchema, type JsonSchema } from './annotationSchema';
import { SCHEMA_KEY } from './schema';
import type { Json, RemoteSignature } from '../protocol/lsp';

export function prefillPayload(signature: RemoteSignature, schemaUri?: string): { [key: string]: Json } {
  const payload: { [key: string]: Json } = {};
  if (schemaUri) payload[SCHEMA_KEY] = schemaUri;
  for (const param of signature.params) {
    const sample = signature.benchmarkSample?.[param.name];
    if (sample !== undefined) payload[param.name] = sample;
    else if (param.default !== undefined) payload[param.name] = param.default;
    else if (param.hasDefault) continue; // a default we cannot express: leave it to Python
    else payload[param.name] = placeholder(annotationSchema(param.annotation));
  }
  return payload;
}

/** Formats a payload the way it is written to disk. */
export function formatPayload(payload: { [key: string]: Json }): string {
  return `${JSON.stringify(payload, null, 2)}\n`;
}

function placeholder(schema: JsonSchema): Json {
  const options = Array.isArray(schema.anyOf) ? (schema.anyOf as JsonSchema[]) : [schema];
  const first = options.find((o) => o.type !== 'null') ?? options[0];
  if (Array.isArray(first.enum) && first.enum.length) return first.enum[0] as Json;
  switch (first.type) {
    case 'integer':
    case 'number':
      return 0;
    case 'string':
      return '';
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return null;
  }
}

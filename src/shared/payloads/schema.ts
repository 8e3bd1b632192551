// JSON Schema for a payload file of one @remote function: one property per parameter (the SDK sends every parameter
// by name), required when it has no default, nothing else unless the function takes **kwargs.
import { annotationSchema, type JsonSchema } from './annotationSchema';
import type { RemoteSignature } from '../protocol/lsp';

/** The key payload files use to point at their schema; never sent to the worker. */
export const SCHEMA_KEY = '$schema';

export function payloadSchema(signature: RemoteSignature): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    [SCHEMA_KEY]: { type: 'string', description: 'The schema of this payload (not sent to the worker).' },
  };
  const required: string[] = [];
  for (const param of signature.params) {
    const schema: JsonSchema = { ...annotationSchema(param.annotation) };
    const what = param.annotation ? `${param.name}: ${param.annotation}` : param.name;
    const detail = param.hasDefault ? `optional${param.default !== undefined ? `, default ${JSON.stringify(param.default)}` : ''}` : 'required';
    schema.description = [`\`${what}\` (${detail})`, schema.description].filter(Boolean).join('. ');
    if (param.default !== undefined) schema.default = param.default;
    const example = signature.benchmarkSample?.[param.name];
    if (example !== undefined) schema.examples = [example];
    properties[param.name] = schema;
    if (!param.hasDefault) required.push(param.name);
  }
  const schema: JsonSchema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `${signature.function}() payload`,
    description: `Keyword arguments for the remote function ${signature.function} of deployment ${signature.deployment}.`,
    type: 'object',
    properties,
    required,
  };
  if (!signature.acceptsExtraKeywords) {
    schema.additionalProperties = false;
  } else {
    schema.additionalProperties = annotationSchema(undefined);
  }
  return schema;
}

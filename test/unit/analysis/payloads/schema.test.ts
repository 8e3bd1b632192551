// Payload schema and prefill from a remote function's static signature.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initPythonParser } from '../../../../src/analysis/document';
import { annotationSchema } from '../../../../src/shared/payloads/annotationSchema';
import { prefillPayload, formatPayload } from '../../../../src/shared/payloads/prefill';
import { payloadSchema } from '../../../../src/shared/payloads/schema';
import { remoteSignature } from '../../../../src/analysis/payloads/signature';
import { HEADER, model } from './support';

before(() => initPythonParser());

function signatureOf(source: string, fn = 'f') {
  const m = model(HEADER + source);
  const remote = m.remotes.find((r) => r.fn.name === fn);
  assert.ok(remote, `remote ${fn} found`);
  return remoteSignature(m, remote);
}

describe('annotationSchema', () => {
  test('maps builtins and typing generics', () => {
    assert.deepEqual(annotationSchema('int'), { type: 'integer' });
    assert.deepEqual(annotationSchema('float'), { type: 'number' });
    assert.deepEqual(annotationSchema('list[str]'), { type: 'array', items: { type: 'string' } });
    assert.deepEqual(annotationSchema('typing.List[int]'), { type: 'array', items: { type: 'integer' } });
    assert.deepEqual(annotationSchema('dict[str, float]'), { type: 'object', additionalProperties: { type: 'number' } });
    assert.deepEqual(annotationSchema('Optional[int]'), { anyOf: [{ type: 'integer' }, { type: 'null' }] });
    assert.deepEqual(annotationSchema('int | None'), { anyOf: [{ type: 'integer' }, { type: 'null' }] });
    assert.deepEqual(annotationSchema('Union[int, str]'), { anyOf: [{ type: 'integer' }, { type: 'string' }] });
    assert.deepEqual(annotationSchema('tuple[int, ...]'), { type: 'array', items: { type: 'integer' } });
    assert.deepEqual(annotationSchema('"int"'), { type: 'integer' });
    assert.deepEqual(annotationSchema("Literal['a', 'b', 3]"), { enum: ['a', 'b', 3] });
  });

  test('bool is only 0/1, and an unannotated value may be anything but a bool', () => {
    const b = annotationSchema('bool');
    assert.equal(b.type, 'integer');
    assert.deepEqual(b.enum, [0, 1]);
    assert.match(String(b.description), /cannot send a bool/);
    // Spelled as the other types, so the editor shows why a bool is refused (errorMessage), not "not allowed".
    const any = annotationSchema(undefined);
    assert.deepEqual(any.type, ['string', 'number', 'array', 'object', 'null']);
    assert.match(String(any.errorMessage), /cannot send a bool/);
  });

  test('unknown classes and unparsable annotations accept any value except bool', () => {
    for (const annotation of ['MyModel', 'list[']) {
      const schema = annotationSchema(annotation);
      assert.ok(!(schema.type as string[]).includes('boolean'), annotation);
      assert.match(String(schema.errorMessage), /cannot send a bool/);
    }
  });
});

describe('payloadSchema', () => {
  test('one property per parameter, required without default, no extra keys', () => {
    const sig = signatureOf('@app.remote(benchmark_dataset=[{"x": 2, "scale": 1.5}])\nasync def f(x: int, scale: float = 2.0, *, label: str = "a"):\n    return x\n');
    assert.equal(sig.deployment, 'demo');
    const schema = payloadSchema(sig);
    const props = schema.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(props), ['$schema', 'x', 'scale', 'label']);
    assert.deepEqual(schema.required, ['x']);
    assert.equal(schema.additionalProperties, false);
    assert.equal(props.x.type, 'integer');
    assert.deepEqual(props.x.examples, [2]);
    assert.equal(props.scale.default, 2.0);
    assert.equal(props.label.default, 'a');
    assert.match(String(props.x.description), /x: int.*required/);
  });

  test('**kwargs allows extra keys; *args is not a payload key', () => {
    const sig = signatureOf('@app.remote\nasync def f(x, *rest, **extra):\n    return x\n');
    assert.deepEqual(
      sig.params.map((p) => p.name),
      ['x'],
    );
    assert.deepEqual((payloadSchema(sig).additionalProperties as { type: string[] }).type, ['string', 'number', 'array', 'object', 'null']);
  });
});

describe('prefillPayload', () => {
  test('starts from the first benchmark_dataset entry, then defaults', () => {
    const sig = signatureOf('@app.remote(benchmark_dataset=[{"x": 7}, {"x": 8}])\nasync def f(x: int, y: int = 3):\n    return x\n');
    assert.deepEqual(prefillPayload(sig, 'vast-schema:/demo/f.schema.json'), { $schema: 'vast-schema:/demo/f.schema.json', x: 7, y: 3 });
  });

  test('uses the dict a benchmark_generator returns literally', () => {
    const sig = signatureOf('def gen():\n    return {"prompt": "hi", "n": 2}\n\n@app.remote(benchmark_generator=gen)\nasync def f(prompt: str, n: int):\n    return prompt\n');
    assert.deepEqual(prefillPayload(sig), { prompt: 'hi', n: 2 });
  });

  test('placeholders of the annotated type for required parameters without a sample', () => {
    const sig = signatureOf('@app.remote\nasync def f(a: int, b: str, c: list[int], d: Optional[dict], e, g=make()):\n    return a\n');
    assert.deepEqual(prefillPayload(sig), { a: 0, b: '', c: [], d: {}, e: null });
  });

  test('formatPayload writes two-space JSON with a final newline', () => {
    assert.equal(formatPayload({ x: 1 }), '{\n  "x": 1\n}\n');
  });
});

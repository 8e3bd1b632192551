import type { BoolValue, StaticValue } from '../../model/types';
import type { Finding, Rule } from '../rule';
import { allSamples } from './benchmark';
import { useSpan } from '../../model/valueUse';

const WHY =
  'The Vast SDK cannot serialize bool: the client raises TypeError, and a JSON true/false sent to a worker crashes its ' +
  'deserializer (HTTP 500), which the SDK retries forever.';

export const boolNotSerializable: Rule = {
  id: 'VD011',
  name: 'bool-not-serializable',
  severity: 'error',
  title: 'Values sent to remote functions cannot be `bool`',
  docs: 'The SDK serializer rejects bool (TypeError on the client; a JSON bool crashes the worker with HTTP 500, retried forever): pass 0/1 instead.',
  check(ctx) {
    const { model } = ctx;
    const seen = new Set<string>();
    const report = (b: BoolValue, subject: string, severity?: Finding['severity']) => {
      const range = useSpan(b).range;
      const key = `${range.start.line}:${range.start.character}`;
      if (seen.has(key)) return;
      seen.add(key);
      const replacement = b.value ? '1' : '0';
      ctx.report({
        range,
        severity,
        message: `${subject}. ${WHY} Use the int ${replacement} instead.`,
        fixes: [{ title: `Replace ${b.text} with ${replacement}`, edits: [{ range: b.range, newText: replacement }], isPreferred: true }],
      });
    };
    for (const remote of model.remotes) {
      const fn = remote.fn.name;
      for (const sample of allSamples(model, remote)) {
        for (const entry of sample.entries) {
          for (const b of bools(entry.value)) report(b, `${b.text} in the benchmark sample cannot be sent to remote function '${fn}'`);
        }
      }
      for (const p of remote.fn.params) {
        if (!p.default) continue;
        for (const b of bools(p.default)) {
          report(
            b,
            `The default ${b.text} of '${p.name}' in remote function '${fn}' is sent on every call that omits ` +
              `'${p.name}' (the SDK sends every parameter by name, defaults included)`,
            'warning',
          );
        }
      }
    }
    // Code that runs on the worker (remote bodies, contexts) calls remote functions locally, without serializing.
    const workerSide = [...model.remotes.map((r) => r.fn), ...model.contexts.map((c) => c.cls)];
    for (const site of model.remoteCalls) {
      if (workerSide.some((s) => s.startOffset <= site.call.startOffset && site.call.endOffset <= s.endOffset)) continue;
      for (const arg of site.call.args) {
        const what = arg.name ? ` as '${arg.name}'` : '';
        for (const b of bools(arg.value)) report(b, `${b.text} cannot be passed${what} to remote function '${site.remote}'`);
      }
    }
  },
};

/** Every bool literal inside a value (container items, dict keys and values). */
function bools(v: StaticValue): BoolValue[] {
  switch (v.kind) {
    case 'bool':
      return [v];
    case 'list':
    case 'tuple':
    case 'set':
      return v.items.flatMap(bools);
    case 'dict':
      return v.entries.flatMap((e) => [...bools(e.key), ...bools(e.value)]);
    default:
      return [];
  }
}

// The static model: what is extracted, with which ranges, and how it survives half-typed code.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initPythonParser } from '../../../src/analysis/document';
import { buildModel } from '../../../src/analysis/model/extract';
import { filterIgnoredLines, findIgnoredLines } from '../../../src/analysis/model/ignoreLines';
import type { DeploymentModel, QueryExpr, StaticValue } from '../../../src/analysis/model/types';
import { ParsedDocument } from '../../../src/analysis/parse/pythonParser';
import { createHash } from 'crypto';

before(() => initPythonParser());

function model(text: string): DeploymentModel {
  const doc = new ParsedDocument(text);
  try {
    return buildModel(doc);
  } finally {
    doc.dispose();
  }
}

function plain(v: StaticValue | undefined): unknown {
  if (!v) return undefined;
  switch (v.kind) {
    case 'str':
    case 'int':
    case 'float':
    case 'bool':
      return v.value;
    case 'none':
      return null;
    case 'list':
    case 'tuple':
    case 'set':
      return v.items.map(plain);
    case 'dict':
      return Object.fromEntries(v.entries.map((e) => [String(plain(e.key)), plain(e.value)]));
    case 'name':
      return `<name ${v.name}>`;
    case 'attribute':
      return `<attr ${v.object}.${v.attribute}>`;
    default:
      return `<${v.kind}>`;
  }
}

const FULL = `from vastai import Deployment as D
from vastai.data.query import gpu_name, gpu_ram as ram, RTX_4090, RTX_5090
import vastai.data.query as q

MODEL = "qwen"
DATA = [{"prompt": "Hello " + MODEL, "max_tokens": 16 * 2}]

app = D(name="my-app", tag="v1", ttl=3600.5)

@app.context()
class Engine:
    async def __aenter__(self):
        self.ok = True
        return self

    async def __aexit__(self, *exc):
        pass

@app.remote(benchmark_dataset=DATA, benchmark_runs=3)
async def generate(prompt: str, /, max_tokens: int = 128, *, temp: float = -0.5) -> str:
    engine = app.get_context(Engine)
    return prompt

def not_remote(x):
    return x

image = app.image("vastai/base-image:@vastai-automatic-tag", 16).pip_install("torch==2.0")
image.env(A="b").require(gpu_name.in_([RTX_4090, RTX_5090]), ram >= 48 and q.cpu_cores >= 4, 0 < ram < 10)
app.configure_autoscaling(min_load=1000) #!VAST_IGNORE_CHANGES
if __name__ == "__main__":
    app.configure_autoscaling(max_workers=3, min_load=5)
    app.ensure_ready()
    generate("x", True)
`;

describe('DeploymentModel extraction', () => {
  // Built lazily: describe() bodies run before the parser is initialised.
  let cached: DeploymentModel | undefined;
  const get = () => (cached ??= model(FULL));

  test('finds the aliased Deployment, its variable and fields', () => {
    assert.equal(get().isDeploymentFile, true);
    assert.equal(get().deployments.length, 1);
    assert.equal(get().deployments[0].variable?.name, 'app');
    assert.equal(plain(get().deployments[0].fields.name?.value), 'my-app');
    assert.equal(plain(get().deployments[0].fields.tag?.value), 'v1');
    assert.equal(plain(get().deployments[0].fields.ttl?.value), 3600.5);
    assert.deepEqual(get().deployments[0].variable?.range, { start: { line: 7, character: 0 }, end: { line: 7, character: 3 } });
  });

  test('reads remote functions with parameters, kinds, defaults and the benchmark through a constant', () => {
    assert.deepEqual(
      get().remotes.map((r) => r.fn.name),
      ['generate'],
    );
    const r = get().remotes[0];
    assert.equal(r.fn.isAsync, true);
    assert.deepEqual(
      r.fn.params.map((p) => [p.name, p.kind, p.annotation?.text, plain(p.default)]),
      [
        ['prompt', 'positional-only', 'str', undefined],
        ['max_tokens', 'normal', 'int', 128],
        ['temp', 'keyword-only', 'float', -0.5],
      ],
    );
    assert.deepEqual(plain(r.benchmarkDataset?.value), [{ prompt: 'Hello qwen', max_tokens: 32 }]);
    assert.equal(r.benchmarkDataset?.value.via?.name, 'DATA');
    assert.equal(plain(r.benchmarkRuns?.value), 3);
    assert.equal(r.fn.returnAnnotation?.text, 'str');
  });

  test('reads context classes and get_context calls', () => {
    assert.equal(get().contexts.length, 1);
    assert.equal(get().contexts[0].cls.name, 'Engine');
    assert.equal(get().contexts[0].aenter?.returnsValue, true);
    assert.equal(get().contexts[0].aexit?.isAsync, true);
    assert.equal(get().deployments[0].getContextCalls.length, 1);
    assert.equal(plain(get().deployments[0].getContextCalls[0].target?.value), '<name Engine>');
    assert.equal(get().deployments[0].getContextCalls[0].enclosingFunction, 'generate');
  });

  test('follows the image through its chain and later calls on its variable', () => {
    assert.equal(get().deployments[0].images.length, 1);
    const image = get().deployments[0].images[0];
    assert.equal(image.variable?.name, 'image');
    assert.equal(plain(image.fromImage?.value), 'vastai/base-image:@vastai-automatic-tag');
    assert.equal(plain(image.storage?.value), 16);
    assert.deepEqual(
      image.steps.map((s) => [s.method, s.chained]),
      [
        ['pip_install', true],
        ['env', false],
        ['require', true],
      ],
    );
  });

  test('reads require() queries, including aliases, module attributes and misuse', () => {
    const [membership, boolean, chained] = get().deployments[0].images[0].requirements as QueryExpr[];
    assert.equal(membership.kind, 'membership');
    if (membership.kind === 'membership') {
      assert.equal(membership.column.name, 'gpu_name');
      assert.deepEqual(plain(membership.value), ['<name RTX_4090>', '<name RTX_5090>']);
    }
    assert.equal(boolean.kind, 'boolean');
    if (boolean.kind === 'boolean') {
      assert.equal(boolean.operator, 'and');
      const [a, b] = boolean.operands;
      assert.ok(a.kind === 'compare' && a.column.name === 'gpu_ram' && a.column.text === 'ram' && a.op === 'gte');
      assert.ok(b.kind === 'compare' && b.column.name === 'cpu_cores' && b.column.fromQueryModule);
    }
    assert.equal(chained.kind, 'chained');
    if (chained.kind === 'chained') {
      const [first] = chained.comparisons;
      // `0 < ram` is read as `ram > 0`.
      assert.ok(first.kind === 'compare' && first.op === 'gt' && plain(first.value) === 0);
    }
  });

  test('merges configure_autoscaling calls, later keys winning', () => {
    assert.equal(get().deployments[0].autoscaling.calls.length, 2);
    assert.deepEqual(
      [...get().deployments[0].autoscaling.merged].map(([k, a]) => [k, plain(a.value)]),
      [
        ['min_load', 5],
        ['max_workers', 3],
      ],
    );
    assert.equal(get().deployments[0].ensureReadyCalls.length, 1);
  });

  test('records remote calls and ignored lines', () => {
    assert.deepEqual(
      get().remoteCalls.map((c) => [c.remote, c.call.args.map((a) => plain(a.value))]),
      [['generate', ['x', true]]],
    );
    assert.deepEqual(get().ignoredLines, [28]);
    assert.deepEqual([...get().constants.keys()], ['MODEL', 'DATA']);
  });

  test('non-deployment files are not deployment files', () => {
    assert.equal(model('import os\nprint(os.getcwd())\n').isDeploymentFile, false);
  });
});

describe('static values', () => {
  const valueOf = (expr: string) => {
    const m = model(`from vastai import Deployment\nX = ${expr}\n`);
    return plain(m.constants.get('X'));
  };
  test('literals, escapes, arithmetic', () => {
    assert.equal(valueOf(`"a\\tb\\u00e9"`), 'a\tb\u00e9');
    assert.equal(valueOf(`r"a\\tb"`), 'a\\tb');
    assert.equal(valueOf(`"ab" "cd"`), 'abcd');
    assert.equal(valueOf('1_000 * 48'), 48000);
    assert.equal(valueOf('0x10'), 16);
    assert.equal(valueOf('7 // 2'), 3);
    assert.equal(valueOf('1 / 4'), 0.25);
    assert.deepEqual(valueOf('(1, [None, True], {"k": -2.5})'), [1, [null, true], { k: -2.5 }]);
  });
  test('anything not static is unknown, and names assigned twice are not constants', () => {
    assert.equal(valueOf('f"{y}"'), undefined);
    assert.equal(valueOf('os.environ["X"]'), undefined);
    const m = model('from vastai import Deployment\nA = 1\nA = 2\nB = A\n');
    assert.equal(m.constants.has('A'), false);
    assert.equal(m.constants.has('B'), false);
  });
});

describe('positions', () => {
  test('columns are UTF-16 code units, as LSP', () => {
    const m = model('from vastai import Deployment\ns = "🚀 日本"; app = Deployment(name="x")\n');
    assert.deepEqual(m.deployments[0].variable?.range.start, { line: 1, character: 13 });
  });
  test('CRLF files give the same model lines', () => {
    const lf = model(FULL);
    const crlf = model(FULL.replace(/\n/g, '\r\n'));
    assert.deepEqual(
      crlf.remotes.map((r) => r.fn.nameSpan.range),
      lf.remotes.map((r) => r.fn.nameSpan.range),
    );
    assert.equal(crlf.deployments[0].images[0].steps.length, 3);
  });
});

describe('broken code (resync)', () => {
  const base = `from vastai import Deployment
app = Deployment(name="x")

@app.remote(benchmark_dataset=[{"a": 1}])
async def first(a):
    return a

BROKEN

@app.remote(benchmark_dataset=[{"b": 1}])
async def second(b):
    return b

@app.remote()
async def third(c):
    return c

app.configure_autoscaling(max_workers=2)
app.ensure_ready()
`;
  const cases: Record<string, string> = {
    'unclosed dataset bracket': '@app.remote(benchmark_dataset=[{"x": ',
    'unclosed string': 'x = "abc',
    'dangling attribute': 'x = app.',
    'unfinished def': 'async def broken(ctx, a: int = ',
  };
  for (const [name, line] of Object.entries(cases)) {
    test(`${name}: functions after the damage are still found`, () => {
      const m = model(base.replace('BROKEN', line));
      const names = m.remotes.map((r) => r.fn.name);
      assert.ok(names.includes('first'), names.join());
      assert.ok(names.includes('third'), `${name}: ${names.join()}`);
      assert.equal(m.deployments[0].autoscaling.calls.length, 1);
      assert.equal(m.deployments[0].ensureReadyCalls.length, 1);
    });
  }

  test('a half-typed keyword keeps the other Deployment arguments', () => {
    const m = model('from vastai import Deployment\napp = Deployment(\n    name="x",\n    tag=\n    ttl=60,\n)\n');
    assert.equal(plain(m.deployments[0].fields.name?.value), 'x');
  });
});

describe('incremental parsing', () => {
  test('edits give the same model as a fresh parse', () => {
    const doc = new ParsedDocument(FULL);
    try {
      const at = FULL.indexOf('"max_tokens": 16');
      const start = at + 1;
      // Rename the key `max_tokens` → `max_tokenz`, one character edit.
      const pos = (o: number) => {
        const before = FULL.slice(0, o).split('\n');
        return { row: before.length - 1, column: before[before.length - 1].length };
      };
      const offset = start + 'max_token'.length;
      doc.update([{ startOffset: offset, oldEndOffset: offset + 1, startPosition: pos(offset), oldEndPosition: pos(offset + 1), text: 'z' }]);
      const incremental = buildModel(doc);
      const fresh = model(doc.text);
      assert.deepEqual(plain(incremental.remotes[0].benchmarkDataset?.value), plain(fresh.remotes[0].benchmarkDataset?.value));
      assert.deepEqual(plain(incremental.remotes[0].benchmarkDataset?.value), [{ prompt: 'Hello qwen', max_tokenz: 32 }]);
    } finally {
      doc.dispose();
    }
  });
});

describe('!VAST_IGNORE_CHANGES (SDK rule)', () => {
  const file = [
    'from vastai import Deployment',
    'app = Deployment(name="square")',
    '',
    '@app.remote(benchmark_dataset=[{"x": 2}])',
    'async def square(x):',
    '    return x * x',
    '',
    'app.configure_autoscaling(min_load=1000) #!VAST_IGNORE_CHANGES',
    's = "# !VAST_IGNORE_CHANGES"',
    '',
  ].join('\n');

  test('the content-hash vector file: line 8 dropped, the string on line 9 kept, hash matches', () => {
    assert.equal(Buffer.byteLength(file), 236);
    assert.deepEqual(findIgnoredLines(file), [7]);
    const hash = createHash('sha256')
      .update('{"name": "square", "pip_installs": [], "apt_gets": [], "envs": [], "runs": []}')
      .update('./deployment.py')
      .update(filterIgnoredLines(file))
      .digest('hex');
    assert.equal(hash, 'fec05aa405c9618532af02467c2be64e372e27314d788c0b2e90cd8aebf09094');
  });

  test('triple-quoted strings hide markers; CRLF and spacing variants count', () => {
    const text = ['x = """', '# !VAST_IGNORE_CHANGES', '"""', 'y = 1  #   !VAST_IGNORE_CHANGES  \r', 'z = 2 # !VAST_IGNORE_CHANGES now', "q = '#' # !VAST_IGNORE_CHANGES"].join('\n');
    assert.deepEqual(findIgnoredLines(text), [3, 5]);
  });
});

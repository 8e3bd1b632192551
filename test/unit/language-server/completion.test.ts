// Completion, in-process: inline deployment texts with a `$0` cursor marker, mostly half-typed as in real editing.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { CompletionItem, TextEdit } from 'vscode-languageserver/node';
import { analyzeText, initPythonParser } from '../../../src/analysis/document';
import { completionsAt } from '../../../src/language-server/completion';
import { positionAt } from '../../../src/language-server/cursor';
import { textOfRange } from '../../support/expectations';

before(() => initPythonParser());

const HEADER = 'from vastai import Deployment\nfrom vastai.data.query import gpu_name\n\napp = Deployment(name="x")\n';

interface Completed {
  text: string;
  items: CompletionItem[];
  labels: string[];
  item(label: string): CompletionItem;
  /** The text after applying the item's edit and its additional edits (what the user would see). */
  apply(label: string): string;
}

function complete(marked: string): Completed {
  const at = marked.indexOf('$0');
  assert.ok(at >= 0, 'the text needs a $0 cursor marker');
  const text = marked.slice(0, at) + marked.slice(at + 2);
  const { model } = analyzeText(text);
  const list = completionsAt(model, positionAt(text, at));
  assert.equal(list.isIncomplete, false);
  const items = list.items;
  const item = (label: string) => {
    const found = items.find((i) => i.label === label);
    assert.ok(found, `no item "${label}" among ${items.map((i) => i.label).join(', ') || 'none'}`);
    return found;
  };
  return { text, items, labels: items.map((i) => String(i.label)), item, apply: (label) => applyItem(text, item(label)) };
}

function offsetOf(text: string, p: { line: number; character: number }): number {
  const lines = text.split('\n');
  let o = 0;
  for (let l = 0; l < p.line; l++) o += lines[l].length + 1;
  return o + p.character;
}

function applyItem(text: string, item: CompletionItem): string {
  const edits = [item.textEdit as TextEdit, ...(item.additionalTextEdits ?? [])]
    .map((e) => ({ start: offsetOf(text, e.range.start), end: offsetOf(text, e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Labels in the order an editor shows them (sortText, then label). */
function sorted(items: CompletionItem[]): string[] {
  return [...items].sort((a, b) => (a.sortText ?? String(a.label)).localeCompare(b.sortText ?? String(b.label))).map((i) => String(i.label));
}

describe('completion: configure_autoscaling keywords', () => {
  test('offers the keywords not set in the call, before or after the cursor', () => {
    const c = complete(`${HEADER}app.configure_autoscaling(cold_workers=1, max_$0, target_util=0.8)\n`);
    assert.ok(c.labels.includes('max_workers='));
    assert.ok(c.labels.includes('max_queue_time='));
    assert.ok(!c.labels.includes('cold_workers='), 'already set before the cursor');
    assert.ok(!c.labels.includes('target_util='), 'already set after the cursor');
    const maxWorkers = c.item('max_workers=');
    assert.equal(maxWorkers.filterText, 'max_workers');
    assert.match(maxWorkers.detail ?? '', /Tier 1/);
    assert.equal(c.apply('max_workers='), `${HEADER}app.configure_autoscaling(cold_workers=1, max_workers=, target_util=0.8)\n`);
  });

  test('works on a half-typed call the parser cannot read', () => {
    const c = complete(`${HEADER}app.configure_autoscaling(max_$0\napp.ensure_ready()\n`);
    assert.ok(c.labels.includes('max_workers='));
    assert.equal(c.items.length, 9);
    assert.equal(c.items.filter((i) => i.preselect).length, 1);
  });

  test('multi-line calls see keywords on other lines', () => {
    const c = complete(`${HEADER}app.configure_autoscaling(\n    min_load=100,\n    $0\n    max_workers=4,\n)\n`);
    assert.ok(!c.labels.includes('min_load=') && !c.labels.includes('max_workers='));
    assert.ok(c.labels.includes('cold_workers='));
  });

  test('a comment line ending in "." above the call does not hide the call (examples/square line 19)', () => {
    for (const comment of ['# a.', '# Tuning it is a Tier 1 update.', '# see app.', '# a. "quoted."']) {
      const c = complete(`${HEADER}${comment}\napp.configure_autoscaling($0)\n`);
      assert.ok(c.labels.includes('max_workers='), `${comment}: ${c.labels.join(', ')}`);
    }
    const chained = complete(`${HEADER}image = app.image("i", storage=16)  # note.\nimage.require($0)\n`);
    assert.ok(chained.labels.length > 0, 'image.require( after an inline comment ending in "."');
  });

  test('no keywords in a value position', () => {
    assert.deepEqual(complete(`${HEADER}app.configure_autoscaling(max_workers=$0)\n`).labels, []);
    assert.deepEqual(complete(`${HEADER}app.configure_autoscaling(max_workers=4$0)\n`).labels, []);
  });
});

describe('completion: Deployment(...), app.image(...), @app.remote(...) keywords', () => {
  test('Deployment( offers its fields, name first', () => {
    const c = complete('from vastai import Deployment\n\napp = Deployment($0\n');
    assert.deepEqual(sorted(c.items).slice(0, 3), ['name=', 'tag=', 'version_label=']);
    assert.equal(c.item('name=').preselect, true);
  });

  test('Deployment(name=..., |) leaves out name; an alias of Deployment works', () => {
    const c = complete('from vastai import Deployment as D\n\napp = D(name="x", $0)\n');
    assert.ok(!c.labels.includes('name='));
    assert.ok(c.labels.includes('tag='));
  });

  test('@app.remote( offers the benchmark keywords', () => {
    const c = complete(`${HEADER}\n@app.remote($0)\nasync def f(x):\n    return x\n`);
    assert.deepEqual(c.labels, ['benchmark_dataset=', 'benchmark_generator=', 'benchmark_runs=']);
  });

  test('app.image( offers from_image, storage and the docker login keywords', () => {
    const c = complete(`${HEADER}image = app.image("img", $0)\n`);
    assert.ok(c.labels.includes('storage='));
    assert.ok(c.labels.includes('docker_login_user='));
  });

  test('a call that is not Vast gets nothing', () => {
    assert.deepEqual(complete(`${HEADER}print($0)\n`).labels, []);
  });
});

describe('completion: methods', () => {
  test('app. offers Deployment methods, what the deployment lacks first', () => {
    const c = complete(`${HEADER}app.$0\n`);
    assert.deepEqual(new Set(c.labels), new Set(['remote', 'context', 'image', 'configure_autoscaling', 'ensure_ready', 'get_context']));
    assert.equal(c.item('image').preselect, true);
    assert.deepEqual(sorted(c.items).slice(0, 3), ['image', 'configure_autoscaling', 'ensure_ready']);
  });

  test('image. offers Image methods, require preselected while the image has none', () => {
    const c = complete(`${HEADER}image = app.image("img", 16)\nimage.pip$0\n`);
    assert.ok(c.labels.includes('pip_install') && c.labels.includes('use_system_python'));
    assert.equal(c.item('require').preselect, true);
    assert.match(c.item('pip_install').detail ?? '', /pip_install\(\*packages: str\)/);
    assert.equal(c.apply('pip_install'), `${HEADER}image = app.image("img", 16)\nimage.pip_install\n`);
  });

  test('after a chained image call: app.image(...). and image.pip_install(...).', () => {
    assert.ok(complete(`${HEADER}app.image("img", 16).$0\n`).labels.includes('apt_get'));
    assert.ok(complete(`${HEADER}image = app.image("img", 16)\nimage.pip_install("a, b").$0\n`).labels.includes('env'));
  });

  test('other receivers get nothing', () => {
    assert.deepEqual(complete(`${HEADER}import os\nos.$0\n`).labels, []);
  });
});

describe('completion: query columns in require(...)', () => {
  test('offers columns with type and unit, imports the column on the way', () => {
    const c = complete(`${HEADER}image = app.image("img", 16)\nimage.require(gpu_name == "RTX 4090", gpu_r$0)\n`);
    const ram = c.item('gpu_ram');
    assert.equal(ram.detail, 'number · MB');
    assert.match((ram.documentation as { value: string }).value, /MB/);
    assert.deepEqual(ram.additionalTextEdits, [
      { range: { start: { line: 1, character: 38 }, end: { line: 1, character: 38 } }, newText: ', gpu_ram' },
    ]);
    assert.equal(
      c.apply('gpu_ram'),
      'from vastai import Deployment\nfrom vastai.data.query import gpu_name, gpu_ram\n\napp = Deployment(name="x")\n' +
        'image = app.image("img", 16)\nimage.require(gpu_name == "RTX 4090", gpu_ram)\n',
    );
    assert.equal(c.item('gpu_name').additionalTextEdits, undefined, 'gpu_name is imported already');
    assert.equal(c.item('gpu_ram').preselect, true, 'gpu_name is written in the call already');
  });

  test('no columns in a value position', () => {
    assert.deepEqual(complete(`${HEADER}image = app.image("img", 16)\nimage.require(num_gpus >= $0)\n`).labels, []);
  });
});

describe('completion: GPU constants', () => {
  test('after gpu_name ==, with the import added to the existing query import', () => {
    const c = complete(`${HEADER}image = app.image("img", 16)\nimage.require(gpu_name == RTX_40$0)\n`);
    const rtx = c.item('RTX_4090');
    assert.equal(rtx.detail, '"RTX 4090" · RTX 40 series');
    assert.deepEqual(rtx.additionalTextEdits, [
      { range: { start: { line: 1, character: 38 }, end: { line: 1, character: 38 } }, newText: ', RTX_4090' },
    ]);
    assert.equal(
      c.apply('RTX_4090'),
      'from vastai import Deployment\nfrom vastai.data.query import gpu_name, RTX_4090\n\napp = Deployment(name="x")\n' +
        'image = app.image("img", 16)\nimage.require(gpu_name == RTX_4090)\n',
    );
    assert.deepEqual(sorted(c.items).slice(0, 2), ['RTX_4090', 'RTX_5090']);
  });

  test('after gpu_name != and inside gpu_name.in_([ / .notin_([', () => {
    assert.ok(complete(`${HEADER}x = gpu_name != $0\n`).labels.includes('H100_SXM'));
    const inList = complete(`${HEADER}from vastai.data.query import RTX_4090\nimage = app.image("img", 16)\nimage.require(gpu_name.in_([RTX_4090, $0]))\n`);
    assert.ok(inList.labels.includes('H100_SXM'));
    assert.equal(inList.item('RTX_4090').additionalTextEdits, undefined, 'imported already');
    assert.ok(complete(`${HEADER}image = app.image("img", 16)\nimage.require(gpu_name.notin_([$0\n`).labels.includes('L40S'));
  });

  test('without any query import, a new import line goes after the last vastai import', () => {
    const c = complete('import os\nfrom vastai import Deployment\n\nimport vastai.data.query\napp = Deployment(name="x")\nimage = app.image("img", 16)\nimage.require(vastai.data.query.gpu_name == $0)\n');
    assert.deepEqual(c.item('H100_SXM').additionalTextEdits, [
      { range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, newText: 'from vastai.data.query import H100_SXM\n' },
    ]);
  });

  test('through a module alias: q.NAME, no import needed', () => {
    const c = complete('from vastai import Deployment\nimport vastai.data.query as q\napp = Deployment(name="x")\nimage = app.image("img", 16)\nimage.require(q.gpu_name == $0)\n');
    const h100 = c.item('H100_SXM');
    assert.equal((h100.textEdit as TextEdit).newText, 'q.H100_SXM');
    assert.equal(h100.additionalTextEdits, undefined);
  });

  test('a multi-line parenthesized import is extended after its last name', () => {
    const c = complete('from vastai import Deployment\nfrom vastai.data.query import (\n    gpu_name,\n    gpu_ram,\n)\napp = Deployment(name="x")\nx = gpu_name == $0\n');
    assert.equal(c.apply('L4').split('\n')[3], '    gpu_ram, L4,');
  });

  test('gpu_name strings inside quotes', () => {
    const c = complete(`${HEADER}image = app.image("img", 16)\nimage.require(gpu_name == "RTX 40$0")\n`);
    const item = c.item('RTX 4090');
    assert.equal(item.detail, 'RTX_4090 · RTX 40 series');
    assert.equal(textOfRange(c.text, (item.textEdit as TextEdit).range), 'RTX 40');
    assert.ok(c.apply('RTX 4090').endsWith('image.require(gpu_name == "RTX 4090")\n'));
    assert.ok(complete(`${HEADER}x = gpu_name.in_(["H1$0`).labels.includes('H100 SXM'));
  });

  test('not after other columns', () => {
    assert.deepEqual(complete(`${HEADER}from vastai.data.query import gpu_arch\nx = gpu_arch == $0\n`).labels, []);
  });
});

describe('completion: benchmark_dataset keys', () => {
  const DEF = '\nasync def generate(prompt: str, max_tokens: int = 16, *args, **kwargs):\n    return prompt\n';

  test('offers the missing parameters at a key position, required first', () => {
    const c = complete(`${HEADER}\n@app.remote(benchmark_dataset=[{$0}])${DEF}`);
    assert.deepEqual(sorted(c.items), ['prompt', 'max_tokens']);
    assert.equal(c.item('prompt').preselect, true);
    assert.equal(c.item('prompt').detail, 'prompt: str');
    assert.ok(c.apply('prompt').includes('benchmark_dataset=[{"prompt": }])'));
  });

  test('only parameters not yet in the dict, while the decorator is half-typed', () => {
    const c = complete(`${HEADER}\n@app.remote(benchmark_dataset=[{"prompt": "hi", $0${DEF}`);
    assert.deepEqual(c.labels, ['max_tokens']);
    assert.ok(c.apply('max_tokens').includes('[{"prompt": "hi", "max_tokens": \nasync def'));
  });

  test('inside an opened quote, with and without the closing quote', () => {
    const closed = complete(`${HEADER}\n@app.remote(benchmark_dataset=[{"max_tokens": 3, "$0"}])${DEF}`);
    assert.deepEqual(closed.labels, ['prompt']);
    assert.equal(closed.item('prompt').filterText, '"prompt"');
    assert.ok(closed.apply('prompt').includes('[{"max_tokens": 3, "prompt": }]'));
    const open = complete(`${HEADER}\n@app.remote(benchmark_dataset=[{'pr$0${DEF}`);
    assert.ok(open.apply('prompt').includes(`[{'prompt': \n`));
    const existingKey = complete(`${HEADER}\n@app.remote(benchmark_dataset=[{"pr$0": "x"}])${DEF}`);
    assert.ok(existingKey.apply('prompt').includes('[{"prompt": "x"}]'));
  });

  test('in the second dict of the list; nothing in a value position', () => {
    assert.deepEqual(complete(`${HEADER}\n@app.remote(benchmark_dataset=[{"prompt": "a"}, {$0}])${DEF}`).labels.sort(), ['max_tokens', 'prompt']);
    assert.deepEqual(complete(`${HEADER}\n@app.remote(benchmark_dataset=[{"prompt": $0}])${DEF}`).labels, []);
  });

  test('a module constant used as benchmark_dataset', () => {
    const c = complete(`${HEADER}DATA = [{"prompt": "a", $0}]\n\n@app.remote(benchmark_dataset=DATA)${DEF}`);
    assert.deepEqual(c.labels, ['max_tokens']);
  });
});

describe('completion: elsewhere', () => {
  test('import lists of vastai.data.query offer what is not imported', () => {
    const c = complete('from vastai import Deployment\nfrom vastai.data.query import gpu_name, $0\n');
    assert.ok(c.labels.includes('gpu_ram') && c.labels.includes('RTX_4090'));
    assert.ok(!c.labels.includes('gpu_name'));
    assert.equal(c.item('gpu_ram').additionalTextEdits, undefined);
  });

  test('CRLF line breaks', () => {
    const c = complete(`${HEADER}app.configure_autoscaling(\r\n    min_load=1,\r\n    $0\r\n)\r\n`.replace(/(?<!\r)\n/g, '\r\n'));
    assert.ok(c.labels.includes('max_workers=') && !c.labels.includes('min_load='));
    const gpu = complete(`${HEADER}x = gpu_name == RT$0\r\n`.replace(/(?<!\r)\n/g, '\r\n'));
    assert.deepEqual(gpu.item('RTX_4090').additionalTextEdits?.[0].range.start, { line: 1, character: 38 });
  });

  test('nothing in comments, plain strings or non-Vast files', () => {
    assert.deepEqual(complete(`${HEADER}# app.$0\n`).labels, []);
    assert.deepEqual(complete(`${HEADER}x = "app.$0"\n`).labels, []);
    assert.deepEqual(complete('import os\nos.path.$0\n').labels, []);
  });
});

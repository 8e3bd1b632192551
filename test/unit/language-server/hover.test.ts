// Hover, in-process: the model of a fixture (or of an inline text with a `$0` cursor marker) and hoverAt().
import assert from 'node:assert/strict';
import * as fs from 'fs';
import { before, describe, test } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver/node';
import { analyzeText, initPythonParser } from '../../../src/analysis/document';
import { positionAt } from '../../../src/language-server/cursor';
import { hoverAt } from '../../../src/language-server/hover';
import type { Position } from '../../../src/analysis/model/types';
import { textOfRange } from '../../support/expectations';
import { fixturePath } from '../../support/paths';

before(() => initPythonParser());

const FIXTURE = fs.readFileSync(fixturePath('lsp', 'hover.py'), 'utf8');

/** The position `into` characters into the n-th occurrence (0-based) of `needle` in `text`. */
function positionOf(text: string, needle: string, occurrence = 0, into = 1): Position {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" #${occurrence} not in the text`);
  }
  return positionAt(text, at + into);
}

function hoverIn(text: string, position: Position): { markdown: string; token: string } | undefined {
  const { model } = analyzeText(text);
  const h: Hover | null = hoverAt(model, position);
  if (!h) return undefined;
  assert.ok(h.range, 'a hover names the range of its token');
  return { markdown: (h.contents as MarkupContent).value, token: textOfRange(text, h.range) };
}

/** Hover on the fixture at `needle` (n-th occurrence); fails when there is none. */
function hoverAtNeedle(needle: string, occurrence = 0, into = 1) {
  const h = hoverIn(FIXTURE, positionOf(FIXTURE, needle, occurrence, into));
  assert.ok(h, `a hover on "${needle}" #${occurrence}`);
  return h;
}

/** Text with a `$0` cursor marker → the text without it and the marker's position. */
function withCursor(marked: string): { text: string; position: Position } {
  const at = marked.indexOf('$0');
  assert.ok(at >= 0, 'the text needs a $0 cursor marker');
  const text = marked.slice(0, at) + marked.slice(at + 2);
  return { text, position: positionAt(text, at) };
}

describe('hover: Deployment(...)', () => {
  test('a keyword shows its type, default and tier effect, on exactly the keyword', () => {
    const h = hoverAtNeedle('tag=');
    assert.equal(h.token, 'tag');
    assert.match(h.markdown, /tag: str = "default"/);
    assert.match(h.markdown, /Tier 4/);
  });

  test('ttl and name', () => {
    assert.match(hoverAtNeedle('ttl=').markdown, /ttl: float \| None = None/);
    assert.match(hoverAtNeedle('name="hover-demo"').markdown, /new deployment/);
  });

  test('the Deployment class, in the call and in the import', () => {
    const call = hoverAtNeedle('Deployment(');
    assert.equal(call.token, 'Deployment');
    assert.match(call.markdown, /class Deployment\(/);
    assert.equal(hoverAtNeedle('import Deployment', 0, 8).token, 'Deployment');
  });
});

describe('hover: image', () => {
  test('app.image names the Deployment method', () => {
    const h = hoverAtNeedle('image(', 0, 2);
    assert.equal(h.token, 'image');
    assert.match(h.markdown, /Deployment\.image\(from_image: str, storage: int/);
  });

  test('app.image keywords', () => {
    const h = hoverAtNeedle('storage=32');
    assert.equal(h.token, 'storage');
    assert.match(h.markdown, /\*\*GB\*\*/);
    assert.match(h.markdown, /Tier 3/);
  });

  test('step methods, chained or not, show signature, doc and tier', () => {
    const pip = hoverAtNeedle('pip_install');
    assert.equal(pip.token, 'pip_install');
    assert.match(pip.markdown, /Image\.pip_install\(\*packages: str\) -> Image/);
    assert.match(pip.markdown, /Tier 2/);
    const apt = hoverAtNeedle('apt_get');
    assert.match(apt.markdown, /Image\.apt_get/);
    const req = hoverAtNeedle('require(');
    assert.equal(req.token, 'require');
    assert.match(req.markdown, /Tier 3/);
  });
});

describe('hover: autoscaling, remote, Deployment methods', () => {
  test('configure_autoscaling keywords show type, range and Tier 1', () => {
    const h = hoverAtNeedle('target_util');
    assert.equal(h.token, 'target_util');
    assert.match(h.markdown, /target_util: float/);
    assert.match(h.markdown, /> 0 and <= 1/);
    assert.match(h.markdown, /Tier 1/);
    assert.match(hoverAtNeedle('min_load').markdown, />= 0/);
  });

  test('@app.remote keywords', () => {
    const ds = hoverAtNeedle('benchmark_dataset');
    assert.equal(ds.token, 'benchmark_dataset');
    assert.match(ds.markdown, /list\[dict\] \| None = None/);
    assert.match(ds.markdown, /Exactly one/);
    assert.match(hoverAtNeedle('benchmark_runs').markdown, /benchmark_runs: int = 10/);
  });

  for (const [needle, method, occurrence] of [
    ['remote(', 'remote', 0],
    ['context()', 'context', 0],
    ['get_context', 'get_context', 0],
    ['configure_autoscaling', 'configure_autoscaling', 0],
    ['ensure_ready', 'ensure_ready', 0],
  ] as const) {
    test(`app.${method}`, () => {
      const h = hoverAtNeedle(needle, occurrence, 2);
      assert.equal(h.token, method);
      assert.ok(h.markdown.includes(method), h.markdown);
    });
  }

  test('configure_autoscaling says it must be called', () => {
    assert.match(hoverAtNeedle('configure_autoscaling').markdown, /must be called at least once/);
  });
});

describe('hover: query columns and GPU constants', () => {
  test('gpu_ram used through its alias mentions MB, on exactly the name', () => {
    const h = hoverAtNeedle('ram >= 24000');
    assert.equal(h.token, 'ram');
    assert.match(h.markdown, /\(query column\) gpu_ram/);
    assert.match(h.markdown, /MB/);
    assert.match(h.markdown, /\*\*Category:\*\* GPU/);
    assert.match(h.markdown, /gpu_ram >= 24000/);
  });

  test('columns in the import line, aliased or not', () => {
    const imported = hoverAtNeedle('gpu_ram as ram');
    assert.equal(imported.token, 'gpu_ram');
    assert.match(imported.markdown, /MB/);
    assert.equal(hoverAtNeedle('ram,', 0, 0).token, 'ram');
    const cpu = hoverAtNeedle('cpu_ram,');
    assert.equal(cpu.token, 'cpu_ram');
    assert.match(cpu.markdown, /System RAM/);
  });

  test('a module attribute: q.cpu_ram', () => {
    const h = hoverAtNeedle('q.cpu_ram', 0, 3);
    assert.equal(h.token, 'cpu_ram');
    assert.match(h.markdown, /MB/);
  });

  test('a column used as a method receiver: gpu_name.in_', () => {
    const h = hoverAtNeedle('gpu_name.in_');
    assert.equal(h.token, 'gpu_name');
    assert.match(h.markdown, /\*\*Type:\*\* `string`/);
  });

  test('GPU constants in the import and in use', () => {
    for (const occurrence of [0, 1]) {
      const h = hoverAtNeedle('RTX_4090', occurrence);
      assert.equal(h.token, 'RTX_4090');
      assert.ok(h.markdown.includes('`RTX_4090` → gpu_name `"RTX 4090"`'), h.markdown);
      assert.match(h.markdown, /RTX 40 series/);
    }
    assert.ok(hoverAtNeedle('H100_SXM', 1).markdown.includes('gpu_name `"H100 SXM"`'));
  });

  test('a column outside require(...) is still a column when imported', () => {
    const { text, position } = withCursor('from vastai.data.query import dph_total\nLIMIT = dph_$0total\n');
    const h = hoverIn(text, position);
    assert.ok(h);
    assert.equal(h.token, 'dph_total');
    assert.match(h.markdown, /USD\/hour/);
  });

  test('a column not imported inside require(...) is documented', () => {
    const { text, position } = withCursor(
      'from vastai import Deployment\napp = Deployment(name="x")\nimage = app.image("img", 16)\nimage.require(num_g$0pus == 1)\n',
    );
    assert.match(hoverIn(text, position)?.markdown ?? '', /Number of GPUs per worker/);
  });

  test('ranges are UTF-16 columns', () => {
    const { text, position } = withCursor('from vastai.data.query import gpu_ram\nlabel = "😀 é"; x = gpu_$0ram\n');
    const { model } = analyzeText(text);
    assert.deepEqual(hoverAt(model, position)?.range, { start: { line: 1, character: 20 }, end: { line: 1, character: 27 } });
  });

  test('a local variable with a column name is not a column', () => {
    const { text, position } = withCursor('from vastai import Deployment\ngpu_ram = 5\nprint(gpu_r$0am)\n');
    assert.equal(hoverIn(text, position), undefined);
  });
});

describe('hover: #!VAST_IGNORE_CHANGES', () => {
  test('the marker comment explains the content hash', () => {
    const h = hoverAtNeedle('#!VAST_IGNORE_CHANGES', 0, 5);
    assert.equal(h.token, '#!VAST_IGNORE_CHANGES');
    assert.match(h.markdown, /content hash/);
    assert.match(h.markdown, /soft update/);
  });

  test('the same text inside a string is no marker', () => {
    assert.equal(hoverIn(FIXTURE, positionOf(FIXTURE, '#!VAST_IGNORE_CHANGES', 1, 5)), undefined);
  });

  test('`# !VAST_IGNORE_CHANGES` with a space counts too', () => {
    const { text, position } = withCursor('from vastai import Deployment\napp = Deployment(name="x")\napp.configure_autoscaling()  # !VAST_$0IGNORE_CHANGES\n');
    assert.equal(hoverIn(text, position)?.token, '# !VAST_IGNORE_CHANGES');
  });
});

describe('hover: elsewhere', () => {
  test('nothing on plain Python', () => {
    assert.equal(hoverIn(FIXTURE, positionOf(FIXTURE, 'return prompt', 0, 8)), undefined);
    assert.equal(hoverIn(FIXTURE, positionOf(FIXTURE, '"Hello"', 0, 2)), undefined);
  });

  test('nothing in a file that is not a deployment', () => {
    const { text, position } = withCursor('import os\nx = os.path.join("a", "b")  #!VAST_IGNORE$0_CHANGES\n');
    assert.equal(hoverIn(text, position), undefined);
  });

  test('methods on a line the parser could not keep still get their docs', () => {
    const { text, position } = withCursor(
      'from vastai import Deployment\napp = Deployment(name="x")\nimage = app.image("img", 16)\nimage.pip_install("a").run_c$0md(\napp.ensure_ready()\n',
    );
    const h = hoverIn(text, position);
    assert.equal(h?.token, 'run_cmd');
    assert.match(h?.markdown ?? '', /Image\.run_cmd/);
    const half = withCursor('from vastai import Deployment\napp = Deployment(name="x")\napp.configure_auto$0scaling(max_\n');
    assert.equal(hoverIn(half.text, half.position)?.token, 'configure_autoscaling');
  });

  test('an unknown keyword has no hover', () => {
    const { text, position } = withCursor('from vastai import Deployment\napp = Deployment(nmae$0="x")\n');
    assert.equal(hoverIn(text, position), undefined);
  });
});

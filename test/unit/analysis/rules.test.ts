// Every rule has fixtures under test/fixtures/rules/<ID>/: `positive*.py` (the rule fires where marked) and
// `negative*.py` (it does not). Each fixture must produce exactly the marked diagnostics, of any rule, so a rule that
// fires where it should not is caught by every other rule's fixtures too. A `<name>.fixed.py` beside a fixture is
// the text after applying the first quick fix of each diagnostic of that rule.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { before, describe, test } from 'node:test';
import { analyzeText, initPythonParser } from '../../../src/analysis/document';
import { RULES } from '../../../src/analysis/rules/registry';
import { applyFirstFixes, compareToExpectations, parseExpectations } from '../../support/expectations';
import { fixturePath } from '../../support/paths';

before(() => initPythonParser());

const root = fixturePath('rules');

describe('rule registry', () => {
  test('ids are unique, well formed and documented', () => {
    const ids = new Set<string>();
    for (const r of RULES) {
      assert.match(r.id, /^VD\d{3}$/);
      assert.ok(!ids.has(r.id), `duplicate id ${r.id}`);
      ids.add(r.id);
      assert.match(r.name, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, `${r.id} name`);
      assert.ok(r.title.length > 10 && r.docs.length > 20, `${r.id} needs a title and a docs line`);
    }
  });

  for (const rule of RULES) {
    test(`${rule.id} has a positive and a negative fixture`, () => {
      const dir = path.join(root, rule.id);
      const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
      assert.ok(files.some((f) => f.startsWith('positive') && f.endsWith('.py') && !f.endsWith('.fixed.py')), `${dir}/positive*.py`);
      assert.ok(files.some((f) => f.startsWith('negative') && f.endsWith('.py')), `${dir}/negative*.py`);
    });
  }
});

for (const id of fs.existsSync(root) ? fs.readdirSync(root).sort() : []) {
  describe(`fixtures ${id}`, () => {
    const dir = path.join(root, id);
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.py') && !f.endsWith('.fixed.py')).sort()) {
      const full = path.join(dir, file);
      test(file, () => {
        const text = fs.readFileSync(full, 'utf8');
        const expected = parseExpectations(text);
        if (file.startsWith('positive')) {
          assert.ok(expected.some((e) => e.code === id), `${file} must expect at least one ${id}`);
        } else if (file.startsWith('negative')) {
          assert.ok(!expected.some((e) => e.code === id), `${file} must not expect ${id}`);
        }
        const { diagnostics } = analyzeText(text, { filePath: full });
        const problems = compareToExpectations(text, diagnostics, expected);
        assert.deepEqual(problems, [], `${path.relative(root, full)}:\n  ${problems.join('\n  ')}`);
        const fixed = full.replace(/\.py$/, '.fixed.py');
        if (fs.existsSync(fixed)) {
          assert.equal(applyFirstFixes(text, diagnostics, id), fs.readFileSync(fixed, 'utf8'), `fix of ${id} in ${file}`);
        }
      });
    }
  });
}

// The !VAST_IGNORE_CHANGES injection grammar: its regex as TextMate applies it, and (when code-server is cached)
// VS Code's own tokenizer with the real Python grammar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const GRAMMAR_FILE = 'syntaxes/vast-ignore-changes.injection.json';

function repoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, GRAMMAR_FILE))) return dir;
    if (dirname(dir) === dir) throw new Error(`${GRAMMAR_FILE} not found above ${__dirname}`);
  }
}

interface Rule {
  name?: string;
  match: string;
  captures: Record<string, { name: string }>;
}
const root = repoRoot();
const grammar = JSON.parse(readFileSync(join(root, GRAMMAR_FILE), 'utf8'));
const rule: Rule = grammar.repository['ignore-changes'];

/**
 * Where the marker rule matches in a line that is one Python comment, as vscode-textmate applies it: the injection
 * only runs inside comment.line.number-sign.python, i.e. after the Python grammar consumed '#', and `\G` is the
 * position right after that '#'. JavaScript has no `\G`; a sticky regex started there means the same.
 */
function markerIn(line: string): string | undefined {
  assert.ok(rule.match.startsWith('\\G'), 'the rule is anchored right after the #');
  const re = new RegExp(rule.match.slice(2), 'y');
  re.lastIndex = line.indexOf('#') + 1;
  return re.exec(line)?.[1];
}

test('grammar is an injection into Python line comments', () => {
  assert.equal(grammar.scopeName, 'vast.ignore-changes.injection');
  assert.equal(grammar.injectionSelector, 'L:comment.line.number-sign.python');
  assert.deepEqual(grammar.patterns, [{ include: '#ignore-changes' }]);
  assert.equal(rule.captures['1'].name, 'keyword.control.directive.vast-ignore-changes');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const contribution = pkg.contributes.grammars.find((g: { scopeName: string }) => g.scopeName === grammar.scopeName);
  assert.equal(resolve(root, contribution.path), join(root, GRAMMAR_FILE));
  assert.deepEqual(contribution.injectTo, ['source.python']);
});

test('marker regex matches the exact comment, whitespace-trimmed', () => {
  assert.equal(markerIn('# !VAST_IGNORE_CHANGES'), '!VAST_IGNORE_CHANGES');
  assert.equal(markerIn('#!VAST_IGNORE_CHANGES  '), '!VAST_IGNORE_CHANGES');
  assert.equal(markerIn('    #\t!VAST_IGNORE_CHANGES'), '!VAST_IGNORE_CHANGES');
});

test('marker regex rejects other comments', () => {
  assert.equal(markerIn('# !VAST_IGNORE_CHANGES now'), undefined);
  assert.equal(markerIn('# VAST_IGNORE_CHANGES'), undefined);
  assert.equal(markerIn('# see !VAST_IGNORE_CHANGES'), undefined);
  assert.equal(markerIn('## !VAST_IGNORE_CHANGES'), undefined);
  assert.equal(markerIn('# !vast_ignore_changes'), undefined);
});

/** code-server's bundled VS Code (lib/vscode), when it is installed: $CODE_SERVER or the cache of scripts/code-server.mjs. */
function bundledVscode(): string | undefined {
  const bin =
    process.env.CODE_SERVER ??
    join(process.env.VSCODE_CI_CACHE ?? join(homedir(), '.cache', 'vscode-ci'), 'code-server-4.100.3/node_modules/.bin/code-server');
  if (!existsSync(bin)) return undefined;
  const vscodeDir = resolve(dirname(realpathSync(bin)), '../../lib/vscode'); // bin -> code-server/out/node/entry.js
  return existsSync(join(vscodeDir, 'node_modules/vscode-textmate')) ? vscodeDir : undefined;
}

const vscodeDir = bundledVscode();
test('VS Code tokenizer scopes the marker (real Python grammar)', { skip: vscodeDir ? false : 'code-server not installed' }, async () => {
  const req = createRequire(__filename);
  const tm = req(join(vscodeDir!, 'node_modules/vscode-textmate'));
  const onig = req(join(vscodeDir!, 'node_modules/vscode-oniguruma'));
  await onig.loadWASM(readFileSync(join(vscodeDir!, 'node_modules/vscode-oniguruma/release/onig.wasm')).buffer);
  const files: Record<string, string> = {
    'source.python': join(vscodeDir!, 'extensions/python/syntaxes/MagicPython.tmLanguage.json'),
    [grammar.scopeName]: join(root, GRAMMAR_FILE),
  };
  const registry = new tm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new onig.OnigScanner(patterns),
      createOnigString: (s: string) => new onig.OnigString(s),
    }),
    loadGrammar: async (scope: string) => (files[scope] ? tm.parseRawGrammar(readFileSync(files[scope], 'utf8'), files[scope]) : null),
    getInjections: (scope: string) => (scope === 'source.python' ? [grammar.scopeName] : []),
  });
  const python = await registry.loadGrammar('source.python');
  const scopesOf = (line: string, text: string): string[] => {
    const { tokens } = python.tokenizeLine(line, tm.INITIAL);
    const token = tokens.find((t: { startIndex: number; endIndex: number }) => line.slice(t.startIndex, t.endIndex) === text);
    return token?.scopes ?? [];
  };
  const marker = 'keyword.control.directive.vast-ignore-changes';
  assert.ok(scopesOf('# !VAST_IGNORE_CHANGES', '!VAST_IGNORE_CHANGES').includes(marker));
  assert.ok(scopesOf('#!VAST_IGNORE_CHANGES  ', '!VAST_IGNORE_CHANGES').includes(marker));
  assert.ok(scopesOf('x = 1  # !VAST_IGNORE_CHANGES', '!VAST_IGNORE_CHANGES').includes(marker));
  assert.ok(scopesOf('# !VAST_IGNORE_CHANGES', '#').includes('punctuation.definition.comment.python'));
  assert.ok(!scopesOf('# !VAST_IGNORE_CHANGES now', ' !VAST_IGNORE_CHANGES now').includes(marker));
  assert.deepEqual(scopesOf('# VAST_IGNORE_CHANGES', ' VAST_IGNORE_CHANGES'), ['source.python', 'comment.line.number-sign.python']);
  assert.ok(!scopesOf('s = "# !VAST_IGNORE_CHANGES"', '# !VAST_IGNORE_CHANGES').includes(marker));
});

// `vast/searchParamsAt` in-process: the offer hover asks the server whether a position is on require(...) or
// app.image(...), and what that image searches for; the answer comes from the model of the open document.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import { before, describe, test } from 'node:test';
import { analyzeText, initPythonParser } from '../../../src/analysis/document';
import { positionAt } from '../../../src/language-server/cursor';
import type { AnalysisLookup } from '../../../src/language-server/features';
import { searchParamsAt } from '../../../src/language-server/searchParamsRequest';
import type { SearchParamsAtParams, SearchParamsAtResult } from '../../../src/shared/protocol/lsp';
import { textOfRange } from '../../support/expectations';
import { fixturePath } from '../../support/paths';

before(() => initPythonParser());

const URI = 'file:///work/offers.py';
const TEXT = fs.readFileSync(fixturePath('lsp', 'offers.py'), 'utf8');
const LOCAL = { kind: 'local' as const, consoleUrl: 'http://127.0.0.1:4100', autoscalerUrl: 'http://127.0.0.1:4100' };
const CLOUD = { kind: 'vast' as const, consoleUrl: 'https://console.vast.ai', autoscalerUrl: 'https://run.vast.ai' };

function answerAt(needle: string, target: SearchParamsAtParams['target'] = LOCAL, text = TEXT): SearchParamsAtResult {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `"${needle}" is in the text`);
  const { model, diagnostics } = analyzeText(text);
  const lookup: AnalysisLookup = (uri) => (uri === URI ? ({ doc: undefined, analysis: { version: 1, model, diagnostics } } as unknown as ReturnType<AnalysisLookup>) : undefined);
  return searchParamsAt(lookup, { uri: URI, position: positionAt(text, at + 2), target }, {});
}

describe('vast/searchParamsAt', () => {
  test('on require(...): the search_params a deploy sends, the storage, scaling, ttl and each filter with its place', () => {
    const answer = answerAt('require(gpu_name');
    assert.ok(answer && answer.ok, JSON.stringify(answer));
    assert.equal(answer.deployment, 'priced');
    assert.equal(answer.searchParams, 'verified=true rentable=true rented=false gpu_name in RTX_4090,RTX_5090 gpu_ram>=0.024 num_gpus=2');
    assert.equal(answer.storage, 16);
    assert.deepEqual(answer.autoscaling, { cold_workers: 1, max_workers: 4, min_load: 100 });
    assert.equal(answer.ttl, 600);
    assert.equal(answer.consoleUrl, LOCAL.consoleUrl);
    assert.equal(textOfRange(TEXT, answer.range), 'image.require(gpu_name.in_([RTX_4090, RTX_5090]), gpu_ram >= 24)');
    assert.deepEqual(
      answer.requirements.map((r) => [r.filter, textOfRange(TEXT, r.range), r.column]),
      [
        ['gpu_name in RTX_4090,RTX_5090', 'gpu_name.in_([RTX_4090, RTX_5090])', 'gpu_name'],
        ['gpu_ram>=0.024', 'gpu_ram >= 24', 'gpu_ram'],
        ['num_gpus=2', 'num_gpus == 2', 'num_gpus'],
      ],
    );
  });

  test('on app.image(...): the same answer; elsewhere (pip_install, a remote function): null', () => {
    const onImage = answerAt('app.image(');
    assert.ok(onImage && onImage.ok);
    assert.equal(textOfRange(TEXT, onImage.range), 'app.image("vastai/base-image:@vastai-automatic-tag", 16)');
    assert.equal(onImage.searchParams, (answerAt('require(num_gpus') as { searchParams: string }).searchParams);
    assert.equal(answerAt('pip_install'), null);
    assert.equal(answerAt('async def square'), null);
  });

  test('the cloud target: the file names no URL, so the target defaults stand', () => {
    const answer = answerAt('require(num_gpus', CLOUD);
    assert.ok(answer && answer.ok);
    assert.equal(answer.consoleUrl, CLOUD.consoleUrl);
    assert.equal(answer.apiKey, undefined);
  });

  test('a storage only Python knows: on the call, but no search (said in words)', () => {
    const answer = answerAt('other.image(');
    assert.ok(answer && !answer.ok);
    assert.equal(answer.deployment, 'unknowable');
    assert.match(answer.message, /storage/);
  });

  test('a replaced image says so (only the last app.image() is deployed)', () => {
    const text = TEXT.replace('app.configure_autoscaling', 'app.image("other", 8)\napp.configure_autoscaling');
    const answer = answerAt('image.require(num_gpus', LOCAL, text);
    assert.ok(answer && answer.ok);
    assert.equal(answer.replaced, true);
  });
});

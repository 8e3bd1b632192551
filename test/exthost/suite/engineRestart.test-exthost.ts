// Settings the local engine reads only when it starts (vast.engine.*, vast.pythonPath, vast.query.strictGpuFilters):
// changing one while the REAL engine runs asks whether to restart it, and "Restart Engine" gives the engine the new
// value. The question is answered through the test hooks instead of a notification. The engine runs in the state
// folder test/e2e/run.mjs gives this run and is stopped at the end.
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, waitFor } from '../support';

const RESTART = 'Restart Engine';

const settle = () => new Promise((r) => setTimeout(r, 1000));

async function update(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('vast').update(key, value, vscode.ConfigurationTarget.Global);
}

/** What the running engine says of itself: its pid and the worker limit it started with. */
async function engineInfo(): Promise<{ pid: number; worker_limit: number }> {
  const { url, api_key } = JSON.parse(fs.readFileSync(path.join(process.env.VAST_DEPLOY_STATE!, 'engine.json'), 'utf8')) as { url: string; api_key: string };
  const response = await fetch(`${url}/local/v0/info`, { headers: { authorization: `Bearer ${api_key}` } });
  assert.equal(response.status, 200);
  return (await response.json()) as { pid: number; worker_limit: number };
}

suite('Engine settings apply after a restart', function () {
  this.timeout(120_000);
  const questions: { message: string; action: string }[] = [];
  let answer: string | undefined;
  let hook: vscode.Disposable | undefined;

  suiteSetup(async () => {
    hook = (await api()).replaceEngineRestartQuestion(async (message, action) => {
      questions.push({ message, action });
      return answer;
    });
  });

  suiteTeardown(async () => {
    hook?.dispose();
    await update('engine.maxWorkers', undefined);
    await update('poll.intervalSeconds', undefined);
    await vscode.commands.executeCommand('vast.stopEngine');
  });

  test('with the engine stopped, a changed engine setting asks nothing (the next start reads it)', async () => {
    await vscode.commands.executeCommand('vast.stopEngine');
    await update('engine.maxWorkers', 3);
    await settle();
    await update('engine.maxWorkers', undefined);
    await settle();
    assert.deepEqual(questions, []);
  });

  test('with the engine running, "Restart Engine" restarts it with the changed vast.engine.maxWorkers', async () => {
    assert.ok(await vscode.commands.executeCommand<string>('vast.startEngine'), 'the engine started');
    const before = await engineInfo();
    assert.equal(before.worker_limit, 2, 'the setting\'s default');
    answer = RESTART;
    await update('engine.maxWorkers', 3);
    await waitFor('the restart question', () => questions.length === 1);
    assert.equal(questions[0].action, RESTART);
    assert.match(questions[0].message, /vast\.engine\.maxWorkers/);
    assert.match(questions[0].message, /restart/);
    const after = await waitFor('the restarted engine', async () => {
      const info = await engineInfo();
      return info.pid !== before.pid ? info : undefined;
    });
    assert.equal(after.worker_limit, 3, 'the new engine read the changed setting');
    const targets = (await api()).ui.targets;
    await waitFor('the status to show the restarted engine', () => targets.engineStatus.running && targets.engineStatus.pid === after.pid);
  });

  test('a setting the engine does not read at start asks nothing; nor does changing back to what it runs with', async () => {
    questions.length = 0;
    answer = undefined; // dismissed: the engine keeps running with 3
    await update('poll.intervalSeconds', 30);
    await settle();
    assert.deepEqual(questions, []);
    await update('engine.maxWorkers', 4);
    await waitFor('the restart question for 4', () => questions.length === 1);
    await update('engine.maxWorkers', 3);
    await settle();
    assert.equal(questions.length, 1, `no question for the value the engine runs with: ${JSON.stringify(questions)}`);
    assert.equal((await engineInfo()).worker_limit, 3, 'a dismissed question restarts nothing');
  });
});

// Nothing a worker prints can grow the engine without bound: one line is cut at MAX_LOG_LINE_CHARS while it is
// split (the splitter never holds more of it), each endpoint's ring is bounded in characters as well as lines, log
// files rotate, a deleted deployment's lines and listeners leave memory, and one /get_endpoint_logs/ answer is bounded.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { DeploymentPutResponse } from '../../src/shared/protocol/vast';
import { LogBook, MAX_LOG_LINE_CHARS, MAX_LOGS_ANSWER_CHARS, RING_MAX_CHARS, RING_MAX_LINES, splitLines } from '../../src/engine/server/logs';
import { DAEMON_LOG_MAX_BYTES, tailOfFile } from '../../src/engine/daemon/state-dir';
import { ensureEngineRunning, stopEngine } from '../../src/engine/daemon/control';
import { api, deploy, enginesClosedAfterTests, tempStateDir, waitFor } from './helpers';

const startEngine = enginesClosedAfterTests();

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('log lines: split with a cap', () => {
  test('lines split at \\n, \\r\\n and \\r (across chunks); a long line is cut and says how much', async () => {
    const input = new PassThrough();
    const lines: string[] = [];
    splitLines(input, (l) => lines.push(l));
    input.write('one\r');
    input.write('\ntwo\rthree\n\nfour');
    input.write('x'.repeat(MAX_LOG_LINE_CHARS));
    input.write(`${'y'.repeat(10)}\nlast`);
    input.end();
    await new Promise((r) => input.once('end', r));
    assert.deepEqual(lines.slice(0, 4), ['one', 'two', 'three', '']);
    assert.ok(lines[4] === `four${'x'.repeat(MAX_LOG_LINE_CHARS - 4)} … [14 characters cut]`, `line 4 ends ${lines[4]!.slice(-40)}`);
    assert.equal(lines[5], 'last', 'a last line without a newline still comes out');
    assert.equal(lines.length, 6);
  });

  test('a UTF-8 character split between chunks stays whole', async () => {
    const input = new PassThrough();
    const lines: string[] = [];
    splitLines(input, (l) => lines.push(l));
    const bytes = Buffer.from('é€\n');
    for (const b of bytes) input.write(Buffer.from([b]));
    input.end();
    await new Promise((r) => input.once('end', r));
    assert.deepEqual(lines, ['é€']);
  });

  test('a 64 MB line with no newline yet is not held in memory while it streams in', async () => {
    const input = new PassThrough();
    const lines: string[] = [];
    splitLines(input, (l) => lines.push(l));
    const before = heapAfterGc();
    const chunk = 'z'.repeat(1024 * 1024);
    for (let i = 0; i < 64; i++) {
      input.write(Buffer.from(chunk));
      await new Promise((r) => setImmediate(r));
    }
    const during = heapAfterGc();
    // A splitter that kept the partial line would hold 64 MB here (readline did).
    assert.ok(during - before < 16 * 1024 * 1024, `heap grew ${during - before} bytes while the line streamed in`);
    input.end('\n');
    await new Promise((r) => input.once('end', r));
    assert.equal(lines.length, 1);
    const expected = `${'z'.repeat(MAX_LOG_LINE_CHARS)} … [${64 * 1024 * 1024 - MAX_LOG_LINE_CHARS} characters cut]`;
    assert.ok(lines[0] === expected, `the line (${lines[0]!.length} characters) ends ${lines[0]!.slice(-40)}`);
  });
});

describe('LogBook: bounded memory and files', () => {
  test('the ring is bounded in characters as well as lines, keeping the newest', () => {
    const book = new LogBook(path.join(tempStateDir(), 'logs'));
    const long = 'a'.repeat(MAX_LOG_LINE_CHARS);
    const count = Math.ceil((2 * RING_MAX_CHARS) / MAX_LOG_LINE_CHARS);
    for (let i = 0; i < count; i++) book.add(1, 7, 'stdout', `${i} ${long}`);
    assert.ok(book.heldChars(1) <= RING_MAX_CHARS, `held ${book.heldChars(1)} characters`);
    const kept = book.lines(1);
    assert.ok(kept.length < count && kept.length < RING_MAX_LINES, `kept ${kept.length} lines`);
    assert.ok(kept.at(-1)!.text.startsWith(`${count - 1} `), 'the newest line is kept');
    assert.ok(kept.every((l) => l.text.length <= MAX_LOG_LINE_CHARS + 40), 'every kept line is capped');
    // Many short lines: the line bound still holds.
    for (let i = 0; i < RING_MAX_LINES + 100; i++) book.add(2, 8, 'stdout', `line ${i}`);
    assert.equal(book.lines(2).length, RING_MAX_LINES);
    assert.equal(book.lines(2).at(-1)!.text, `line ${RING_MAX_LINES + 99}`);
  });

  test('a line added directly (lifecycle) is capped too', () => {
    const book = new LogBook(path.join(tempStateDir(), 'logs'));
    book.add(1, null, 'lifecycle', 'b'.repeat(MAX_LOG_LINE_CHARS + 500));
    assert.equal(book.lines(1)[0]!.text, `${'b'.repeat(MAX_LOG_LINE_CHARS)} … [500 characters cut]`);
  });

  test('a log file is rotated past its cap, one older file kept', () => {
    const dir = path.join(tempStateDir(), 'logs');
    const book = new LogBook(dir, undefined, { fileMaxBytes: 10_000 });
    for (let i = 0; i < 100; i++) book.add(1, 3, 'stdout', `${i} ${'c'.repeat(500)}`);
    const file = book.workerLogFile(1, 3);
    assert.ok(fs.statSync(file).size <= 10_000);
    assert.ok(fs.statSync(`${file}.1`).size <= 10_000);
    assert.match(fs.readFileSync(file, 'utf8').trimEnd().split('\n').at(-1)!, /\] 99 c+$/);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['endpoint-1-worker-3.log', 'endpoint-1-worker-3.log.1']);
  });

  test("forget drops the endpoint's lines, ends its listeners, deletes its files, and later lines stay out", () => {
    const dir = path.join(tempStateDir(), 'logs');
    const book = new LogBook(dir, undefined, { fileMaxBytes: 200 });
    const seen: string[] = [];
    let ended = false;
    book.subscribe((l) => seen.push(l.text), { endpointId: 1, onForgotten: () => (ended = true) });
    const other = book.subscribe(() => undefined, { endpointId: 2 });
    book.add(1, 5, 'stdout', 'hello');
    for (let i = 0; i < 4; i++) book.add(1, null, 'lifecycle', `endpoint line ${i} ${'e'.repeat(60)}`); // rotated: a .1 file
    book.add(2, 6, 'stdout', 'another endpoint');
    // A file of this endpoint's worker from a previous engine run, which this LogBook never wrote.
    fs.writeFileSync(path.join(dir, 'endpoint-1-worker-4.log'), 'old run\n');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['endpoint-1-worker-4.log', 'endpoint-1-worker-5.log', 'endpoint-1.log', 'endpoint-1.log.1', 'endpoint-2-worker-6.log']);
    book.forget(1);
    assert.equal(ended, true);
    assert.equal(book.listenerCount(), 1, "only the other endpoint's listener is left");
    book.add(1, 5, 'lifecycle', 'removed');
    assert.deepEqual(book.lines(1), []);
    assert.equal(book.heldChars(1), 0);
    assert.deepEqual(seen.slice(0, 2), ['hello', `endpoint line 0 ${'e'.repeat(60)}`]);
    assert.equal(seen.length, 5, 'nothing after forget');
    // Before, the files stayed on disk for ever, and late lines were still appended to them.
    assert.deepEqual(fs.readdirSync(dir), ['endpoint-2-worker-6.log'], "only the other endpoint's file is left");
    other();
  });

  test('the deleted endpoint ids it remembers are bounded, oldest dropped first', () => {
    const book = new LogBook(path.join(tempStateDir(), 'logs'), undefined, { forgottenKept: 3 });
    for (let id = 1; id <= 10; id++) book.forget(id);
    assert.equal(book.forgottenCount(), 3);
    book.add(10, 1, 'stdout', 'late line of a just-deleted endpoint');
    assert.deepEqual(book.lines(10), [], 'a recent id is still remembered');
    book.add(1, 1, 'stdout', 'an id deleted long ago');
    assert.equal(book.lines(1).length, 1, 'the oldest id was forgotten');
  });

  test('at start, the files of endpoints that no longer exist are removed, and nothing else', () => {
    const dir = path.join(tempStateDir(), 'logs');
    fs.mkdirSync(dir, { recursive: true });
    const names = ['endpoint-1.log', 'endpoint-1-worker-2.log.1', 'endpoint-3-worker-4.log', 'endpoint-3.log', 'notes.txt', 'worker-9.log'];
    for (const name of names) fs.writeFileSync(path.join(dir, name), 'x\n');
    const book = new LogBook(dir);
    assert.deepEqual(book.removeFilesExcept(new Set([3])).sort(), ['endpoint-1-worker-2.log.1', 'endpoint-1.log']);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['endpoint-3-worker-4.log', 'endpoint-3.log', 'notes.txt', 'worker-9.log']);
  });
});

describe('engine: worker logs stay bounded', () => {
  test('a worker printing a 64,000,000-character line: the engine does not hold it, and keeps it cut', async () => {
    const engine = await startEngine();
    const before = heapAfterGc();
    const put = await deploy(engine, '# PRINT_LONG_LINE');
    const endpointId = put.endpoint_id!;
    await waitFor('the worker to have written the line but its newline', () => engine.logs.lines(endpointId).some((l) => l.text.includes('long line written')), 60_000);
    const during = heapAfterGc();
    // readline (what split the output before) held the whole partial line here: 64 MB.
    assert.ok(during - before < 32 * 1024 * 1024, `heap grew ${during - before} bytes while the line was open`);
    const line = await waitFor('the long line', () => engine.logs.lines(endpointId).find((l) => l.stream === 'stdout' && l.text.startsWith('LLL')), 30_000);
    const expected = `${'L'.repeat(MAX_LOG_LINE_CHARS)} … [${64_000_000 - MAX_LOG_LINE_CHARS} characters cut]`;
    assert.ok(line.text === expected, `the kept line (${line.text.length} characters) ends ${line.text.slice(-40)}`);
    assert.ok(engine.logs.heldChars(endpointId) < 4 * MAX_LOG_LINE_CHARS, `held ${engine.logs.heldChars(endpointId)} characters`);
    const file = engine.logs.workerLogFile(endpointId, line.worker_id!);
    const longest = Math.max(...fs.readFileSync(file, 'utf8').split('\n').map((l) => l.length));
    assert.ok(longest < MAX_LOG_LINE_CHARS + 200, `longest line on disk: ${longest}`);
  });

  test("a deleted deployment's logs and log streams leave memory", async () => {
    const engine = await startEngine();
    const put = await deploy(engine, '# logs then delete');
    const endpointId = put.endpoint_id!;
    await waitFor('worker output', () => engine.logs.lines(endpointId).some((l) => l.stream === 'stdout'));
    const listenersBefore = engine.logs.listenerCount();
    const stream = await fetch(`${engine.url}/local/v0/logs/stream?endpoint_id=${endpointId}&api_key=${engine.apiKey}`);
    assert.equal(stream.status, 200);
    await waitFor('the stream listening', () => engine.logs.listenerCount() === listenersBefore + 1);
    const body = stream.text();
    const del = await api(engine, 'DELETE', `/api/v0/deployment/${put.deployment_id}/`);
    assert.equal(del.status, 200);
    // The stream ends: no more lines can come for a deleted endpoint.
    const ended = await Promise.race([body.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 10_000).unref())]);
    assert.equal(ended, true, 'the log stream of the deleted endpoint ended');
    assert.deepEqual(engine.logs.lines(endpointId), []);
    assert.equal(engine.logs.heldChars(endpointId), 0);
    assert.equal(engine.logs.listenerCount(), listenersBefore);
    const left = fs.readdirSync(path.join(engine.stateDir, 'logs')).filter((n) => n.startsWith(`endpoint-${endpointId}`));
    assert.deepEqual(left, [], 'its log files are deleted');
  });

  test('one /get_endpoint_logs/ answer is bounded, saying what it left out', async () => {
    const engine = await startEngine();
    const put: DeploymentPutResponse = await deploy(engine, '# big logs', { cold_workers: 0 });
    const endpointId = put.endpoint_id!;
    const count = Math.ceil((2 * MAX_LOGS_ANSWER_CHARS) / MAX_LOG_LINE_CHARS);
    for (let i = 0; i < count; i++) engine.logs.add(endpointId, 99, 'stdout', `${i} ${'d'.repeat(MAX_LOG_LINE_CHARS - 10)}`);
    const r = await api(engine, 'POST', '/get_endpoint_logs/', { id: endpointId, api_key: engine.apiKey });
    assert.equal(r.status, 200);
    for (const field of ['info0', 'debug'] as const) {
      const text: string = r.json[field];
      assert.ok(text.length <= MAX_LOGS_ANSWER_CHARS + 300, `${field}: ${text.length} characters`);
      assert.match(text.split('\n')[0]!, /^\[\d+ older lines not in this answer/);
      assert.match(text.split('\n').at(-1)!, new RegExp(`\\] ${count - 1} d+$`), 'the newest line is in it');
    }
    const tail = await api(engine, 'POST', '/get_endpoint_logs/', { id: endpointId, api_key: engine.apiKey, tail: 3 });
    assert.equal(tail.json.debug.split('\n').length, 3, 'a tail that fits comes whole, with no note');
  });
});

describe("the daemon's own log (engine.log)", () => {
  test('a daemon start moves a log past 8 MiB to engine.log.1, so it stays bounded across restarts', async () => {
    const stateDir = tempStateDir();
    const log = path.join(stateDir, 'engine.log');
    fs.writeFileSync(log, `${'old line\n'.repeat(Math.ceil(DAEMON_LOG_MAX_BYTES / 9) + 1)}`);
    const { info } = await ensureEngineRunning({ stateDir, port: 0 });
    try {
      assert.ok(fs.statSync(`${log}.1`).size > DAEMON_LOG_MAX_BYTES, 'the old log was kept as engine.log.1');
      assert.ok(fs.statSync(log).size < 1024 * 1024, `engine.log is ${fs.statSync(log).size} bytes`);
      assert.equal(info.url.startsWith('http://127.0.0.1:'), true);
    } finally {
      await stopEngine(stateDir);
    }
  });

  test('its tail is read from the end of the file, whatever its size', () => {
    const file = path.join(tempStateDir(), 'engine.log');
    fs.writeFileSync(file, `${'x'.repeat(200_000)}\n${Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n')}\n`);
    assert.equal(tailOfFile(file, 3), 'line 17\nline 18\nline 19');
    assert.equal(tailOfFile(file, 1000)!.split('\n')[0], 'line 0', 'a line cut by the 64 KiB window is left out');
    assert.equal(tailOfFile(path.join(tempStateDir(), 'none.log'), 3), undefined);
  });
});

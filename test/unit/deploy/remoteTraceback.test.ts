// Remote tracebacks mapped back to the workspace: frames of the worker's deployment.py and of copy() sources.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { mapTraceback } from '../../../src/deploy/remoteTraceback';

const deploymentFile = path.resolve('/ws/app/deploy.py');
// As the local engine's worker prints it (captured from `vast-deploy run` against a real worker).
const local = [
  'Traceback (most recent call last):',
  '  File "/home/u/.local/state/vast-deploy/dist/python/vast_worker/worker.py", line 409, in job',
  '    value = await fn.func(*args, **kwargs)',
  '            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
  '  File "/tmp/state/workers/w1/deployment.py", line 10, in square',
  '    boom(x)',
  '  File "/tmp/state/workers/w1/lib/helper.py", line 2, in boom',
  '    raise ValueError(f"bad {x}")',
  'ValueError: bad 7',
].join('\n');

describe('mapTraceback', () => {
  test("the worker's deployment.py is the deployment file; its copy() sources map through their destination", () => {
    const mapped = mapTraceback(local, { deploymentFile, copies: [{ src: 'lib', dst: 'lib', kind: 'directory' }] });
    assert.deepEqual(
      mapped.frames.map((f) => [f.function, f.line, f.localFile]),
      [
        ['job', 409, undefined],
        ['square', 10, deploymentFile],
        ['boom', 2, path.resolve('/ws/app/lib/helper.py')],
      ],
    );
    assert.equal(mapped.userFrame?.function, 'boom', 'the innermost frame in the user\'s code');
    assert.match(mapped.text, new RegExp(`File "${deploymentFile.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}", line 10, in square`));
    assert.ok(!mapped.text.includes('/tmp/state/workers/w1/'), mapped.text);
    assert.ok(mapped.text.includes('vast_worker/worker.py", line 409, in job'), 'runtime frames stay as printed');
    assert.ok(mapped.text.endsWith('ValueError: bad 7'));
  });

  test('without the copy() list, only deployment.py maps; the innermost user frame is then the deployment file', () => {
    const mapped = mapTraceback(local, { deploymentFile });
    assert.equal(mapped.frames[2].localFile, undefined);
    assert.equal(mapped.userFrame?.line, 10);
    assert.equal(mapped.userFrame?.localFile, deploymentFile);
  });

  test('a file copy, an absolute destination (under the worker folder locally, at its path on Vast), the last copy wins', () => {
    const tb = (file: string) => `Traceback (most recent call last):\n  File "/w/deployment.py", line 3, in f\n    g()\n  File "${file}", line 5, in g\nKeyError: 'a'`;
    const copies = [
      { src: 'old_util.py', dst: 'util.py', kind: 'file' as const },
      { src: 'util.py', dst: './util.py', kind: 'file' as const },
      { src: 'models', dst: '/app/models/', kind: 'directory' as const },
    ];
    assert.equal(mapTraceback(tb('/w/util.py'), { deploymentFile, copies }).userFrame?.localFile, path.resolve('/ws/app/util.py'));
    assert.equal(mapTraceback(tb('/w/app/models/net.py'), { deploymentFile, copies }).userFrame?.localFile, path.resolve('/ws/app/models/net.py'));
    assert.equal(mapTraceback(tb('/app/models/sub/net.py'), { deploymentFile, copies }).userFrame?.localFile, path.resolve('/ws/app/models/sub/net.py'));
    // A file beside the worker's copy that no copy() put there (a pip package, a generated file) is not ours.
    assert.equal(mapTraceback(tb('/w/other.py'), { deploymentFile, copies }).userFrame?.localFile, deploymentFile);
    assert.equal(mapTraceback(tb('/w/util.pyc'), { deploymentFile, copies }).frames[1].localFile, undefined);
  });

  test("the SDK package's own vastai/deployment.py is not the worker's copy", () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "/usr/lib/python3/site-packages/vastai/deployment.py", line 80, in call',
      '  File "/srv/worker/deployment.py", line 12, in square',
      'TypeError: x',
    ].join('\n');
    const mapped = mapTraceback(text, { deploymentFile });
    assert.equal(mapped.frames[0].localFile, undefined);
    assert.equal(mapped.frames[1].localFile, deploymentFile);
  });

  test('a traceback without frames of the deployment (the SDK runtime sends none, or a runtime failure) maps nothing', () => {
    const text = 'Traceback (most recent call last):\n  File "/x/vast_worker/worker.py", line 1, in job\nRuntimeError: boom';
    const mapped = mapTraceback(text, { deploymentFile });
    assert.equal(mapped.userFrame, undefined);
    assert.equal(mapped.text, text);
    assert.deepEqual(mapTraceback('', { deploymentFile }).frames, []);
  });
});

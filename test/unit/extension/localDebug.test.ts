// Debug remotely's pure parts: where an installed debugger extension keeps debugpy, and the path mappings from the
// workspace to the worker's copy.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { bundledDebugpy, debugPathMappings, DebuggedDeployments } from '../../../src/extension/core/localDebug';

function extensionWith(...parts: string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-ext-'));
  const pkg = path.join(root, ...parts, 'debugpy');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, '__init__.py'), '');
  return root;
}

describe('bundledDebugpy', () => {
  test("finds ms-python.debugpy's bundled/libs, and the older python extension's folder", () => {
    const debugpyExt = extensionWith('bundled', 'libs');
    const pythonExt = extensionWith('pythonFiles', 'lib', 'python');
    assert.equal(bundledDebugpy([undefined, debugpyExt]), path.join(debugpyExt, 'bundled', 'libs'));
    assert.equal(bundledDebugpy([pythonExt]), path.join(pythonExt, 'pythonFiles', 'lib', 'python'));
    assert.equal(bundledDebugpy([debugpyExt, pythonExt]), path.join(debugpyExt, 'bundled', 'libs'), 'the first extension that has one');
  });

  test('none when no extension is installed or none holds a debugpy package', () => {
    assert.equal(bundledDebugpy([]), undefined);
    assert.equal(bundledDebugpy([fs.mkdtempSync(path.join(os.tmpdir(), 'vast-ext-'))]), undefined);
  });
});

describe('debugPathMappings', () => {
  const worker = { remote_root: '/state/workers/7', remote_file: '/state/workers/7/deployment.py' };

  test('the deployment file maps to deployment.py; copies to where the worker unpacked them', () => {
    assert.deepEqual(
      debugPathMappings('/ws/app/deploy.py', worker, [
        { src: 'lib', dst: 'lib', kind: 'directory' },
        { src: '../shared/util.py', dst: 'util.py', kind: 'file' },
        { src: 'conf', dst: '/etc/app/', kind: 'directory' },
      ]),
      [
        { localRoot: '/ws/app/deploy.py', remoteRoot: '/state/workers/7/deployment.py' },
        { localRoot: '/ws/app/lib', remoteRoot: '/state/workers/7/lib' },
        { localRoot: '/ws/shared/util.py', remoteRoot: '/state/workers/7/util.py' },
        { localRoot: '/ws/app/conf', remoteRoot: '/etc/app' },
      ],
    );
  });

  test("a copied folder that holds the deployment file is left out: its breakpoints must go to deployment.py", () => {
    assert.deepEqual(debugPathMappings('/ws/app/deploy.py', worker, [{ src: '.', dst: 'app', kind: 'directory' }]), [
      { localRoot: '/ws/app/deploy.py', remoteRoot: '/state/workers/7/deployment.py' },
    ]);
  });
});

describe('DebuggedDeployments', () => {
  test('held while any session of the deployment runs', () => {
    const held = new DebuggedDeployments();
    const square = { name: 'square', tag: 'default' };
    assert.equal(held.has(square), false);
    held.add(square);
    held.add(square);
    held.delete(square);
    assert.equal(held.has(square), true, 'one session is left');
    assert.equal(held.has({ name: 'square', tag: 'prod' }), false, 'another tag is another deployment');
    held.delete(square);
    assert.equal(held.has(square), false);
  });
});

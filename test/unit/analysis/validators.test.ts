import { test } from 'node:test';
import assert from 'node:assert/strict';
import { didYouMean, editDistance } from '../../../src/analysis/util/didYouMean';
import { checkPipRequirement } from '../../../src/analysis/util/pep508';
import { checkAptPackage } from '../../../src/analysis/util/aptName';

test('editDistance is optimal string alignment', () => {
  assert.equal(editDistance('', ''), 0);
  assert.equal(editDistance('abc', ''), 3);
  assert.equal(editDistance('', 'ab'), 2);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('ab', 'ba'), 1);
  assert.equal(editDistance('ca', 'abc'), 3); // OSA, not full Damerau (which gives 2)
  assert.equal(editDistance('max_worker', 'max_workers'), 1);
  assert.equal(editDistance('same', 'same'), 0);
});

test('didYouMean', () => {
  const cands = ['cold_workers', 'max_workers', 'min_load', 'min_cold_load', 'target_util'];
  assert.equal(didYouMean('max_worker', cands), 'max_workers');
  assert.equal(didYouMean('MAX_WORKERS', cands), 'max_workers');
  assert.equal(didYouMean('min_laod', cands), 'min_load');
  assert.equal(didYouMean('mn_cold_load', cands), 'min_cold_load');
  assert.equal(didYouMean('banana', cands), undefined);
  assert.equal(didYouMean('max_workers', cands), undefined); // identical: nothing to suggest
  assert.equal(didYouMean('x', ['y']), 'y'); // threshold is at least 1
  assert.equal(didYouMean('ab', ['cd']), undefined);
  assert.equal(didYouMean('pip_instal', ['pip_install', 'apt_get']), 'pip_install');
  // exact case-insensitive match beats a closer-looking candidate
  assert.equal(didYouMean('Envs', ['env', 'envs']), 'envs');
  assert.equal(didYouMean('anything', []), undefined);
});

test('pip requirements that are valid', () => {
  const ok: Array<[string, string]> = [
    ['torch', 'torch'],
    ['torch==2.0.0', 'torch'],
    ['torch==2.0.0+cu118', 'torch'],
    ['transformers>=4.40,<5', 'transformers'],
    ['numpy >= 1.26 , < 2.0', 'numpy'],
    ['requests[security,socks]>=2.31', 'requests'],
    ['requests [ security ] == 2.31.0', 'requests'],
    ['vllm~=0.6.3', 'vllm'],
    ['pandas==2.*', 'pandas'],
    ['pandas!=2.1.*', 'pandas'],
    ['scipy===1.11.0-custom', 'scipy'],
    ['zope.interface', 'zope.interface'],
    ['typing_extensions>=4.0.0rc1', 'typing_extensions'],
    ['foo==1.0.post1.dev2', 'foo'],
    ['foo==1!2.0', 'foo'],
    ['flash-attn==2.6.3; platform_machine == "x86_64"', 'flash-attn'],
    ['uvloop ; sys_platform != "win32" and python_version >= "3.9"', 'uvloop'],
    ['pywin32; (os_name == "nt" or sys_platform == \'win32\') and extra == "win"', 'pywin32'],
    ['tomli; python_version not in "3.11, 3.12"', 'tomli'],
    ['foo (>=1.0)', 'foo'],
    ['mypkg @ git+https://github.com/org/repo.git@v1.0', 'mypkg'],
    ['mypkg[extra] @ https://example.com/mypkg-1.0.tar.gz ; python_version >= "3.10"', 'mypkg'],
    ['-r requirements.txt', '-r'],
    ['--index-url=https://download.pytorch.org/whl/cu121', '--index-url'],
    ['--extra-index-url https://x', '--extra-index-url'],
    ['-e ./mypkg', '-e'],
    ['--upgrade', '--upgrade'],
    ['git+https://github.com/huggingface/transformers', 'git+https://github.com/huggingface/transformers'],
    ['./local_pkg', './local_pkg'],
    ['/workspace/pkg', '/workspace/pkg'],
    ['dist/mypkg-1.0-py3-none-any.whl', 'dist/mypkg-1.0-py3-none-any.whl'],
    ['mypkg-1.0.tar.gz', 'mypkg-1.0.tar.gz'],
    ['.', '.'],
  ];
  for (const [req, name] of ok) {
    const r = checkPipRequirement(req);
    assert.deepEqual(r, { ok: true, name }, req);
  }
});

test('pip requirements that are invalid, with clear messages', () => {
  const bad: Array<[string, RegExp, number?]> = [
    ['', /^empty requirement$/],
    ['   ', /^empty requirement$/],
    ['torch=2.0', /^'torch=2\.0' is not a valid requirement: use '==' to pin a version \(torch==2\.0\)$/, 5],
    ['torch>=1.x', /^invalid version specifier '>=1\.x'$/, 5],
    ['torch>=', /invalid version specifier '>='.*missing version/, 5],
    ['torch==latest', /invalid version specifier '==latest'/],
    ['torch>=2.*', /invalid version specifier '>=2\.\*'.*only works with '==' and '!='/],
    ['torch~=2', /invalid version specifier '~=2'.*two version parts/],
    ['torch>=2.0+cu118', /local version/],
    ['torch 2.0', /missing version operator \(torch==2\.0\)/, 6],
    ['numpy pandas', /looks like several requirements/],
    ['torch>=2.0 <3', /missing ',' between version specifiers/, 11],
    ['_torch', /must start with a package name/, 0],
    ['torch-', /a package name must end with a letter or digit/, 5],
    ['torch=>2.0', /write '>=', not '=>' \(torch>=2\.0\)/, 5],
    ['"torch"', /quoted/],
    ['torch, numpy', /looks like several requirements/],
    ['torch>=2.0,', /trailing ','/],
    ['torch>2.0<3.0', /missing ','/, 9],
    ['requests[security', /missing '\]'/],
    ['requests[sec urity]', /expected ',' or '\]'/],
    ['foo; python_verison >= "3.8"', /unknown environment marker variable 'python_verison' \(did you mean 'python_version'\?\)/, 5],
    ['foo; python_version >= "3.8', /unterminated string/],
    ['foo; python_version "3.8"', /expected a comparison/],
    ['foo;', /missing environment marker/],
    ['foo; (python_version >= "3.8"', /missing '\)'/],
    ['foo; python_version >= "3.8" python_version < "4"', /unexpected 'python_version'/],
    ['foo @ ', /missing URL/],
    ['foo @ not-a-url', /is not a URL/],
    ['foo==1.0 --no-deps', /unexpected '--no-deps'/],
    ['foo (>=1.0', /missing '\)'/],
  ];
  for (const [req, re, offset] of bad) {
    const r = checkPipRequirement(req);
    assert.equal(r.ok, false, req);
    if (r.ok) continue;
    assert.match(r.message, re, req);
    if (offset !== undefined) assert.equal(r.offset, offset, req);
  }
});

test('apt package names that are valid', () => {
  for (const name of [
    'ffmpeg',
    'libsm6',
    'libgl1-mesa-glx',
    'g++',
    'libstdc++6',
    'python3.11-venv',
    'build-essential',
    'nvidia-cuda-toolkit',
    'curl=7.81.0-1ubuntu1.15',
    'libc6:amd64',
    'libc6:i386=2.35-0ubuntu3',
    'nginx/jammy-updates',
    'python3=3.10.*',
    'tzdata=2024a-0ubuntu0.22.04',
    'ca-certificates',
    'xz-utils',
    'git-lfs',
  ]) {
    assert.deepEqual(checkAptPackage(name), { ok: true }, name);
  }
});

test('apt package names that are invalid', () => {
  const bad: Array<[string, RegExp]> = [
    ['', /empty package name/],
    ['ffmpeg libsm6', /^'ffmpeg libsm6' looks like two packages: pass them as separate arguments$/],
    ['git curl wget', /looks like three packages/],
    ['FFmpeg', /lowercase \(ffmpeg\)/],
    ['-y', /apt-get option/],
    ['--no-install-recommends', /apt-get option/],
    ['curl && rm -rf /var/lib/apt/lists/*', /contains spaces|shell metacharacter/],
    ['curl;ls', /shell metacharacter ';'/],
    ['$(evil)', /shell metacharacter '\$'/],
    ['pkg|tee', /shell metacharacter '\|'/],
    ['a', /at least two characters/],
    ['_foo', /not a valid package name/],
    ['lib_foo', /not a valid package name/],
    ['curl=', /missing version/],
    ['curl=latest', /not a valid Debian version/],
    ['libc6:', /not a valid architecture/],
    ['nginx/', /missing release/],
    ['foo-', /remove foo/],
    [' ffmpeg', /whitespace/],
    ['lib*', /shell metacharacter '\*'/],
  ];
  for (const [name, re] of bad) {
    const r = checkAptPackage(name);
    assert.equal(r.ok, false, name);
    if (!r.ok) assert.match(r.message, re, name);
  }
});

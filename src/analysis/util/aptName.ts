// Checks one `image.apt_get(...)` argument: a Debian package name, optionally `name:arch`, then `=version` or
// `/release` (the forms `apt-get install` accepts).

export type AptPackageCheck = { ok: true } | { ok: false; message: string };

const NAME = /^[a-z0-9][a-z0-9+.-]+$/;
const ARCH = /^[a-z0-9][a-z0-9-]*$/;
const VERSION = /^[0-9][A-Za-z0-9.+~:-]*\*?$/;
const RELEASE = /^[A-Za-z0-9][A-Za-z0-9.+~-]*$/;
const SHELL = /[;&|`$<>(){}[\]\\'"!#*?]/;
const WORDS = ['', 'one', 'two', 'three', 'four', 'five'];

export function checkAptPackage(name: string): AptPackageCheck {
  const fail = (message: string): AptPackageCheck => ({ ok: false, message });
  const s = name.trim();
  if (!s) return fail('empty package name');
  if (s.startsWith('-')) {
    return fail(`'${s}' looks like an apt-get option: apt_get() takes package names only (the worker already runs apt-get install -y)`);
  }
  const parts = s.split(/\s+/);
  if (parts.length > 1) {
    if (parts.every((p) => /^[A-Za-z0-9][A-Za-z0-9+.:=~/-]*$/.test(p))) {
      const n = WORDS[parts.length] ?? String(parts.length);
      return fail(`'${s}' looks like ${n} packages: pass them as separate arguments`);
    }
    return fail(`'${s}' contains spaces: apt_get() takes one package name per argument (use run_cmd() or run_script() for commands)`);
  }
  if (s !== name) return fail(`'${name}' has leading or trailing whitespace`);
  // name[:arch][=version | /release]; this pattern matches any string, the parts are checked below.
  const [, pkg, arch, version, release] = /^([^:=/]*)(?::([^=/]*))?(?:=(.*)|\/(.*))?$/.exec(s) as unknown as [
    string, string, string | undefined, string | undefined, string | undefined,
  ];
  // A version may end in a glob '*' (pkg=1.2.*), which apt-get accepts.
  const meta = SHELL.exec(version !== undefined ? s.replace(/\*$/, '') : s);
  if (meta) {
    return fail(`shell metacharacter '${meta[0]}' in '${s}': apt_get() takes package names, not shell commands (use run_script() for commands)`);
  }
  if (!pkg) return fail(`'${s}' is missing the package name`);
  if (/[A-Z]/.test(pkg) && NAME.test(pkg.toLowerCase())) {
    return fail(`'${pkg}' is not a valid package name: Debian package names are lowercase (${pkg.toLowerCase()})`);
  }
  if (pkg.length < 2) return fail(`'${pkg}' is not a valid package name: it needs at least two characters`);
  if (!NAME.test(pkg)) {
    return fail(`'${pkg}' is not a valid package name: use lowercase letters, digits, '+', '-' and '.', starting with a letter or digit`);
  }
  if (arch !== undefined && !ARCH.test(arch)) return fail(`'${arch}' is not a valid architecture in '${s}' (e.g. amd64, arm64, i386)`);
  if (version !== undefined && !VERSION.test(version)) {
    return fail(version ? `'${version}' is not a valid Debian version in '${s}' (a version starts with a digit)` : `missing version after '=' in '${s}'`);
  }
  if (release !== undefined && !RELEASE.test(release)) {
    return fail(release ? `'${release}' is not a valid release name in '${s}'` : `missing release after '/' in '${s}'`);
  }
  if (version === undefined && release === undefined && arch === undefined && pkg.endsWith('-')) {
    return fail(`'${s}' ends with '-', which apt-get reads as "remove ${s.slice(0, -1)}"`);
  }
  return { ok: true };
}

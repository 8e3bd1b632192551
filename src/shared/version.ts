// The product's version: package.json's "version", inlined by the bundler at build time (dist/ does not read
// package.json at run time), so a release bumps one place. The CLI's --version, the User-Agent, the language
// server's serverInfo and the engine's /local/v0/info all say this.
import { version } from '../../package.json';

export const PRODUCT_VERSION: string = version;

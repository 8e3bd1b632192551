// What bench/watch.mjs needs from the TypeScript sources; bundled with esbuild at bench time (see watch.mjs).
export { initPythonParser } from '../src/analysis/document';
export { main } from '../src/cli/main';
export { runDev } from '../src/cli/dev';
export { engineClientInfo, engineTarget } from '../src/engine/daemon/client-info';
export { VastClient } from '../src/vast-api/index';

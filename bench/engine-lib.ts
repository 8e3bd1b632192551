// What bench/engine.mjs needs from the TypeScript sources; bundled with esbuild at bench time (see engine.mjs).
export { Engine } from '../src/engine/server/engine';
export { engineClientInfo, engineTarget } from '../src/engine/daemon/client-info';
export { loadDeployment } from '../src/deploy/bundle/loadDeployment';
export { writeTarball } from '../src/deploy/bundle/tarball';
export { deploy } from '../src/deploy/deployFlow';
export { VastClient, localTarget } from '../src/vast-api/index';
export { encodeCall, unwrapResult } from '../src/vast-api/wire/index';
export { fetch as undiciFetch, request as undiciRequest } from 'undici';

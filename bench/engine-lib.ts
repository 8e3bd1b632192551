// What bench/engine.mjs needs from the TypeScript sources; bundled with esbuild at bench time (see engine.mjs).
export { Engine, engineClientInfo, engineTarget } from '../engine/src/index';
export { loadDeployment } from '../server/src/deploy/loadDeployment';
export { deploy } from '../server/src/deploy/deployFlow';
export { VastClient, localTarget } from '../server/src/api/index';
export { encodeCall, unwrapResult } from '../server/src/wire/index';
export { fetch as undiciFetch, request as undiciRequest } from 'undici';

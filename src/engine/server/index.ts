// What other parts of the project (CLI, extension, tests) use from the engine.
export { engineClientInfo, engineTarget, isProcessAlive, type EngineClientInfo, type EngineInfoFile } from '../daemon/client-info';
export { resolveStateDir, STATE_FILES } from '../daemon/state-dir';
export { Engine, type EngineOptions } from './engine';
export { signedRouteMessage, verifyRouteSignature } from './signing';
export { detectMachineFacts } from '../daemon/machine';
export { unmetFilters, parseSearchParams, type MachineFacts } from '../../shared/machine';
export { findPython } from './python';

// The SDK's argument/result serialization (tagged JSON), for the API client, the CLI, the local engine and the extension.
export { PyDict, PyObject, PyTuple, pythonKeyOf, UnhashableKeyError } from '../../shared/python/values';
export { encode, encodeCall, type CallPayload } from './encode';
export { decode } from './decode';
export { jsonToPython, parseArgsJson } from './payload';
export { unwrapResult, remoteErrorOf } from './result';
export { toDisplayJson, displayJsonText } from './display';
export { pythonRepr } from '../../shared/python/format';
export { parsePythonJson, stringifyPythonJson } from './jsonText';
export { RemoteError, WireDecodeError, WireEncodeError, BOOL_PROBLEM } from './errors';

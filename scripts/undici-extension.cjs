// The part of undici the extension uses (Agent, fetch, request, the global dispatcher), for dist/client.js only:
// undici's entry file loads everything it has (mock agents, cache stores, WebSocket, EventSource, proxy agents...),
// which was 40% of the extension's bundle. The CLI, the engine and the tests keep the whole package. Same modules,
// same global dispatcher (undici keeps it on globalThis), so both entry points behave the same for what we call.
'use strict';
const Agent = require('../node_modules/undici/lib/dispatcher/agent');
const Dispatcher = require('../node_modules/undici/lib/dispatcher/dispatcher');
const api = require('../node_modules/undici/lib/api');
const { InvalidArgumentError } = require('../node_modules/undici/lib/core/errors');
const util = require('../node_modules/undici/lib/core/util');
const { getGlobalDispatcher } = require('../node_modules/undici/lib/global');
const { fetch } = require('../node_modules/undici/lib/web/fetch');

// As undici's entry does: dispatchers get request(), stream()... (our code calls request() through the function below).
Object.assign(Dispatcher.prototype, api);

/** undici's `request(url, options)`: the options' dispatcher (else the global one) sends it. */
function request(url, opts) {
  if (!url || (typeof url !== 'string' && typeof url !== 'object')) throw new InvalidArgumentError('invalid url');
  if (opts != null && typeof opts !== 'object') throw new InvalidArgumentError('invalid opts');
  const options = opts ?? (typeof url === 'object' ? url : {});
  const parsed = util.parseURL(url);
  const { dispatcher = getGlobalDispatcher() } = options;
  return api.request.call(dispatcher, {
    ...options,
    origin: parsed.origin,
    path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname,
    method: options.method || (options.body ? 'PUT' : 'GET'),
  });
}

module.exports = { Agent, Dispatcher, fetch, getGlobalDispatcher, request };

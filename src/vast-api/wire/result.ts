// A worker call's 200 body → the returned value, or a RemoteError for the exception the function raised.
//
// Exception encoding: the real SDK sends an exception as an `obj` of its `__dict__` only, so the message (which lives
// in `args`) is lost: `{"type":"obj","module":{"type":"absolute","path":["builtins"]},"class":"ValueError",
// "contents":{}}`. Our local worker (src/engine/python) also puts the exception's args in `contents`, encoded as a tuple
// (`"args": {"type":"tuple","contents":["boom"]}`): the SDK's client sets every content as an attribute, so it gets
// the message back too. The formatted traceback travels beside "err", as `{"err": ..., "traceback": "..."}`: the
// SDK's client reads only "ok"/"err" there (inside the exception it would try to set `__traceback__` to a str and
// fail). Any other entries of `contents` are the exception's own attributes.
import type { WorkerCallResponse } from '../../shared/protocol/vast';
import { decode } from './decode';
import { pythonRepr } from '../../shared/python/format';
import { RemoteError, WireDecodeError } from './errors';
import { PyObject, PyTuple } from '../../shared/python/values';

/** The value of `{"result": {"ok": v}}`; throws RemoteError for `{"result": {"err": v}}`. */
export function unwrapResult(response: WorkerCallResponse | unknown): unknown {
  const result = (response as { result?: unknown } | null)?.result;
  if (!result || typeof result !== 'object' || Array.isArray(result)) {
    throw new WireDecodeError('response', 'the worker answer has no "result" object ({"result": {"ok"|"err": ...}})');
  }
  if ('ok' in result) return decode((result as { ok: unknown }).ok, 'result');
  if ('err' in result) {
    const { err, traceback } = result as { err: unknown; traceback?: unknown };
    throw remoteErrorOf(decode(err, 'error'), typeof traceback === 'string' && traceback ? traceback : undefined);
  }
  throw new WireDecodeError('response', 'the worker\'s "result" has neither "ok" nor "err"');
}

/**
 * Builds the RemoteError for a decoded `err` value and the traceback sent beside it (exported for callers that
 * decode errors themselves).
 */
export function remoteErrorOf(err: unknown, traceback?: string): RemoteError {
  if (!(err instanceof PyObject)) {
    return new RemoteError(undefined, '', `the worker sent a non-exception error value: ${pythonRepr(err)}`, traceback, {}, err);
  }
  const { args, ...attrs } = err.attrs;
  const message = osErrorMessage(attrs) ?? messageOf(args, isKeyError(err));
  return new RemoteError(err.className, err.moduleName, message, traceback, attrs, err);
}

/**
 * Python's str() of an OSError (FileNotFoundError, PermissionError, ...) whose worker sent its errno and strerror
 * (ours does): `[Errno 2] No such file or directory: 'x.txt'`.
 */
function osErrorMessage(attrs: Record<string, unknown>): string | undefined {
  const { errno, strerror, filename, filename2 } = attrs;
  if (typeof errno !== 'number' || typeof strerror !== 'string') return undefined;
  const head = `[Errno ${errno}] ${strerror}`;
  if (filename === undefined || filename === null) return head;
  const first = `${head}: ${pythonRepr(filename)}`;
  return filename2 === undefined || filename2 === null ? first : `${first} -> ${pythonRepr(filename2)}`;
}

/** Python's KeyError shows its one arg as a repr (`KeyError: 'missing'`), unlike other exceptions. */
function isKeyError(err: PyObject): boolean {
  return err.className === 'KeyError' && err.moduleName === 'builtins';
}

/**
 * Python's str(exc): no args → '', one arg → str(arg) (its repr for a KeyError), several → repr of the args tuple;
 * undefined = not sent.
 */
function messageOf(args: unknown, reprOfOne: boolean): string | undefined {
  const items = args instanceof PyTuple ? args.items : Array.isArray(args) ? args : undefined;
  if (!items) return undefined;
  if (items.length === 0) return '';
  if (items.length === 1) return typeof items[0] === 'string' && !reprOfOne ? items[0] : pythonRepr(items[0]);
  return pythonRepr(new PyTuple(items));
}

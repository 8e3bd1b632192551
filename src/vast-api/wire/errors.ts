// Errors of the wire codec. Every message names where the problem is (an argument path such as `flags[1]` or
// `opts["mode"]`, or a result path such as `result[2]`), because a bad value deep in a payload is otherwise hard to
// find, and the real worker's failure for it (a 500 that the SDK retries forever) explains nothing.

/** `flags` + 1 → `flags[1]`; `opts` + "mode" → `opts["mode"]`; `p` + attr x → `p.x`. */
export function itemPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
export function keyPath(parent: string, key: unknown): string {
  return `${parent}[${typeof key === 'string' ? JSON.stringify(key) : String(key)}]`;
}
export function attrPath(parent: string, attr: string): string {
  return `${parent}.${attr}`;
}

/** A JS value that has no Python/wire form, or a payload that breaks the encoding rules. */
export class WireEncodeError extends TypeError {
  override readonly name = 'WireEncodeError';
  constructor(
    /** e.g. `argument "flags[1]"`. */
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where} ${problem}`);
  }
}

/** Wire JSON that the SDK's deserializer would refuse, or that does not follow the tagged shapes. */
export class WireDecodeError extends TypeError {
  override readonly name = 'WireDecodeError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

export const BOOL_PROBLEM =
  'is a bool: the Vast SDK cannot serialize bool (the worker would crash); pass 0/1 or a string';

/** An exception raised by the remote function, as the worker sent it back in `{"result": {"err": ...}}`. */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  constructor(
    /** Python class name (`__qualname__`), e.g. `ValueError`; `undefined` when the worker sent a non-object. */
    readonly className: string | undefined,
    /** Dotted module, e.g. `builtins`; `""` for a class defined in the deployment file. */
    readonly moduleName: string,
    /** `str(exc)` when the worker sent the exception's args (`''` for none); undefined when it did not (the real SDK never does). */
    readonly remoteMessage: string | undefined,
    /** Python traceback text, sent beside "err" (our local worker does; the real SDK does not). */
    readonly traceback: string | undefined,
    /** Instance attributes other than `args`, decoded. */
    readonly attrs: Record<string, unknown>,
    /** The decoded `err` value itself. */
    readonly value: unknown,
  ) {
    const head = className ?? 'remote error';
    // '' = the exception had no args (`raise ValueError()`): Python prints just the class name too.
    super(
      remoteMessage === ''
        ? head
        : `${head}: ${remoteMessage ?? 'the worker sent no message (the Vast SDK does not send exception messages)'}`,
    );
  }

  /** Python-like text: the remote traceback when there is one, else `Class: message`. */
  describe(): string {
    if (!this.traceback) return this.message;
    return this.traceback.endsWith('\n') ? this.traceback.slice(0, -1) : this.traceback;
  }
}

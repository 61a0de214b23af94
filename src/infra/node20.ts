/**
 * Node 20 compatibility, loaded once before anything that needs it. aws-local-stepfunctions 3
 * declares Node 22 and calls `Promise.withResolvers` (ES2024) in every Task state; without this
 * polyfill every Task fails on Node 20 with a TypeError.
 */

interface PromiseWithResolversShape<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type PromiseConstructorWithResolvers = PromiseConstructor & {
  withResolvers?: <T>() => PromiseWithResolversShape<T>;
};

/** Installs the missing ES2024 built-ins; a no-op where the runtime already has them. */
export function installNode20Polyfills(): void {
  const promiseConstructor = Promise as PromiseConstructorWithResolvers;
  if (typeof promiseConstructor.withResolvers === 'function') return;
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(): PromiseWithResolversShape<T> {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

installNode20Polyfills();

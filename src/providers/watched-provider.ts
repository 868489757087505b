import type { Dependency } from '../lib/dependency.js';
import { isProviderUnavailable, PROVIDER_ERROR_CODES as C, ProviderError } from './errors.js';
import type { ModelProvider } from './types.js';

/**
 * The provider with every model call's outcome told to `health`: failures that mean the model API
 * is away (unreachable, timing out, 5xx) count against it; any answer — a translation, a 429, an
 * invalid answer — counts for it.
 */
export function watchProvider(provider: ModelProvider, health: Dependency): ModelProvider {
  const watch = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      const out = await call();
      health.succeeded();
      return out;
    } catch (err) {
      if (isProviderUnavailable(err)) health.failed(err);
      else if (err instanceof ProviderError && err.code !== C.aborted && err.code !== C.engineFailed && err.code !== C.closed) health.succeeded();
      throw err;
    }
  };
  const translate: ModelProvider['translate'] = (request) => watch(() => provider.translate(request));
  const analyze: ModelProvider['analyze'] = (request) => watch(() => provider.analyze(request));
  // A proxy rather than a copy: whatever else the provider offers stays reachable, bound to it.
  return new Proxy(provider, {
    get(target, prop) {
      if (prop === 'translate') return translate;
      if (prop === 'analyze') return analyze;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

/** A built browser bundle, plain and gzipped. */
export interface BuiltBundle {
  js: Buffer;
  gzip: Buffer;
  etag: string;
}

/** The web chat's browser entry point (TypeScript, bundled with the official ACS SDK). */
export const WEBCHAT_ENTRY = fileURLToPath(new URL('./browser/main.ts', import.meta.url));
const SIGNALING_STUB = fileURLToPath(new URL('./browser/signaling-stub.ts', import.meta.url));

/** The SDK's ACS signaling transport is replaced by a stub (see signaling-stub.ts). */
const withoutAcsSignaling: Plugin = {
  name: 'parley-without-acs-signaling',
  setup(b) {
    b.onResolve({ filter: /^@azure\/communication-signaling$/ }, () => ({ path: SIGNALING_STUB }));
  },
};

/**
 * Bundles the browser code from `node_modules` with esbuild, once, on first use (about half a second,
 * no network), and keeps the result for the life of the process. Concurrent first requests share one
 * build; a failed build is retried on the next request.
 */
export class BrowserBundle {
  private pending?: Promise<BuiltBundle>;

  constructor(private readonly entry: string = WEBCHAT_ENTRY) {}

  get(): Promise<BuiltBundle> {
    this.pending ??= this.build().catch((err: unknown) => {
      this.pending = undefined;
      throw err;
    });
    return this.pending;
  }

  private async build(): Promise<BuiltBundle> {
    const result = await build({
      entryPoints: [this.entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: true,
      write: false,
      legalComments: 'none',
      logLevel: 'silent',
      plugins: [withoutAcsSignaling],
    });
    const js = Buffer.from(result.outputFiles[0]!.contents);
    return { js, gzip: gzipSync(js), etag: `"${result.outputFiles[0]!.hash}"` };
  }
}

import type { FastifyInstance } from 'fastify';

/** The server could not listen where the configuration says; the message names the variable to change. */
export class ListenError extends Error {
  constructor(
    readonly code: 'PORT_IN_USE' | 'PORT_FORBIDDEN' | 'ADDRESS_NOT_AVAILABLE',
    message: string,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

/** Where to listen, and the environment variables that set it (named in errors). */
export interface ListenOptions {
  host: string;
  port: number;
  /** The variable that sets `port`, e.g. `PARLEY_PORT`. */
  portVariable: string;
  /** The variable that sets `host`. @defaultValue `PARLEY_HOST` */
  hostVariable?: string;
}

/**
 * `app.listen`, with the operating system's refusals turned into a sentence that names the fix:
 * a port in use (`EADDRINUSE`), a privileged port (`EACCES`), an address this machine does not have
 * (`EADDRNOTAVAIL`).
 */
export async function listenOrExplain(app: FastifyInstance, { host, port, portVariable, hostVariable = 'PARLEY_HOST' }: ListenOptions): Promise<void> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new ListenError('PORT_IN_USE', `Port ${port} on ${host} is already in use (${portVariable}=${port}). Stop what is using it (is parley already running?), or set ${portVariable} to a free port (0 picks any).`);
    }
    if (code === 'EACCES') {
      throw new ListenError('PORT_FORBIDDEN', `Port ${port} on ${host} needs privileges this process does not have (${portVariable}=${port}). Set ${portVariable} to 1024 or above.`);
    }
    if (code === 'EADDRNOTAVAIL') {
      throw new ListenError('ADDRESS_NOT_AVAILABLE', `${host} is not an address of this machine (${hostVariable}=${host}). Set ${hostVariable} to 127.0.0.1, 0.0.0.0 or one of this machine's addresses.`);
    }
    throw err;
  }
}

/**
 * A TCP proxy on 127.0.0.1, port 0, in front of a server, that can make its WebSocket connections
 * go silent: it stops forwarding their bytes in both directions but keeps both sockets open, as a
 * NAT or load balancer that dropped its state does (no FIN, no RST reaches either side). Other
 * connections, and every connection opened afterwards, are forwarded normally.
 */
import net from 'node:net';

export interface TcpProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Silences every WebSocket connection open now; returns how many. */
  blackholeWebSockets(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket; websocket: boolean; silent: boolean }>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream, websocket: false, silent: false };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (!pair.websocket && /^upgrade:\s*websocket/im.test(chunk.toString('latin1'))) pair.websocket = true;
      if (!pair.silent) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!pair.silent) client.write(chunk);
    });
    // A silenced pair hears nothing of the other side's end either.
    client.on('close', () => (pair.silent ? pairs.delete(pair) : end()));
    upstream.on('close', () => (pair.silent ? undefined : end()));
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    blackholeWebSockets() {
      let n = 0;
      for (const pair of pairs) {
        if (pair.websocket && !pair.silent) {
          pair.silent = true;
          n++;
        }
      }
      return n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const { client, upstream } of pairs) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

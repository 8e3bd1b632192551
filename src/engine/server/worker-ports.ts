// Ports for local workers: the engine picks free loopback ports and hands them to the worker (WORKER_PORT and
// WORKER_HTTP_PORT), as Vast's machine hands a container its ports. Another program can still take a port between
// the pick and the worker's bind; workers.ts then starts the worker again on new ports (a bounded number of times).
import * as net from 'node:net';

/** `count` distinct TCP ports free on 127.0.0.1 right now (the OS picks them; all are held until all are picked). */
export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => resolve());
      });
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** How a worker that could not bind its port says so: Python's EADDRINUSE text on Linux and macOS. */
export function isPortTakenError(message: string): boolean {
  return /address already in use/i.test(message);
}

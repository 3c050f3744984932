/** The client protocols the crash proxy understands; `raw` forwards bytes and counts only connections. */
type WireProtocol = 'postgres' | 'mysql' | 'mongodb' | 'redis' | 'raw';

/** Consumes client→server bytes of one connection; returns the commands completed in them, by name. */
type CommandReader = (chunk: Buffer) => string[];

/** The first two words of a statement, upper-cased: "ALTER ROLE", "GRANT SELECT". */
function statementName(sql: string): string {
  return sql.trim().split(/\s+/).slice(0, 2).join(' ').toUpperCase();
}

function cString(buffer: Buffer, offset: number): string {
  const end = buffer.indexOf(0, offset);
  return buffer.toString('utf8', offset, end === -1 ? buffer.length : end);
}

// PostgreSQL: untyped start-up packets (SSLRequest, GSSENCRequest, CancelRequest, StartupMessage), then typed
// messages. A simple Query ('Q') or an extended-protocol Execute ('E') runs a statement.
const PG_PRE_STARTUP_CODES = new Set([80877103, 80877104, 80877102]);

/** One PostgreSQL message taken off the front of `buffer`, or undefined until it is complete. */
function nextPostgresMessage(buffer: Buffer, startup: boolean): { type: string; body: Buffer; length: number } | undefined {
  if (startup) {
    if (buffer.length < 8 || buffer.length < buffer.readInt32BE(0)) return undefined;
    const length = buffer.readInt32BE(0);
    return { type: '', body: buffer.subarray(4, length), length };
  }
  if (buffer.length < 5 || buffer.length < 1 + buffer.readInt32BE(1)) return undefined;
  const length = 1 + buffer.readInt32BE(1);
  return { type: String.fromCharCode(buffer[0] ?? 0), body: buffer.subarray(5, length), length };
}

function postgresReader(): CommandReader {
  let buffer: Buffer = Buffer.alloc(0);
  let startup = true;
  let lastParsed = '';
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    const names: string[] = [];
    for (let message = nextPostgresMessage(buffer, startup); message !== undefined; message = nextPostgresMessage(buffer, startup)) {
      buffer = buffer.subarray(message.length);
      if (startup) startup = PG_PRE_STARTUP_CODES.has(message.body.readInt32BE(0));
      else if (message.type === 'Q') names.push(statementName(cString(message.body, 0)));
      else if (message.type === 'P') lastParsed = cString(message.body, message.body.indexOf(0) + 1);
      else if (message.type === 'E') names.push(statementName(lastParsed));
    }
    return names;
  };
}

// MySQL: 3-byte length, sequence id, payload. A command starts a new sequence (id 0); COM_QUERY is 0x03 and
// COM_STMT_EXECUTE 0x17. The handshake response and auth packets carry sequence ids above 0.
function mysqlReader(): CommandReader {
  let buffer: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    const names: string[] = [];
    while (buffer.length >= 4) {
      const length = buffer.readUIntLE(0, 3);
      if (buffer.length < 4 + length) break;
      const sequence = buffer[3];
      const payload = buffer.subarray(4, 4 + length);
      buffer = buffer.subarray(4 + length);
      if (sequence !== 0 || payload.length === 0) continue;
      if (payload[0] === 0x03) names.push(statementName(payload.toString('utf8', 1)));
      else if (payload[0] === 0x17) names.push('EXECUTE');
    }
    return names;
  };
}

// MongoDB: OP_MSG (2013) frames; the command is the first key of the body document (section kind 0).
const MONGO_HOUSEKEEPING = new Set(['hello', 'ismaster', 'saslstart', 'saslcontinue', 'ping', 'endsessions', 'buildinfo']);

function mongoReader(): CommandReader {
  let buffer: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    const names: string[] = [];
    while (buffer.length >= 16) {
      const length = buffer.readInt32LE(0);
      if (buffer.length < length) break;
      const opCode = buffer.readInt32LE(12);
      const body = buffer.subarray(16, length);
      buffer = buffer.subarray(length);
      // flags (4), section kind (1), document length (4), element type (1), then the key.
      if (opCode !== 2013 || body.length < 11 || body[4] !== 0) continue;
      const command = cString(body, 10);
      if (!MONGO_HOUSEKEEPING.has(command.toLowerCase())) names.push(command);
    }
    return names;
  };
}

// Redis: RESP arrays of bulk strings. Connection housekeeping (AUTH, HELLO, PING, CLIENT, SELECT, INFO) is
// not a command of the rotation.
const REDIS_HOUSEKEEPING = new Set(['AUTH', 'HELLO', 'PING', 'CLIENT', 'SELECT', 'INFO', 'QUIT', 'READONLY']);
const REDIS_SUBCOMMANDS = new Set(['ACL', 'CONFIG', 'CLUSTER']);

function readRespArray(buffer: Buffer): { parts: string[]; rest: Buffer } | undefined {
  let offset = 0;
  const line = () => {
    const end = buffer.indexOf('\r\n', offset);
    if (end === -1) return undefined;
    const text = buffer.toString('utf8', offset, end);
    offset = end + 2;
    return text;
  };
  const header = line();
  if (header === undefined || !header.startsWith('*')) return undefined;
  const parts: string[] = [];
  for (let index = 0; index < Number(header.slice(1)); index++) {
    const size = line();
    if (size === undefined) return undefined;
    const length = Number(size.slice(1));
    if (buffer.length < offset + length + 2) return undefined;
    parts.push(buffer.toString('utf8', offset, offset + length));
    offset += length + 2;
  }
  return { parts, rest: buffer.subarray(offset) };
}

function redisReader(): CommandReader {
  let buffer: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    const names: string[] = [];
    for (let command = readRespArray(buffer); command !== undefined; command = readRespArray(buffer)) {
      buffer = command.rest;
      const [first = '', second = ''] = command.parts.map((part) => part.toUpperCase());
      if (REDIS_HOUSEKEEPING.has(first)) continue;
      names.push(REDIS_SUBCOMMANDS.has(first) ? `${first} ${second}` : first);
    }
    return names;
  };
}

/** A reader for one new connection of `protocol`. */
function createCommandReader(protocol: WireProtocol): CommandReader {
  switch (protocol) {
    case 'postgres':
      return postgresReader();
    case 'mysql':
      return mysqlReader();
    case 'mongodb':
      return mongoReader();
    case 'redis':
      return redisReader();
    case 'raw':
      return () => [];
  }
}

export { createCommandReader };
export type { CommandReader, WireProtocol };

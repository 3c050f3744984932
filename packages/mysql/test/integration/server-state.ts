import mysql from 'mysql2/promise';

/** How SHOW GRANTS quotes a name: backticks, embedded backticks doubled. */
function quoted(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/**
 * The server's own account of what `user`@`host` holds (SHOW GRANTS), with the account name and any password
 * hash taken out, so the original's and the clone's compare line for line. The adapter reads structured
 * tables; this oracle is the server's grammar, so the two cannot share a mistake.
 */
async function grantsOf(admin: mysql.Connection, user: string, host: string): Promise<string[]> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>(`SHOW GRANTS FOR ${mysql.format('?@?', [user, host])}`);
  return rows
    .map((row) => String(Object.values(row)[0]))
    .map((line) => line.replaceAll(`${quoted(user)}@${quoted(host)}`, '<account>'))
    .map((line) => line.replace(/ IDENTIFIED (BY PASSWORD|VIA \w+ USING) '[^']*'/, ''))
    .sort();
}

/** The hosts `user` has accounts at, sorted. */
async function hostsOf(admin: mysql.Connection, user: string): Promise<string[]> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>('SELECT Host AS host FROM mysql.user WHERE User = ? ORDER BY Host', [user]);
  return rows.map((row) => String(row.host));
}

export { grantsOf, hostsOf };

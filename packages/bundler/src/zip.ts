import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { openPromise } from 'yauzl';
import yazl from 'yazl';

/** One file of a zip: its name at the zip root and its bytes. */
interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

/**
 * The one timestamp of every entry: 1980-01-01 00:00, the DOS epoch, built in local time. yazl writes the
 * DOS date and time with local-time getters, so a fixed UTC instant would give other bytes in every time
 * zone east or west of UTC; a local date gives the same fields everywhere.
 */
function zipEntryTime(): Date {
  return new Date(1980, 0, 1, 0, 0, 0);
}

/**
 * Writes a deterministic zip: entries sorted by name, one fixed local timestamp, mode 0644, deflated, and
 * no Info-ZIP extended timestamp (it would carry the time zone's UTC offset). The same entries give the
 * same bytes on every machine and in every time zone.
 */
async function writeZip(entries: readonly ZipEntry[], zipFile: string): Promise<void> {
  const zip = new yazl.ZipFile();
  const mtime = zipEntryTime();
  for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    zip.addBuffer(entry.data, entry.name, { mtime, mode: 0o100644, compress: true, forceDosTimestamp: true });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipFile));
}

/** Every file of a zip by name, read into memory (the zips here are well under a megabyte). */
async function readZip(zipFile: string): Promise<Map<string, Buffer>> {
  const zip = await openPromise(zipFile);
  const files = new Map<string, Buffer>();
  try {
    for await (const entry of zip.eachEntry()) {
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk);
      files.set(entry.fileName, Buffer.concat(chunks));
    }
  } finally {
    zip.close();
  }
  return files;
}

export { readZip, writeZip, zipEntryTime };
export type { ZipEntry };

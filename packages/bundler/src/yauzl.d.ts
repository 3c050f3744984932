// yauzl 3 ships no types and @types/yauzl describes 2.x: this is the slice of its promise API readZip uses.
declare module 'yauzl' {
  interface Entry {
    readonly fileName: string;
  }
  interface ZipFile {
    eachEntry(): AsyncIterable<Entry>;
    openReadStreamPromise(entry: Entry): Promise<AsyncIterable<Buffer>>;
    close(): void;
  }
  function openPromise(path: string): Promise<ZipFile>;
  export { openPromise };
  export type { Entry, ZipFile };
}

// yauzl 3 ships no types and @types/yauzl describes 2.x; handler-zips.ts types the promise API it uses.
declare module 'yauzl' {
  const yauzl: unknown;
  export = yauzl;
}

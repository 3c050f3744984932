// Stands in for the whatwg-url package in handler bundles (see unused-code.ts): Node's own URL and
// URLSearchParams implement the same WHATWG specification, without tr46's IDNA table.
const { URL, URLSearchParams } = globalThis;

export { URL, URLSearchParams };

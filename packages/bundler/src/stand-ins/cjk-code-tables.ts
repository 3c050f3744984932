// Stands in for iconv-lite's CJK code tables in handler bundles (see unused-code.ts). Loaded only if a
// CJK charset is ever asked for, and then it says so instead of decoding wrongly.
throw new Error('iconv-lite CJK code tables are left out of this bundle (@rotation-lambdas/bundler): rotation decodes only UTF-8');

export {};

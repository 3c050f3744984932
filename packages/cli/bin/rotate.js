#!/usr/bin/env node
// Committed shim so npm can link the bin before the package is built; `npm run build` writes dist/rotate.mjs.
import '../dist/rotate.mjs';

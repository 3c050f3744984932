#!/usr/bin/env node
// Committed shim so npm can link the bin before the package is built; the CLI itself is compiled TypeScript.
import '../dist/cli.js';

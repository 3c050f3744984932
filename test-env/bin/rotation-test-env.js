#!/usr/bin/env node
// Committed shim so npm can link the bin before test-env is built.
import '../dist/cli/test-env.js';

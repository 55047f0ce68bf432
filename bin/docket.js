#!/usr/bin/env node
// The `docket` command: runs src/cli.ts in this process through tsx's ESM loader, so that stdin, signals and
// the exit code need no forwarding. tsx resolves from this package, wherever the command is linked from.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');

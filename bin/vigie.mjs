#!/usr/bin/env node
// The `vigie` command. Sources are TypeScript run through tsx's loader, so there is no build step
// between a checkout and a running instance.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
await main(process.argv);

#!/usr/bin/env node
// The `recgate` command. The sources are TypeScript; tsx compiles them on load (cached), so
// there is no build step between a clone and a running gateway.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);

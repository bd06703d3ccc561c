#!/usr/bin/env node
// The `mailbridge` command: the headless CLI (src-main/cli). Needs Node ≥ 22.18 (TypeScript type stripping).
import { main } from '../src-main/cli/main.ts';

process.exitCode = await main();

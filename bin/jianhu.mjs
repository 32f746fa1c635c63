#!/usr/bin/env node
// Entry point of the `jianhu` command. Runs the TypeScript sources through tsx's loader so a checkout
// needs no build step; the Docker image runs the same way.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

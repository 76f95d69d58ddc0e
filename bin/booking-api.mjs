#!/usr/bin/env node
// The command runs the TypeScript sources through tsx's loader, so what runs is what is tested.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

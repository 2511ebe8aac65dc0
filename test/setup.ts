// Jest setup, before each test file: what the command line's edge does at start-up. Importing
// src/cli/engine.ts provides the built kernel (dist/kernel.wasm) to the runs, and the pool is
// given the worker bundle that test/build-kernel.js made from the sources.
import { join } from 'node:path';
import '../src/cli/engine';
import { useWorkerScript } from '../src/cli/pool';

useWorkerScript(join(__dirname, '..', 'dist', 'test', 'worker.js'));

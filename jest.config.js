/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/build-kernel.js',
  setupFiles: ['<rootDir>/test/setup.ts'],
  // Two workers on the 2-core machine: jest's default (cores - 1) ran the suites one after another,
  // 389 s; with two, 231 s, all passing (the suites spawn CLI processes and wait on Chromium).
  maxWorkers: 2,
};

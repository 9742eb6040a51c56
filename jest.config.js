// Unit and adapter tests: pure modules, fakes, and in-process sandboxes on loopback.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['**/*.test.ts'],
  // A test that writes to the console fails: npm test prints nothing on success.
  setupFilesAfterEnv: ['<rootDir>/test/support/quiet.ts'],
  testTimeout: 30000,
};

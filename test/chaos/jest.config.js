// The reliability suite (`npm run test:chaos`): API and Prometheus faults during full runs, SIGKILL
// at random points, hostile input, secrets. The built binary against sandboxes with real Prometheus,
// plus in-process fuzzing of lint. Files are *.chaos.ts and *.fuzz.ts so that `npm test` skips them.
export default {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/chaos', '<rootDir>/test/fuzz'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['**/*.chaos.ts', '**/*.fuzz.ts'],
  testTimeout: 300000,
  maxWorkers: 2,
};

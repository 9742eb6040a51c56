// End-to-end scenarios: the built binary against a sandbox with real Prometheus.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['**/*.test.ts'],
  // test/e2e/k8s needs the real control plane: npm run test:k8s (jest.k8s.config.js).
  testPathIgnorePatterns: ['/node_modules/', '/test/e2e/k8s/'],
  testTimeout: 240000,
  maxWorkers: 2,
};

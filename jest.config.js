// Two projects: `unit` (pure functions, vectors, loopback integration) and `interop`
// (independent implementations: libsrtp, ffmpeg, werift). Both run in `npm test`.
// isolatedModules (set in tsconfig.json) makes ts-jest transpile each file alone: fast, and
// type errors are the job of `npm run typecheck`, which runs first in `npm test`.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];
module.exports = {
  reporters: ['default', '<rootDir>/test/reporters/summary-line.js'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      // test/hostile: the issue-11 suite (shutdown, limits, addresses, packet storm); its
      // shutdown and descriptor tests spawn the built server (npm test builds first).
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/hostile/**/*.test.ts'],
    },
    {
      displayName: 'interop',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/interop/**/*.test.ts'],
    },
  ],
};

// Three projects, all run in `npm test`:
// - `unit`: pure functions, vectors, loopback integration. It installs nothing and builds
//   nothing (no dist/, no C, no Debian packages), so `jest --selectProjects unit` runs anywhere.
// - `hostile`: test/hostile, the hostile-client suite (shutdown, limits, addresses, packet
//   storm); its shutdown and descriptor tests spawn the built server, so it needs `npm run build`.
// - `interop`: independent implementations (libsrtp, ffmpeg, werift), the built CLI and library
//   (dist/), and the benchmark smoke runs (native-bench C programs, rtpengine). It needs
//   `npm run build` and `npm run peers` first (`npm test` and `npm run test:interop` do both).
// Relay port ranges in tests come from test/helpers/port-ranges.ts (one block per jest worker).
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
      // The console's browser modules import each other as `./x.js` (ES modules in the browser).
      moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/integration/**/*.test.ts'],
    },
    {
      displayName: 'hostile',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/hostile/**/*.test.ts'],
    },
    {
      displayName: 'interop',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/interop/**/*.test.ts'],
    },
  ],
};

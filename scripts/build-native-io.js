#!/usr/bin/env node
/*
 * Builds the media plane's batched UDP I/O addon (binding.gyp → build/Release/srtp_relay_io.node)
 * with node-gyp against the headers of the Node that runs this script; never downloads headers.
 * Runs as the package's `install` script (so `npm ci` builds it; npm's own implicit
 * `node-gyp rebuild` does not run when an install script exists) and as `npm run build:native`.
 *
 * Fails soft: when the addon cannot be built (not Linux, no headers, no C compiler or Python),
 * it says why and exits 0; the relay then runs on node:dgram (src/relay/io/select-backend.ts).
 * `--strict` (npm run build:native) exits 1 instead. SRTP_RELAY_IO=dgram skips the build.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const strict = process.argv.includes('--strict');
const root = path.resolve(__dirname, '..');

function giveUp(why) {
  process.stderr.write(`srtp-relay: native packet I/O not built (${why}); the relay will use node:dgram\n`);
  process.exit(strict ? 1 : 0);
}

if (process.env.SRTP_RELAY_IO === 'dgram' && !strict) giveUp('SRTP_RELAY_IO=dgram');
if (process.platform !== 'linux') giveUp(`recvmmsg/sendmmsg are Linux-only; this is ${process.platform}`);

// The installed Node's own headers: <prefix>/include/node next to <prefix>/bin/node.
const prefix = path.resolve(path.dirname(process.execPath), '..');
const nodedirCandidates = [process.env.npm_config_nodedir, prefix].filter((d) => typeof d === 'string' && d !== '');
const nodedir = nodedirCandidates.find((d) => existsSync(path.join(d, 'include', 'node', 'node_api.h')));
if (nodedir === undefined) giveUp(`no Node headers at ${path.join(prefix, 'include', 'node')} (install the nodejs headers package)`);

// node-gyp: the one npm runs scripts with (npm_config_node_gyp), else the one bundled with npm.
const gypCandidates = [
  process.env.npm_config_node_gyp,
  path.join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter((p) => typeof p === 'string' && p !== '');
const gyp = gypCandidates.find((p) => existsSync(p));
if (gyp === undefined) giveUp('node-gyp not found (it comes with npm)');

const r = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--loglevel=warn'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  // node-gyp must not fetch headers or anything else: the nodedir above is complete.
  env: { ...process.env, npm_config_nodedir: nodedir, npm_config_tarball: '', npm_config_dist_url: 'http://127.0.0.1:9/no-download' },
});
if (r.error !== undefined) giveUp(`node-gyp did not run: ${r.error.message}`);
if (r.status !== 0) giveUp(`node-gyp exited with ${r.status === null ? r.signal : r.status}`);
if (!existsSync(path.join(root, 'build', 'Release', 'srtp_relay_io.node'))) giveUp('node-gyp produced no addon');
process.stdout.write(`srtp-relay: native packet I/O built (headers from ${nodedir})\n`);

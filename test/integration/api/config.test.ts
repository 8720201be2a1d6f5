/**
 * `serve` configuration and the API token: defaults, JSON/YAML files, environment and flags in
 * that order, typos refused; the token from the environment, or generated once into the data
 * directory with mode 0600 and reused.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, parseListen, resolveToken } from '../../../src/api';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'srtp-relay-config-'));

describe('serve configuration', () => {
  it('has loopback defaults', () => {
    const c = loadConfig({}, {});
    expect(c).toMatchObject({ listen: { host: '127.0.0.1', port: 8080 }, media: { bindAddress: '127.0.0.1', portRange: [30000, 39999], workers: os.availableParallelism() }, cluster: { securityMode: 'mixed' } });
    expect(c.dataDir).toBe(path.join(os.homedir(), '.srtp-relay'));
  });

  it('listens for ng on UDP 127.0.0.1:2223 by default; --listen-ng / ng.listen move or disable it, TCP on request', () => {
    expect(loadConfig({}, {}).ng).toEqual({ udp: { host: '127.0.0.1', port: 2223 }, tcp: null });
    expect(loadConfig({ listenNg: 'none' }, {}).ng.udp).toBeNull();
    expect(loadConfig({ listenNg: '127.0.0.1:0', listenNgTcp: '127.0.0.1:2224' }, {}).ng).toEqual({ udp: { host: '127.0.0.1', port: 0 }, tcp: { host: '127.0.0.1', port: 2224 } });
    const dir = tmp();
    const yaml = path.join(dir, 'ng.yaml');
    writeFileSync(yaml, 'ng:\n  listen: "127.0.0.1:2300"\n  listenTcp: "127.0.0.1:2301"\n');
    expect(loadConfig({ config: yaml }, {}).ng).toEqual({ udp: { host: '127.0.0.1', port: 2300 }, tcp: { host: '127.0.0.1', port: 2301 } });
    expect(loadConfig({ config: yaml, listenNg: 'off' }, {}).ng.udp).toBeNull();
    writeFileSync(yaml, 'ng:\n  listne: "127.0.0.1:2300"\n');
    expect(() => loadConfig({ config: yaml }, {})).toThrow('unknown key ng.listne');
    expect(() => loadConfig({ listenNg: 'localhost:2223' }, {})).toThrow('IP address');
  });

  it('layers a YAML or JSON file, then the environment, then flags', () => {
    const dir = tmp();
    const yaml = path.join(dir, 'relay.yaml');
    writeFileSync(yaml, 'listen: "0.0.0.0:9000"\nmedia:\n  portRange: "20000-20999"\n  workers: 3\ncluster:\n  playSecureIndicationTone: true\nkeys:\n  suitePreference: [AES_CM_128_HMAC_SHA1_80]\n');
    const c = loadConfig({ config: yaml }, { SRTP_RELAY_DATA_DIR: '/var/lib/srtp-relay' });
    expect(c).toMatchObject({ listen: { host: '0.0.0.0', port: 9000 }, dataDir: '/var/lib/srtp-relay', media: { portRange: [20000, 20999], workers: 3 }, cluster: { securityMode: 'mixed', playSecureIndicationTone: true }, keys: { suitePreference: ['AES_CM_128_HMAC_SHA1_80'] } });
    const json = path.join(dir, 'relay.json');
    writeFileSync(json, JSON.stringify({ media: { workers: 2 } }));
    expect(loadConfig({ config: json, workers: '0', listen: '[::1]:0', dataDir: dir }, {})).toMatchObject({ listen: { host: '::1', port: 0 }, dataDir: dir, media: { workers: 0 } });
  });

  it('refuses typos and bad values', () => {
    const file = path.join(tmp(), 'bad.yaml');
    writeFileSync(file, 'media:\n  portrange: "1-2"\n');
    expect(() => loadConfig({ config: file }, {})).toThrow('unknown key media.portrange');
    expect(() => parseListen('localhost:80')).toThrow('IP address');
    expect(() => loadConfig({ portRange: '9-3' }, {})).toThrow('port range');
    expect(() => loadConfig({ workers: 'many' }, {})).toThrow('workers');
    expect(() => loadConfig({ mediaBind: 'eth0' }, {})).toThrow('media bind address');
  });

  it('takes limits and an address policy from the file, and refuses bad ones', () => {
    const dir = tmp();
    const good = path.join(dir, 'good.yaml');
    writeFileSync(good, 'limits:\n  shutdownGraceMs: 1500\n  maxCalls: 50\naddressPolicy:\n  allow: [10.0.0.0/8]\n  deny: [10.9.0.0/16]\n  allowLinkLocal: true\n');
    expect(loadConfig({ config: good }, {})).toMatchObject({ limits: { shutdownGraceMs: 1500, maxCalls: 50 }, addressPolicy: { allow: ['10.0.0.0/8'], deny: ['10.9.0.0/16'], allowLinkLocal: true } });
    expect(loadConfig({}, {})).toMatchObject({ limits: {}, addressPolicy: {} });
    const cases: [string, string][] = [
      ['limits:\n  maxcalls: 5\n', 'unknown key limits.maxcalls'],
      ['limits:\n  maxCalls: 0\n', 'limits.maxCalls must be a positive integer'],
      ['limits:\n  headersTimeoutMs: 60000\n', 'headersTimeoutMs must not exceed'],
      ['addressPolicy:\n  deny: [10.0.0.0/40]\n', 'not a CIDR'],
      ['addressPolicy:\n  allow: 10.0.0.0/8\n', 'lists of CIDR strings'],
      ['addressPolicy:\n  block: []\n', 'unknown key addressPolicy.block'],
    ];
    for (const [text, message] of cases) {
      const file = path.join(dir, 'bad.yaml');
      writeFileSync(file, text);
      expect(() => loadConfig({ config: file }, {})).toThrow(message);
    }
  });
});

describe('API token', () => {
  it('is generated once into the data directory (0600) and then reused', async () => {
    const dataDir = path.join(tmp(), 'nested', 'data');
    const first = await resolveToken({ env: {}, dataDir });
    expect(first).toMatchObject({ source: 'generated', file: path.join(dataDir, 'token') });
    expect(statSync(first.file as string).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(readFileSync(first.file as string, 'utf8').trim()).toBe(first.token);
    const second = await resolveToken({ env: {}, dataDir });
    expect(second).toEqual({ token: first.token, source: 'file', file: first.file });
  });

  it('comes from SRTP_RELAY_TOKEN first, then the config; short tokens are refused', async () => {
    const dataDir = tmp();
    expect(await resolveToken({ env: { SRTP_RELAY_TOKEN: 'x'.repeat(24) }, configToken: 'y'.repeat(24), dataDir })).toEqual({ token: 'x'.repeat(24), source: 'env', file: null });
    expect(await resolveToken({ env: {}, configToken: 'y'.repeat(24), dataDir })).toEqual({ token: 'y'.repeat(24), source: 'config', file: null });
    await expect(resolveToken({ env: { SRTP_RELAY_TOKEN: 'short' }, dataDir })).rejects.toThrow('at least 16');
  });
});

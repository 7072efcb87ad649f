// Where serve's settings come from: flags > environment > config file > defaults, checked
// before anything is opened. Pure: resolveServeSettings over flags, an env object and files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, isLoopback, resolveServeSettings } from '../../src/cli/settings.js';
import { tempDir } from '../e2e/support/repo.js';

const configFile = (content: unknown): string => {
  const dir = tempDir('config');
  mkdirSync(join(dir, 'etc'));
  const path = join(dir, 'etc', 'keyledger.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('serve settings', () => {
  it('defaults: ./data, 127.0.0.1:4599, account 111122223333, scheduler every 60 s, checkpoints hourly, plain HTTP', () => {
    expect(resolveServeSettings({}, {})).toEqual({
      dataDir: resolve('./data'),
      host: '127.0.0.1',
      port: 4599,
      account: '111122223333',
      schedulerIntervalSeconds: 60,
      checkpointIntervalSeconds: 3600,
      commitWindowMs: 1,
    });
    expect(DEFAULTS.account).toBe('111122223333');
  });

  it('flags > environment > config file > defaults, for each setting', () => {
    const config = configFile({ dataDir: '../from-config', host: '127.0.0.3', port: 3003, schedulerIntervalSeconds: 30, checkpointIntervalSeconds: 120, commitWindowMs: 0, account: '444455556666' });
    const env = { KEYLEDGER_CONFIG: config, KEYLEDGER_DATA_DIR: '/env/data', KEYLEDGER_HOST: '127.0.0.2', KEYLEDGER_PORT: '2002' };
    expect(resolveServeSettings({}, { KEYLEDGER_CONFIG: config })).toMatchObject({
      dataDir: resolve(config, '../../from-config'), // relative to the config file
      host: '127.0.0.3', port: 3003, schedulerIntervalSeconds: 30, checkpointIntervalSeconds: 120, commitWindowMs: 0, account: '444455556666',
    });
    expect(resolveServeSettings({}, env)).toMatchObject({ dataDir: '/env/data', host: '127.0.0.2', port: 2002 });
    expect(resolveServeSettings({ 'data-dir': '/flag/data', host: '127.0.0.1', port: '1001', 'scheduler-interval': '5', 'checkpoint-interval': '7', 'commit-window': '0.5', account: '777788889999' }, env)).toMatchObject({
      dataDir: '/flag/data', host: '127.0.0.1', port: 1001, schedulerIntervalSeconds: 5, checkpointIntervalSeconds: 7, commitWindowMs: 0.5, account: '777788889999',
    });
    // --config wins over KEYLEDGER_CONFIG; an empty variable counts as unset.
    const other = configFile({ port: 4004 });
    expect(resolveServeSettings({ config: other }, { KEYLEDGER_CONFIG: config, KEYLEDGER_PORT: '' }).port).toBe(4004);
  });

  it('TLS files come as a pair, and make a non-loopback address acceptable', () => {
    const config = configFile({ tlsCert: 'tls/cert.pem', tlsKey: 'tls/key.pem', host: '0.0.0.0' });
    const settings = resolveServeSettings({ config }, {});
    expect(settings.tls).toEqual({ certFile: resolve(config, '../tls/cert.pem'), keyFile: resolve(config, '../tls/key.pem') });
    expect(settings.host).toBe('0.0.0.0');
    expect(() => resolveServeSettings({ 'tls-key': 'k.pem' }, {})).toThrow(/must be given together/);
  });

  it.each(['-1', '101', '1e3', '0x10', 'one', '.5'])('refuses --commit-window %s', (value) => {
    expect(() => resolveServeSettings({ 'commit-window': value }, {})).toThrow(/commit window must be milliseconds 0–100/);
  });

  it('plain HTTP off loopback needs the explicit flag (or config key)', () => {
    expect(() => resolveServeSettings({ host: '0.0.0.0' }, {})).toThrow(/--insecure-plain-http-on-non-loopback/);
    expect(() => resolveServeSettings({}, { KEYLEDGER_HOST: '10.0.0.5' })).toThrow(/not a loopback address/);
    expect(resolveServeSettings({ host: '0.0.0.0', 'insecure-plain-http-on-non-loopback': true }, {}).host).toBe('0.0.0.0');
    expect(resolveServeSettings({ config: configFile({ host: '::', insecurePlainHttpOnNonLoopback: true }) }, {}).host).toBe('::');
  });

  it.each([
    ['localhost', true], ['127.0.0.1', true], ['127.8.9.10', true], ['::1', true], ['[::1]', true], ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false], ['::', false], ['10.0.0.1', false], ['kms.example.com', false], ['128.0.0.1', false],
  ])('isLoopback(%s) is %s', (host, expected) => expect(isLoopback(host)).toBe(expected));

  it.each([
    ['{"port": "4599"}', /"port" must be a number/],
    ['{"tlsCertificate": "x"}', /unknown key "tlsCertificate"/],
    ['[1]', /must hold a JSON object/],
    ['{port: 1}', /is not valid JSON/],
    ['{"port": 70000}', /port number 0–65535/],
    ['{"schedulerIntervalSeconds": 0}', /whole seconds 1–86400/],
    ['{"commitWindowMs": 101}', /milliseconds 0–100/],
    ['{"commitWindowMs": -1}', /milliseconds 0–100/],
  ])('refuses config %s', (content, message) => {
    expect(() => resolveServeSettings({ config: configFile(content) }, {})).toThrow(message);
  });
});

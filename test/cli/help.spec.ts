// `--help` everywhere, and usage errors as exit code 2 that change nothing. The real binary
// is spawned for what only main.ts does (dispatch, exit codes, stdout/stderr); the commands'
// own checks run in-process, where they are the same code and each costs no process start.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { principalsCommand } from '../../src/cli/principals.js';
import { serveCommand } from '../../src/cli/serve.js';
import { runKeyledger } from '../e2e/support/child.js';
import { tempDir } from '../e2e/support/repo.js';

const captured = () => {
  const out: string[] = [];
  return { out, io: { env: {}, out: (text: string) => void out.push(text) } };
};

describe('keyledger --help (the binary)', () => {
  it.concurrent.each([
    [['--help'], /Usage: keyledger <command>/],
    [['serve', '--help'], /Usage: keyledger serve/],
    [['principals', 'add', '--help'], /Usage: keyledger principals add/],
  ])('keyledger %j prints its usage and exits 0', async (args, usage) => {
    const r = await runKeyledger(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(usage);
  });

  it.concurrent.each([
    [['launch'], /unknown command 'launch'/],
    [['serve', '--no-such-flag'], /Unknown option '--no-such-flag'/],
  ])('keyledger %j is a usage error: exit 2, message on stderr, nothing on stdout', async (args, message) => {
    const cwd = tempDir('usage');
    const r = await runKeyledger(args, { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('help of every command', () => {
  it.each([
    [['principals'], /Usage: keyledger principals <add\|list\|remove>/],
    [['principals', '--help'], /Usage: keyledger principals <add\|list\|remove>/],
    [['principals', 'list', '-h'], /Usage: keyledger principals list/],
    [['principals', 'remove', '--help'], /Usage: keyledger principals remove <access-key-id>/],
  ])('principals %j', async ([, ...args], usage) => {
    const { out, io } = captured();
    await principalsCommand(args, io);
    expect(out.join('')).toMatch(usage);
  });

  it('serve --help lists every option, the environment, the config keys and the exit codes', async () => {
    const { out, io } = captured();
    expect(await serveCommand(['--help'], io)).toBe(0);
    const stdout = out.join('');
    for (const option of ['--data-dir', '--host', '--port', '--account', '--tls-cert', '--tls-key', '--insecure-plain-http-on-non-loopback', '--scheduler-interval', '--config', '--help']) {
      expect(stdout).toContain(option);
    }
    for (const env of ['KEYLEDGER_DATA_DIR', 'KEYLEDGER_HOST', 'KEYLEDGER_PORT', 'KEYLEDGER_ROOT_KEY', 'KEYLEDGER_ADMIN_ACCESS_KEY_ID', 'KEYLEDGER_ADMIN_SECRET_ACCESS_KEY']) {
      expect(stdout).toContain(env);
    }
    for (const key of ['"dataDir"', '"host"', '"port"', '"account"', '"tlsCert"', '"tlsKey"', '"schedulerIntervalSeconds"']) expect(stdout).toContain(key);
    expect(stdout).toContain('111122223333');
    expect(stdout).toMatch(/Exit codes:[\s\S]*3 +another keyledger server/);
  });
});

describe('usage errors exit 2 and change nothing', () => {
  it.each([
    [['--port', 'eighty'], /--port must be a port number/],
    [['--host', '0.0.0.0'], /--insecure-plain-http-on-non-loopback/],
    [['--tls-cert', 'cert.pem'], /--tls-cert and --tls-key must be given together/],
    [['--account', '123'], /account must be 12 digits/],
    [['--config', 'missing.json'], /config file .*missing\.json does not exist/],
    [['--tls-cert', 'missing.pem', '--tls-key', 'missing.key'], /cannot read --tls-cert/],
  ])('serve %j', async (args, message) => {
    const cwd = tempDir('usage');
    await expect(serveCommand([...args, '--data-dir', `${cwd}/data`], captured().io)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('an admin access key id without its secret', async () => {
    const cwd = tempDir('usage');
    const io = { env: { KEYLEDGER_ADMIN_ACCESS_KEY_ID: 'AKIAONLYTHEIDONLYTHE' }, out: () => undefined };
    await expect(serveCommand(['--data-dir', `${cwd}/data`, '--port', '0'], io)).rejects.toMatchObject({
      exitCode: 2,
      message: 'KEYLEDGER_ADMIN_ACCESS_KEY_ID and KEYLEDGER_ADMIN_SECRET_ACCESS_KEY must be set together',
    });
    expect(readdirSync(cwd)).toEqual([]);
  });

  it.each([
    [['frobnicate'], /unknown subcommand 'principals frobnicate'/],
    [['remove'], /missing argument/],
    [['add', '--role', 'root'], /--role must be admin or auditor/],
  ])('principals %j', async (args, message) => {
    const cwd = tempDir('usage');
    await expect(principalsCommand([...args, '--data-dir', `${cwd}/data`], captured().io)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
    expect(readdirSync(cwd)).toEqual([]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.js';
import { findUserByEmail } from '../../src/modules/users/user.repository.js';
import { captureLog } from '../helpers/log-capture.js';
import { runCli } from '../helpers/process.js';

// Each command is a real process that boots the embedded database: give them room on a busy machine.
describe('the modelgate command', { timeout: 180_000 }, () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'modelgate-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrates an empty embedded database, then reports it up to date', async () => {
    const first = await runCli(['migrate'], { DATA_DIR: dataDir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Success: 2026-11-29T0001_users/);
    const again = await runCli(['migrate'], { DATA_DIR: dataDir });
    expect(again.stdout.trim()).toBe('already up to date');
  });

  it('creates a user with the password from standard input, never from argv', async () => {
    const created = await runCli(['create-user', '--email', 'ops@example.com', '--role', 'maintainer'], { DATA_DIR: dataDir }, 'tangerine viaduct falcon 93\n');
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/^created MAINTAINER ops@example.com \(/);

    const refused = await runCli(['create-user', '--email', 'x@example.com', '--password', 'tangerine viaduct falcon 93'], { DATA_DIR: dataDir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--password is refused/);

    const weak = await runCli(['create-user', '--email', 'weak@example.com'], { DATA_DIR: dataDir }, 'password123\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/^modelgate: Password/);

    const database = await connectDatabase({ dataDir, logger: captureLog().logger });
    try {
      const user = await findUserByEmail(database.db, 'OPS@example.com');
      expect(user).toMatchObject({ role: 'MAINTAINER', tier: 'FREE' });
      expect(user!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
      expect(await findUserByEmail(database.db, 'weak@example.com')).toBeUndefined();
    } finally {
      await database.close();
    }
  });

  it('takes the password from MODELGATE_USER_PASSWORD when stdin is empty', async () => {
    const created = await runCli(['create-user', '--email', 'env@example.com'], { DATA_DIR: dataDir, MODELGATE_USER_PASSWORD: 'quartz meadow ribbon 5521' });
    expect(created.code).toBe(0);
  });

  it('stops with one line naming a bad setting', async () => {
    const result = await runCli(['migrate'], { DATA_DIR: dataDir, PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^modelgate: invalid setting PORT: /);
  });
});

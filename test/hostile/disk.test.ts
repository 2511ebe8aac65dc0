import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from '../helpers/cli';

// These spawn no processes but run simulations; a shared machine can be slow.
jest.setTimeout(60_000);

/**
 * A full or read-only disk (issue 14): exit 2 with a message naming the path and the reason,
 * and nothing left behind (no 0-byte temporary). Needs root to mount a tiny tmpfs; skipped otherwise.
 */
const DEFAULT = join(__dirname, '..', '..', 'scenarios', 'default.yaml');
const root = process.getuid?.() === 0;

(root ? describe : describe.skip)('disk errors', () => {
  let mnt = '';
  beforeAll(() => {
    mnt = join(tempDir(), 'mnt');
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
  });
  afterAll(() => {
    execFileSync('umount', [mnt]);
  });

  test('ENOSPC: a clear message with the path, nothing left', async () => {
    const r = await cli('run', DEFAULT, '--out', join(mnt, 'r'), '--no-report', '--jobs', '1', '-q');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`cannot write ${mnt}/\\.r\\.tmp-[0-9a-f]{16}/\\S+: no space left on the device \\(ENOSPC\\)`));
    expect(readdirSync(mnt)).toEqual([]);
  });

  test('EROFS: a clear message with the path, nothing left', async () => {
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    try {
      const r = await cli('run', DEFAULT, '--out', join(mnt, 'r'), '--no-report', '--jobs', '1', '-q');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/the file system is read-only \(EROFS\)/);
      expect(readdirSync(mnt)).toEqual([]);
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mnt]);
    }
  });
});

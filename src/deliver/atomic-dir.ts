/**
 * Write a directory whole or not at all: its files go into a temporary directory beside it, which
 * is then renamed into place (the previous one moved aside first and removed after). A failure
 * while filling it leaves the previous directory as it was and no temporary one behind.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Files by path relative to the directory. */
export type DirectoryFiles = Map<string, string | Buffer>;

export function writeDirectoryAtomic(dir: string, files: DirectoryFiles): void {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.tmp-`));
  const old = `${tmp}.old`;
  fs.chmodSync(tmp, 0o777 & ~process.umask()); // mkdtemp makes it private; the edition is a directory like any other
  try {
    for (const [name, content] of files) {
      const file = path.join(tmp, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    const had = fs.existsSync(target);
    if (had) fs.renameSync(target, old);
    try {
      fs.renameSync(tmp, target);
    } catch (e) {
      if (had) fs.renameSync(old, target);
      throw e;
    }
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  fs.rmSync(old, { recursive: true, force: true });
}

/** Write a file whole or not at all: to a temporary name beside it, then renamed into place. */
import fs from 'node:fs';
import path from 'node:path';

export function writeFileAtomic(file: string, content: string | Buffer): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

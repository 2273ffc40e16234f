/** Write a file whole or not at all: to a temporary name beside it, then renamed into place. */
import fs from 'node:fs';
import path from 'node:path';

/** The temporary name beside `file` (made sure its directory exists). */
function tmpBeside(file: string): string {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
}

export function writeFileAtomic(file: string, content: string | Buffer): void {
  const tmp = tmpBeside(file);
  try {
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * The same, off the main thread (libuv's pool): a batch of files is written while the next ones
 * are being made, where creating a file waits on the disk.
 */
export async function writeFileAtomicAsync(file: string, content: string | Buffer): Promise<void> {
  const tmp = tmpBeside(file);
  try {
    await fs.promises.writeFile(tmp, content);
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}

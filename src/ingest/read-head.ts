/** The first bytes of a file, decompressed when it is gzipped: for looking at a file before DuckDB reads it. */
import fs from 'node:fs';
import zlib from 'node:zlib';

/**
 * Up to `bytes` bytes of the file's (decompressed) content, as UTF-8 text. A `.gz` file is
 * gunzipped (or, with `gzip: true`, any file that starts with gzip's magic bytes). A corrupt
 * or truncated gzip gives what could be read: DuckDB's own read reports the precise error.
 */
export async function readHead(file: string, bytes: number, opts: { gzip?: boolean } = {}): Promise<string> {
  return (await readHeadBytes(file, bytes, opts.gzip ?? file.endsWith('.gz'))).toString('utf8');
}

export async function readHeadBytes(file: string, bytes: number, gzip: boolean): Promise<Buffer> {
  if (!gzip) {
    // One read: a stream of 64 KB chunks costs ~5 ms a megabyte more.
    const fd = await fs.promises.open(file, 'r');
    try {
      const buf = Buffer.allocUnsafe(bytes);
      let got = 0;
      for (let n = -1; n !== 0 && got < bytes; got += n) n = (await fd.read(buf, got, bytes - got, got)).bytesRead;
      return buf.subarray(0, got);
    } finally {
      await fd.close();
    }
  }
  const chunks: Buffer[] = [];
  let got = 0;
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 16 });
  const stream = gzip ? raw.pipe(zlib.createGunzip()) : raw;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      got += (chunk as Buffer).length;
      if (got >= bytes) break;
    }
  } catch {
    // a corrupt or truncated gzip: keep what was read
  } finally {
    raw.destroy();
  }
  return Buffer.concat(chunks).subarray(0, bytes);
}

/** Whether the file starts with gzip's magic bytes. */
export async function isGzip(file: string): Promise<boolean> {
  const fd = await fs.promises.open(file, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fd.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fd.close();
  }
}

/**
 * A small driver of headless Chromium (Debian's `chromium`) over its DevTools protocol on
 * --remote-debugging-pipe: JSON messages ended by a NUL byte on file descriptors 3 (to the
 * browser) and 4 (from it). Enough to load a page at a width, evaluate an expression in it and
 * take a full-page screenshot — no puppeteer, no WebSocket.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_INSTALL_HINT = 'Headless Chromium is needed for the browser test and was not found: install it with `apt-get install -y chromium` (.ci/run does), or set CHROMIUM to its path.';

/** The Chromium executable: $CHROMIUM, else `chromium` or `chromium-browser` on the PATH; undefined if none runs. */
export function findChromium(): string | undefined {
  for (const exe of [process.env.CHROMIUM, 'chromium', 'chromium-browser'].filter((x): x is string => !!x)) {
    const r = spawnSync(exe, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0) return exe;
  }
  return undefined;
}

interface Pending {
  resolve(v: Record<string, unknown>): void;
  reject(e: Error): void;
}

export class Chromium {
  private next = 1;
  private pending = new Map<number, Pending>();
  private waiters: { method: string; sessionId?: string; resolve(): void }[] = [];
  private buffer = '';

  private constructor(private child: ChildProcess) {
    const out = child.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const msg = JSON.parse(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 1);
        this.dispatch(msg);
      }
    });
    child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('chromium exited'));
      this.pending.clear();
    });
  }

  static launch(exe: string): Chromium {
    const child = spawn(exe, [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--hide-scrollbars', '--mute-audio', '--remote-debugging-pipe', 'about:blank',
    ], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
    return new Chromium(child);
  }

  private dispatch(msg: { id?: number; method?: string; sessionId?: string; result?: Record<string, unknown>; error?: { message: string } }) {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(msg.error.message));
      else p?.resolve(msg.result ?? {});
      return;
    }
    this.waiters = this.waiters.filter((w) => {
      if (w.method !== msg.method || (w.sessionId && w.sessionId !== msg.sessionId)) return true;
      w.resolve();
      return false;
    });
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.next++;
    const p = new Promise<Record<string, unknown>>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    (this.child.stdio[3] as Writable).write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return p;
  }

  private event(method: string, sessionId: string): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ method, sessionId, resolve }));
  }

  /** A new tab showing `file` at `width` CSS pixels (a phone's viewport when under 500). */
  async open(file: string, width: number, height = 900): Promise<Page> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    await this.send('Page.enable', {}, sessionId);
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: width < 500 }, sessionId);
    const loaded = this.event('Page.loadEventFired', sessionId);
    await this.send('Page.navigate', { url: pathToFileURL(file).href }, sessionId);
    await loaded;
    return new Page(this, sessionId, width);
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => (this.child.exitCode !== null ? resolve() : this.child.once('exit', () => resolve())));
    this.send('Browser.close').catch(() => {});
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

export class Page {
  constructor(private browser: Chromium, private sessionId: string, readonly width: number) {}

  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.browser.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, this.sessionId)) as {
      result: { value: T };
      exceptionDetails?: { text: string };
    };
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.text}`);
    return r.result.value;
  }

  /** The whole page as a PNG, at the page's width. */
  async screenshot(): Promise<Buffer> {
    const height = await this.evaluate<number>('Math.ceil(document.documentElement.scrollHeight)');
    await this.browser.send('Emulation.setDeviceMetricsOverride', { width: this.width, height: Math.min(height, 16000), deviceScaleFactor: 1, mobile: this.width < 500 }, this.sessionId);
    const { data } = (await this.browser.send('Page.captureScreenshot', { format: 'png' }, this.sessionId)) as { data: string };
    return Buffer.from(data, 'base64');
  }
}

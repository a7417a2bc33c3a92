// One Chromium for the process, launched when the first page needs it, with at most `maxContexts`
// pages rendering at once (a fresh context each). A browser that crashes, or hangs past a
// render's deadline, is killed with its whole process tree and replaced for the next page; the
// renders it had in flight fail with the RetryableError 'browser-crashed'. close() leaves no
// Chromium process behind.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { ConfigError, RetryableError, VigieError } from '../../config/errors.ts';
import type { Logger } from '../../config/logger.ts';
import { killBrowserGroup, launchBrowserProcess, reapBrowser } from './browser-process.ts';
import type { BrowserProcess } from './browser-process.ts';
import { ContextSlots } from './context-slots.ts';
import { createGuardProxy } from './guard-proxy.ts';
import { race } from './render-deadline.ts';
import { renderPage } from './render-page.ts';
import type { RenderRequest, RenderResult } from './render-page.ts';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

export interface BrowserPoolOptions {
  /** Default /usr/bin/chromium. */
  executablePath?: string;
  /** Pages rendering at once (one browser context each). */
  maxContexts: number;
  /** Chromium switches added to DEFAULT_CHROMIUM_ARGS. */
  launchArgs?: string[];
  logger: Logger;
  /** Default 30 s. */
  launchTimeoutMs?: number;
  /** How long a render may wait for a free context before 'render-busy'. Default 60 s. */
  queueTimeoutMs?: number;
  /** How far past its own deadline a render may run before the browser counts as hung. Default 10 s. */
  hangMarginMs?: number;
  /** How long close() waits for Chromium to exit by itself before killing it. Default 5 s. */
  closeTimeoutMs?: number;
  /** Where Chromium would save downloads (it saves none); default Playwright's temporary directory. */
  downloadsPath?: string;
  /** Chromium's environment; default a minimal one (see browser-process.ts). */
  launchEnv?: Record<string, string>;
}

export interface BrowserPoolStats {
  /** The running browser's pid (its process group id), or null when none runs. */
  browserPid: number | null;
  /** The running browser's HOME directory, named on the command lines of all its processes. */
  browserRuntimeDir: string | null;
  launches: number;
  /** Browsers lost to a crash or a hang. */
  replacedBrowsers: number;
  activeRenders: number;
  queuedRenders: number;
}

interface LiveBrowser {
  readonly proc: BrowserProcess;
  /** Set once the browser is disconnected or being killed: its renders are lost. */
  dead: boolean;
}

export class BrowserPool {
  readonly #options: Required<Pick<BrowserPoolOptions, 'executablePath' | 'launchTimeoutMs' | 'queueTimeoutMs' | 'hangMarginMs' | 'closeTimeoutMs'>>
    & BrowserPoolOptions;
  readonly #logger: Logger;
  readonly #slots: ContextSlots;
  #launching: Promise<LiveBrowser> | null = null;
  #current: LiveBrowser | null = null;
  readonly #reaping = new Set<Promise<void>>();
  #launches = 0;
  #replaced = 0;
  #closed = false;
  #closing: Promise<void> | null = null;

  constructor(options: BrowserPoolOptions) {
    if (!Number.isInteger(options.maxContexts) || options.maxContexts < 1) {
      throw new ConfigError('maxContexts must be a positive integer', [{ path: 'maxContexts', message: 'must be a positive integer' }]);
    }
    this.#options = {
      executablePath: DEFAULT_CHROMIUM_PATH,
      launchTimeoutMs: 30_000,
      queueTimeoutMs: 60_000,
      hangMarginMs: 10_000,
      closeTimeoutMs: 5000,
      ...options,
    };
    this.#logger = options.logger.child({ component: 'browser-pool' });
    this.#slots = new ContextSlots(options.maxContexts);
  }

  async render(request: RenderRequest): Promise<RenderResult> {
    this.#assertOpen();
    const release = await this.#slots.acquire(this.#options.queueTimeoutMs);
    try {
      this.#assertOpen();
      let live = await this.#browser();
      // Lost between its launch and this page: a fresh one is already on its way.
      if (live.dead) live = await this.#browser();
      return await this.#renderOn(live, request);
    } finally {
      release();
    }
  }

  stats(): BrowserPoolStats {
    return {
      browserPid: this.#current?.proc.pid ?? null,
      browserRuntimeDir: this.#current?.proc.runtimeDir ?? null,
      launches: this.#launches,
      replacedBrowsers: this.#replaced,
      activeRenders: this.#slots.held,
      queuedRenders: this.#slots.waiting,
    };
  }

  /** Closes the browser; resolves once no Chromium process of this pool remains. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    this.#slots.failWaiters(() => poolClosedError());
    const live = this.#launching ? await this.#launching.catch(() => null) : null;
    if (live && !live.dead) {
      const closed = await race(live.proc.browser.close(), Date.now() + this.#options.closeTimeoutMs);
      if (!closed.done) this.#logger.warn({ browserPid: live.proc.pid }, 'Chromium did not close in time: killing it');
      this.#retire(live, 'closed');
    }
    await Promise.all([...this.#reaping]);
  }

  async #renderOn(live: LiveBrowser, request: RenderRequest): Promise<RenderResult> {
    const deadlineMs = Date.now() + request.options.timeoutMs;
    const proxy = await createGuardProxy(request.guard, { logger: this.#logger, upstreamTimeoutMs: request.options.timeoutMs });
    try {
      const work = renderPage(live.proc.browser, request, { proxy, logger: this.#logger, deadlineMs });
      const outcome = await race(work, deadlineMs + this.#options.hangMarginMs);
      if (!outcome.done) {
        this.#retire(live, 'hung');
        throw new RetryableError('browser-crashed', `Chromium hung rendering ${request.url} and was killed`, {
          details: { url: request.url, timeoutMs: request.options.timeoutMs },
        });
      }
      return outcome.value;
    } catch (err) {
      if (err instanceof VigieError && err.code === 'browser-crashed') throw err;
      // Playwright may reject a call before it reports the disconnection: let the event land first.
      await new Promise((resolve) => setImmediate(resolve));
      if (live.dead || !live.proc.browser.isConnected()) {
        if (this.#closed) throw poolClosedError(err);
        throw new RetryableError('browser-crashed', `Chromium was lost while rendering ${request.url}`, {
          cause: err,
          details: { url: request.url },
        });
      }
      throw err;
    } finally {
      await proxy.close();
    }
  }

  /** The running browser, launching one if there is none (one launch shared by all callers). */
  #browser(): Promise<LiveBrowser> {
    // Once closed, no new browser: close() only shuts down the one it found launched or launching.
    if (this.#closed) return Promise.reject(poolClosedError());
    if (this.#launching) return this.#launching;
    const launching = this.#launch();
    this.#launching = launching;
    launching.catch(() => {
      if (this.#launching === launching) this.#launching = null;
    });
    return launching;
  }

  async #launch(): Promise<LiveBrowser> {
    const { executablePath } = this.#options;
    try {
      await access(executablePath, constants.X_OK);
    } catch (err) {
      throw new ConfigError(`Chromium not found or not executable at ${executablePath}`, [
        { path: 'browser.executablePath', message: `${executablePath} is not an executable file` },
      ], { cause: err });
    }
    let proc: BrowserProcess;
    try {
      proc = await launchBrowserProcess({
        executablePath,
        extraArgs: this.#options.launchArgs ?? [],
        launchTimeoutMs: this.#options.launchTimeoutMs,
        downloadsPath: this.#options.downloadsPath,
        env: this.#options.launchEnv,
      });
    } catch (err) {
      throw new RetryableError('browser-launch-failed', `Chromium failed to start: ${(err as Error).message.split('\n', 1)[0]}`, {
        cause: err,
        details: { executablePath },
      });
    }
    this.#launches++;
    const live: LiveBrowser = { proc, dead: false };
    this.#current = live;
    proc.browser.once('disconnected', () => this.#retire(live, 'disconnected'));
    this.#logger.info({ browserPid: proc.pid, launches: this.#launches }, 'Chromium launched');
    return live;
  }

  /** Forgets a browser and kills what is left of it; its processes are reaped in the background. */
  #retire(live: LiveBrowser, reason: 'closed' | 'disconnected' | 'hung'): void {
    if (live.dead) return;
    live.dead = true;
    if (this.#current === live) {
      this.#current = null;
      this.#launching = null;
    }
    if (reason !== 'closed' && !this.#closed) {
      this.#replaced++;
      this.#logger.warn({ browserPid: live.proc.pid, reason }, 'Chromium lost: the next page starts a new one');
    }
    if (live.proc.pid !== null) killBrowserGroup(live.proc.pid);
    const reaping = reapBrowser(live.proc, this.#options.closeTimeoutMs).then((clean) => {
      if (!clean) this.#logger.error({ browserPid: live.proc.pid }, 'Chromium processes survived SIGKILL');
    }, (err: unknown) => {
      this.#logger.error({ err, browserPid: live.proc.pid }, 'reaping Chromium failed');
    });
    this.#reaping.add(reaping);
    void reaping.finally(() => this.#reaping.delete(reaping));
  }

  #assertOpen(): void {
    if (this.#closed) throw poolClosedError();
  }
}

function poolClosedError(cause?: unknown): RetryableError {
  return new RetryableError('render-pool-closed', 'the browser pool is closing', cause === undefined ? {} : { cause });
}

// The renderer: Chromium through Playwright, every request of a page checked by the network guard.
export { BrowserPool, DEFAULT_CHROMIUM_PATH } from './browser-pool.ts';
export type { BrowserPoolOptions, BrowserPoolStats } from './browser-pool.ts';
export { DEFAULT_CHROMIUM_ARGS } from './browser-process.ts';
export { createGuardProxy } from './guard-proxy.ts';
export type { GuardProxy, GuardProxyOptions, GuardProxyStats } from './guard-proxy.ts';
export { MAX_RENDERED_LINKS, MAX_SCREENSHOT_HEIGHT_PX } from './page-capture.ts';
export { needsRendering, staticHtmlSignals } from './render-decision.ts';
export type { StaticHtmlSignals } from './render-decision.ts';
export type { RenderDocument, RenderRequest, RenderResult } from './render-page.ts';
export { loadSessionCookies, parseSessionCookies } from './session-cookies.ts';
export type { SessionCookie } from './session-cookies.ts';

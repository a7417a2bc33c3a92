// Real Chromium (playwright-core, the system's /usr/bin/chromium) pointed at a test desk, for the
// web app's end-to-end tests. Page errors and CSP violations are collected so a test can assert
// that the app ran cleanly under its policy.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { TEST_PASSWORD, type TestDesk } from './desk.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface DeskBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors (CSP violations are console errors). */
  problems: string[];
  /** Opens /sign-in and signs in through the form (the account is created if needed). */
  signIn(username: string, role?: Parameters<TestDesk['addUser']>[1]): Promise<void>;
  /** Writes docs/screenshots/<name>.png when VIGIE_SCREENSHOTS=1 (normal runs leave docs alone). */
  screenshot(name: string, options?: { fullPage?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function launchDeskBrowser(desk: TestDesk, options: { lang?: 'fr' | 'en' } = {}): Promise<DeskBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const context = await browser.newContext({
    baseURL: desk.baseUrl,
    locale: options.lang === 'en' ? 'en-GB' : 'fr-FR',
    // The unit's time zone, not the machine's UTC: dates typed and shown are local ones.
    timezoneId: 'Europe/Paris',
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return {
    browser,
    context,
    page,
    problems,
    signIn: async (username, role = 'analyst') => {
      await desk.addUser(username, role);
      await page.goto('/sign-in');
      await page.locator('#username').fill(username);
      await page.locator('#password').fill(TEST_PASSWORD);
      await page.locator('form.sign-in button[type=submit]').click();
      await page.waitForURL((url) => url.pathname !== '/sign-in');
    },
    screenshot: async (name, shot = {}) => {
      if (process.env.VIGIE_SCREENSHOTS !== '1') return;
      await page.screenshot({ path: new URL(`../../docs/screenshots/${name}.png`, import.meta.url).pathname, fullPage: shot.fullPage ?? false });
    },
    close: async () => {
      await context.close();
      await browser.close();
    },
  };
}

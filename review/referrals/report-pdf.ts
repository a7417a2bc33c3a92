// report.pdf: report.html printed by real Chromium (playwright-core), with the renderer's hardened
// launch (crawler/render/browser-process.ts). The report is self-contained, so the page runs with
// JavaScript disabled and every request it might still make is aborted: printing it reaches
// nothing. One browser per PDF, ended for sure (its process group reaped) whatever happens.
import { launchBrowserProcess, reapBrowser } from '../../crawler/render/browser-process.ts';
import { escapeHtml } from './report-html.ts';

export interface PdfOptions {
  chromiumPath: string;
  /** Launch, load and print each get this long. Default 30 s. */
  timeoutMs?: number;
  /** Printed in every page's footer with the page number. */
  footer?: string;
}

export async function renderReportPdf(html: string, options: PdfOptions): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const proc = await launchBrowserProcess({ executablePath: options.chromiumPath, extraArgs: [], launchTimeoutMs: timeoutMs });
  try {
    const context = await proc.browser.newContext({ javaScriptEnabled: false, offline: true, serviceWorkers: 'block', acceptDownloads: false });
    await context.route('**/*', (route) => route.abort('blockedbyclient'));
    const page = await context.newPage();
    page.setDefaultTimeout(timeoutMs);
    await page.setContent(html, { waitUntil: 'load' });
    const footer = `<div style="font-size:8px;width:100%;text-align:center;font-family:sans-serif">${escapeHtml(options.footer ?? '')} page <span class="pageNumber"></span> / <span class="totalPages"></span></div>`;
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: footer,
      margin: { top: '15mm', bottom: '18mm', left: '12mm', right: '12mm' },
    });
  } finally {
    await proc.browser.close().catch(() => undefined);
    await reapBrowser(proc, 5000);
  }
}

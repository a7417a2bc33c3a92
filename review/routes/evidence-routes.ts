// The evidence of a page, for whoever may read it: the page document with the spans to highlight,
// the capture made inert (for the desk's sandboxed iframe), the screenshot, and the state of the
// signed evidence. Every view is an `evidence.view` audit line saying what was seen.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NonRetryableError } from '../../config/errors.ts';
import type { PageDocument } from '../../indexer/types.ts';
import { CAPTURE_SOURCES, captureDocument, pageEvidenceStatus, pageHighlights, screenshotOf } from '../evidence/index.ts';
import type { DeskContext } from '../http/context.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { defineRoute, idParam } from '../http/route.ts';

/**
 * The capture is a document of its own, shown only inside the desk's iframe (sandbox=""): it may
 * load nothing (inline styles and data: images only), runs sandboxed even if opened directly, and
 * only the desk's own pages may frame it.
 */
export const CAPTURE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'";

const captureQuery = z.strictObject({
  /** Which artifact to show; by default the rendered DOM when there is one, else the response body. */
  source: z.enum(CAPTURE_SOURCES).optional(),
});

export function registerEvidenceRoutes(app: FastifyInstance, ctx: DeskContext): void {
  const store = () => ctx.pipeline.evidence.store;
  const getPage = async (id: string): Promise<PageDocument> => {
    const page = await ctx.pipeline.index.getPage(id);
    if (page === null) throw notFound('page');
    return page;
  };

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/pages/:id',
    tag: 'evidence',
    summary: 'A page as indexed (text, entities, flags) with the term and entity spans to highlight in its text',
    access: 'evidence:read',
    params: idParam,
    handler: async ({ params, audit }) => {
      const page = await getPage(params.id);
      await audit('evidence.view', page.id, { what: 'page' });
      return { ...page, ...pageHighlights(page) };
    },
  });

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/pages/:id/capture',
    tag: 'evidence',
    summary: 'The page as captured, sanitised (no script, no external resource), for a sandboxed iframe',
    access: 'evidence:read',
    params: idParam,
    query: captureQuery,
    produces: 'text/html',
    handler: async ({ params, query, reply, audit }) => {
      const page = await getPage(params.id);
      const capture = await withEvidenceErrors(() => captureDocument(store(), page, query.source));
      await audit('evidence.view', page.id, { what: 'capture', source: capture.source, sha256: capture.sha256 });
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', CAPTURE_CSP)
        .header('x-frame-options', 'SAMEORIGIN')
        .header('cross-origin-resource-policy', 'same-origin')
        .send(capture.html);
    },
  });

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/pages/:id/screenshot',
    tag: 'evidence',
    summary: 'The screenshot taken when the page was rendered (404 withheld when it was not kept or may not be shown)',
    access: 'evidence:read',
    params: idParam,
    produces: 'image/png',
    handler: async ({ params, reply, audit }) => {
      const page = await getPage(params.id);
      const shot = await withEvidenceErrors(() => screenshotOf(store(), page));
      if (shot.kind === 'withheld') {
        await audit('evidence.view', page.id, { what: 'screenshot', withheld: true }, 'denied');
        throw new HttpError(404, 'withheld', shot.message);
      }
      if (shot.kind === 'none') throw new HttpError(404, 'not-found', shot.message);
      await audit('evidence.view', page.id, { what: 'screenshot', sha256: shot.sha256 });
      return reply
        .header('content-type', shot.mediaType)
        .header('content-disposition', `inline; filename="${page.id.replace(/[^A-Za-z0-9_-]/g, '_')}-screenshot.${shot.mediaType === 'image/jpeg' ? 'jpg' : 'png'}"`)
        .header('cross-origin-resource-policy', 'same-origin')
        .send(shot.bytes);
    },
  });

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/pages/:id/evidence',
    tag: 'evidence',
    summary: 'The signed evidence of a page: manifest, artifacts re-hashed, signature and WARC record checked',
    access: 'evidence:read',
    params: idParam,
    handler: async ({ params, audit }) => {
      const page = await getPage(params.id);
      const status = await pageEvidenceStatus(store(), ctx.pipeline.settings.dataDir, page);
      await audit('evidence.view', page.id, { what: 'evidence', verified: status.verified });
      return status;
    },
  });
}

/** A missing artifact is a 404 the analyst can read; bytes that no longer match their hash are a server fault. */
async function withEvidenceErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof NonRetryableError && err.code === 'evidence-missing') throw new HttpError(404, 'not-found', err.message);
    if (err instanceof NonRetryableError && err.code === 'evidence-corrupt') throw new HttpError(500, 'internal-error', err.message);
    throw err;
  }
}

// Watch targets for ops: the list with each target's health, create or replace one (validated by
// the target schema, applied at once), pause, resume, run now, delete, and the whole set as YAML
// (export, import). Targets leave redacted (review/ops/target-secrets.ts says how edits keep the
// secrets). Decisions: pausing is `enabled: false` (the config stays, the scheduler goes, and it is
// written to the targets file, so it survives restarts); a paused target cannot be run now (409:
// pausing is how ops stop traffic to a site, so a run needs a resume first).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ConfigError, parseTargetsYaml, redactTarget, targetSchema, type WatchTarget } from '../../config/index.ts';
import { overrideIssues } from '../../extractors/rules/index.ts';
import { enqueueRunNow, queuedRunsNow, redisKeys } from '../../workers/index.ts';
import type { DeskContext } from '../http/context.ts';
import { HttpError, conflict, notFound } from '../http/errors.ts';
import { defineRoute, idParam } from '../http/route.ts';
import { TargetAdmin } from '../ops/target-admin.ts';
import { targetsHealth, type TargetHealth } from '../ops/target-health.ts';
import { restoreRedacted } from '../ops/target-secrets.ts';
import { targetsYaml } from '../ops/targets-file.ts';

const YAML_TYPES = ['text/yaml', 'application/yaml', 'application/x-yaml'];
/** Issues listed in one error message, at most (a broken import can have hundreds). */
const MAX_LISTED_ISSUES = 50;

interface Issue {
  path: string;
  message: string;
}

/** A target's JSON as sent; the target schema validates it in the handler so that every problem is listed. */
const targetBody = z.record(z.string(), z.unknown()).meta({ description: 'A watch target, as in the targets YAML (config/targets.example.yaml)' });
const importQuery = z.strictObject({ mode: z.enum(['merge', 'replace']).default('merge') });

export function registerTargetRoutes(app: FastifyInstance, ctx: DeskContext): void {
  const admin = new TargetAdmin({ ...ctx.pipeline, targetsFile: ctx.targetsFile });
  const withHealth = async (targets: readonly WatchTarget[]) => {
    const health = await targetsHealth(targets, { ...ctx.pipeline, keys: redisKeys(ctx.pipeline.settings.redisPrefix) }, ctx.clock());
    return targets.map((target) => ({ ...redactTarget(target), health: health.get(target.id) as TargetHealth }));
  };
  const stored = async (id: string) => {
    const target = await ctx.pipeline.targets.get(id);
    if (target === null) throw notFound('target');
    return target;
  };

  // The YAML parser is this plugin's own: text/yaml bodies mean nothing to the other routes.
  void app.register(async (scope) => {
    scope.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));

    defineRoute(scope, ctx, {
      method: 'GET',
      url: '/api/v1/targets',
      tag: 'targets',
      summary: 'Every watch target (redacted) with its health: paused, scheduled, next run, last run',
      access: 'targets:read',
      handler: async () => ({ targets: await withHealth(await ctx.pipeline.targets.list()) }),
    });

    defineRoute(scope, ctx, {
      method: 'GET',
      url: '/api/v1/targets/export',
      tag: 'targets',
      summary: 'The whole target set as YAML, secrets redacted (importing it back keeps the stored ones)',
      access: 'targets:read',
      produces: 'text/yaml',
      audit: 'target.export',
      handler: async ({ reply }) => {
        const targets = (await ctx.pipeline.targets.list()).map(redactTarget);
        const header = ` Vigie watch targets, exported ${ctx.clock().toISOString()}. Header values and proxy credentials are redacted;\n importing this file keeps the stored ones.`;
        return reply
          .type('text/yaml; charset=utf-8')
          .header('content-disposition', 'attachment; filename="vigie-targets.yaml"')
          .send(targetsYaml(targets, null, header));
      },
    });

    defineRoute(scope, ctx, {
      method: 'POST',
      url: '/api/v1/targets/import',
      tag: 'targets',
      summary: 'Import a targets YAML (body text/yaml): every target is validated first, nothing is applied on any problem; mode=merge (default) adds and replaces by id, mode=replace makes the set exactly the file',
      access: 'targets:write',
      query: importQuery,
      body: z.string({ error: 'send the YAML file as the body, with content-type text/yaml' }).meta({ description: 'targets YAML: { targets: [...] }' }),
      consumes: 'text/yaml',
      handler: async ({ query, body, audit, principal }) => {
        const imported = parseImport(body);
        const ids = new Set(imported.map((t) => t.id));
        const result = await admin.replaceAll((current) => {
          const byId = new Map(current.map((t) => [t.id, t]));
          const issues: Issue[] = [];
          const restored = imported.map((target, k) => {
            const checked = checkTarget(target, byId.get(target.id) ?? null, ctx, principal?.role === 'admin');
            issues.push(...checked.issues.map((issue) => ({ path: `targets.${k}.${issue.path}`, message: issue.message })));
            return checked.target;
          });
          if (issues.length > 0) throw invalid(issues);
          return query.mode === 'replace' ? restored : [...current.filter((t) => !ids.has(t.id)), ...restored];
        });
        const before = new Set(result.previous.map((t) => t.id));
        const added = [...ids].filter((id) => !before.has(id));
        const updated = [...ids].filter((id) => before.has(id));
        const summary = { mode: query.mode, added, updated, removed: [...result.removedTargets].sort(), scheduled: result.scheduled };
        await audit('target.import', undefined, { mode: query.mode, added: added.length, updated: updated.length, removed: result.removedTargets.length });
        return summary;
      },
    });

    defineRoute(scope, ctx, {
      method: 'GET',
      url: '/api/v1/targets/:id',
      tag: 'targets',
      summary: 'One watch target (redacted) with its health',
      access: 'targets:read',
      params: idParam,
      handler: async ({ params }) => ({ target: (await withHealth([await stored(params.id)]))[0] }),
    });

    defineRoute(scope, ctx, {
      method: 'PUT',
      url: '/api/v1/targets/:id',
      tag: 'targets',
      summary: 'Create or replace a watch target (every problem listed on a 400); applied at once. Redacted header values and proxy credentials keep the stored ones',
      access: 'targets:write',
      params: idParam,
      body: targetBody,
      handler: async ({ params, body, reply, audit, principal }) => {
        if (body.id !== undefined && body.id !== params.id) throw invalid([{ path: 'id', message: `must be the id in the URL (${params.id})` }]);
        // A target as GET shows it can be sent back as it is: its health is not part of its config.
        const { health: _health, ...config } = body;
        const parsed = targetSchema.safeParse({ ...config, id: params.id });
        if (!parsed.success) throw invalid(parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })));
        const result = await admin.putWith(params.id, (previous) => {
          const checked = checkTarget(parsed.data, previous, ctx, principal?.role === 'admin');
          if (checked.issues.length > 0) throw invalid(checked.issues);
          return checked.target;
        });
        await audit('target.update', params.id, { created: result.previous === null, changed: changedFields(result.previous, result.target), enabled: result.target.enabled, scheduled: result.scheduled });
        return reply.status(result.previous === null ? 201 : 200).send({ target: (await withHealth([result.target]))[0] });
      },
    });

    defineRoute(scope, ctx, {
      method: 'DELETE',
      url: '/api/v1/targets/:id',
      tag: 'targets',
      summary: 'Delete a watch target and its schedule (its crawled pages and alerts stay)',
      access: 'targets:write',
      params: idParam,
      audit: 'target.delete',
      handler: async ({ params }) => {
        const removed = await admin.remove(params.id);
        if (removed === null) throw notFound('target');
        return { target: redactTarget(removed) };
      },
    });

    for (const [action, enabled] of [['pause', false], ['resume', true]] as const) {
      defineRoute(scope, ctx, {
        method: 'POST',
        url: `/api/v1/targets/:id/${action}`,
        tag: 'targets',
        summary: enabled
          ? 'Resume a paused target: enabled again, its schedule restored'
          : 'Pause a target: enabled: false, its schedule and queued on-demand runs removed, its config kept (also in the targets file)',
        access: 'targets:write',
        params: idParam,
        handler: async ({ params, audit }) => {
          const result = await admin.setEnabled(params.id, enabled);
          if (result === null) throw notFound('target');
          await audit(`target.${action}`, params.id, { changed: result.previous?.enabled !== enabled, scheduled: result.scheduled });
          return { target: (await withHealth([result.target]))[0] };
        },
      });
    }

    defineRoute(scope, ctx, {
      method: 'POST',
      url: '/api/v1/targets/:id/run',
      tag: 'targets',
      summary: 'Queue a run of the target now, as its schedule would (202 with the run id); 409 when the target is paused or a run of it is already queued',
      access: 'targets:write',
      params: idParam,
      handler: async ({ params, reply, audit }) => {
        const target = await stored(params.id);
        if (!target.enabled) throw conflict(`target ${target.id} is paused: resume it before running it`);
        const queued = await queuedRunsNow(target.id, ctx.pipeline.queues);
        if (queued.length > 0) throw conflict(`a run of ${target.id} is already queued (${queued[0]!.data.runId}) and has not started yet`);
        const { runId } = await enqueueRunNow(target.id, ctx.pipeline.queues, ctx.clock());
        await audit('target.run', target.id, { runId });
        return reply.status(202).send({ runId });
      },
    });
  });
}

/**
 * A parsed target made ready to store: redacted secrets restored, rule overrides checked against
 * the rule set in force, and the server-side trust switches left as they were unless an admin
 * changes them: `allowPrivate` opens the crawler to internal addresses (loopback, metadata
 * services, Redis) and `browser.cookiesFile` makes it read a file on the server.
 */
function checkTarget(target: WatchTarget, previous: WatchTarget | null, ctx: DeskContext, isAdmin: boolean): { target: WatchTarget; issues: Issue[] } {
  const restored = restoreRedacted(target, previous);
  const issues = [...restored.issues, ...overrideIssues(target.rules, ctx.pipeline.rules.current())];
  if (!isAdmin) {
    if (target.allowPrivate !== (previous?.allowPrivate ?? false)) issues.push({ path: 'allowPrivate', message: 'only an admin may change it (it lets the crawler reach internal addresses)' });
    if (target.browser?.cookiesFile !== previous?.browser?.cookiesFile) issues.push({ path: 'browser.cookiesFile', message: 'only an admin may change it (it makes the crawler read a file on the server)' });
  }
  return { target: restored.target, issues };
}

function parseImport(body: string): WatchTarget[] {
  try {
    return parseTargetsYaml(body, 'import');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw invalid(err.issues.map((issue) => ({ path: [issue.file, issue.path].filter(Boolean).join(': '), message: issue.message })));
  }
}

function invalid(issues: readonly Issue[]): HttpError {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
  const more = issues.length > MAX_LISTED_ISSUES ? `; and ${issues.length - MAX_LISTED_ISSUES} more` : '';
  return new HttpError(400, 'bad-request', `${issues.length} problem(s): ${listed.join('; ')}${more}`);
}

/** The top-level fields an edit changed, for the audit line (names only: values may be secrets). */
function changedFields(previous: WatchTarget | null, next: WatchTarget): string[] {
  if (previous === null) return [];
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)]) as Set<keyof WatchTarget>;
  return [...keys].filter((key) => JSON.stringify(previous[key]) !== JSON.stringify(next[key])).sort();
}

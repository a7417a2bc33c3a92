import type { z } from 'zod';
import type { ConfigIssue } from './errors.ts';

/** zod issues as `path.to.field: message` config issues, every one of them. */
export function zodIssuesToConfigIssues(issues: readonly z.core.$ZodIssue[], file?: string): ConfigIssue[] {
  return issues.map((issue) => ({
    file,
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

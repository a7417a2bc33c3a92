// The services an analyst can refer an alert to: config/referral-services.yaml by default, or the
// file VIGIE_REFERRAL_SERVICES names (settings.referralServicesFile). Validated with zod at load:
// every problem is reported as `file: path.to.field: message`, like the brand list. Each service
// may be the suggested one for some categories; no category is suggested twice.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../../config/errors.ts';
import { zodIssuesToConfigIssues } from '../../config/zod-issues.ts';
import { DEFAULT_REFERRAL_SERVICES_FILE } from '../../config/settings.ts';
import { CATEGORIES, type Category } from '../../extractors/types.ts';


export const SERVICE_KINDS = ['judicial', 'police', 'international', 'host-notice', 'administrative'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

const label = z.string().trim().min(2, 'a label has at least 2 characters').max(120, 'a label is at most 120 characters');

const serviceSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lower-case letters, digits and dashes (at most 63)'),
  label: z.strictObject({ fr: label, en: label }),
  kind: z.enum(SERVICE_KINDS),
  contact: z.string().trim().min(1).max(1000),
  suggestedFor: z.array(z.enum(CATEGORIES)).default([]),
});

const fileSchema = z.strictObject({
  services: z.array(serviceSchema).min(1, 'at least one service is required'),
});

export type ReferralService = Readonly<z.infer<typeof serviceSchema>>;

export interface ReferralServices {
  readonly services: readonly ReferralService[];
  /** Where they were read from (for messages). */
  readonly file: string;
  get(id: string): ReferralService | undefined;
  /** The service the desk proposes first for a category, if one is configured. */
  suggestedFor(category: Category): ReferralService | undefined;
}

/** Reads and validates a services file; throws a ConfigError listing every problem. */
export function loadReferralServices(file: string = DEFAULT_REFERRAL_SERVICES_FILE): ReferralServices {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`referral services file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, [], { cause: err });
  }
  return parseReferralServices(text, file);
}

export function parseReferralServices(text: string, file: string): ReferralServices {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error): ConfigIssue => ({ file, path: '', message: `YAML: ${error.message}` }));
    throw new ConfigError(`referral services file ${file} is not valid YAML`, issues);
  }
  const parsed = fileSchema.safeParse(doc.toJS());
  if (!parsed.success) throw new ConfigError(`referral services file ${file} is invalid`, zodIssuesToConfigIssues(parsed.error.issues, file));
  const services = parsed.data.services;
  const issues = [...duplicates(services.map((s) => s.id), (id, index) => ({ file, path: `services.${index}.id`, message: `service id "${id}" is used twice` }))];
  const suggested = services.flatMap((service, index) => service.suggestedFor.map((category) => ({ category, index })));
  issues.push(
    ...duplicates(suggested.map((s) => s.category), (category, at) => ({
      file,
      path: `services.${suggested[at]!.index}.suggestedFor`,
      message: `category "${category}" is already suggested for another service`,
    })),
  );
  if (issues.length > 0) throw new ConfigError(`referral services file ${file} is invalid`, issues);
  return referralServices(services, file);
}

function referralServices(list: readonly ReferralService[], file: string): ReferralServices {
  const frozen = Object.freeze(list.map((service) => Object.freeze({ ...service, label: Object.freeze({ ...service.label }), suggestedFor: Object.freeze([...service.suggestedFor]) as Category[] })));
  const byId = new Map(frozen.map((service) => [service.id, service]));
  const byCategory = new Map(frozen.flatMap((service) => service.suggestedFor.map((category) => [category, service] as const)));
  return Object.freeze({
    services: frozen,
    file,
    get: (id: string) => byId.get(id),
    suggestedFor: (category: Category) => byCategory.get(category),
  });
}

/** An issue for each repeated value (its second and later occurrences). */
function duplicates<T>(values: readonly T[], issue: (value: T, index: number) => ConfigIssue): ConfigIssue[] {
  const seen = new Set<T>();
  const found: ConfigIssue[] = [];
  values.forEach((value, index) => {
    if (seen.has(value)) found.push(issue(value, index));
    seen.add(value);
  });
  return found;
}

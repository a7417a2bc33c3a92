// What each role may do. Routes ask for a capability, never for a role, so that the matrix
// below is the one place to read (and to test) who can do what.
import type { Role } from '../desk/types.ts';

export const CAPABILITIES = [
  'alerts:read',
  'alerts:decide',
  'evidence:read',
  'referrals:write',
  'search:read',
  'search:export',
  'saved-searches:write',
  'stats:read',
  'targets:read',
  'targets:write',
  'queues:admin',
  'metrics:read',
  'users:admin',
  'audit:read',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

const ROLE_CAPABILITIES: Readonly<Record<Role, ReadonlySet<Capability>>> = {
  analyst: new Set<Capability>(['alerts:read', 'alerts:decide', 'evidence:read', 'referrals:write', 'search:read', 'stats:read']),
  investigator: new Set<Capability>(['alerts:read', 'evidence:read', 'search:read', 'search:export', 'saved-searches:write', 'stats:read']),
  ops: new Set<Capability>(['targets:read', 'targets:write', 'queues:admin', 'stats:read', 'metrics:read']),
  admin: new Set<Capability>(CAPABILITIES),
};

export function can(role: Role, capability: Capability): boolean {
  return ROLE_CAPABILITIES[role].has(capability);
}

export function capabilitiesOf(role: Role): Capability[] {
  return CAPABILITIES.filter((capability) => can(role, capability));
}

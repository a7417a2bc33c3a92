// Everything one referral package says, gathered before any file is written: the formats
// (report, MISP event, STIX bundle) are pure functions of it.
import type { Alert, AlertDecisionRecord, PageDocument } from '../../indexer/types.ts';
import type { CommentRecord } from '../desk/types.ts';
import type { PageEvidenceBundle } from './collect-evidence.ts';
import type { ReferralService } from './services.ts';

export interface ReferralFacts {
  referralId: string;
  alert: Alert;
  pages: readonly PageDocument[];
  evidence: readonly PageEvidenceBundle[];
  history: readonly AlertDecisionRecord[];
  comments: readonly CommentRecord[];
  service: ReferralService;
  /** The legal qualification as the analyst wrote it. */
  qualification: string;
  comment?: string;
  analyst: string;
  /** ISO-8601 UTC. */
  createdAt: string;
  instance: { keyId: string; vigieVersion: string };
}


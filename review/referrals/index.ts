// Referral packages: the services alerts are referred to, the signed ZIP package (evidence,
// report HTML/PDF, MISP event, STIX bundle, manifest) and its verification.
export { loadReferralServices, parseReferralServices, SERVICE_KINDS, type ReferralService, type ReferralServices, type ServiceKind } from './services.ts';
export { buildReferralPackage, MISP_EVENT, REPORT_HTML, REPORT_PDF, STIX_BUNDLE, type ReferralPackage, type ReferralPackageInput } from './build-package.ts';
export { verifyReferralPackage, type PackageProblem, type PackageProblemCode, type PackageReport } from './verify-package.ts';
export { PACKAGE_MANIFEST_PATH, type PackageManifest } from './package-manifest.ts';
export { CHILD_ABUSE_OMISSION } from './collect-evidence.ts';
export { createReferral, oneAtATime, readStoredPackage, ReferralUnavailableError, PACKAGE_MEDIA_TYPE, type CreateReferralDeps, type ReferralRequest } from './create-referral.ts';

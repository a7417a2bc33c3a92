// `vigie evidence verify`: re-hashes every stored artifact, checks every manifest's signature and
// the WARC record it names, printing each failure. Exit codes: 0 all verified (an empty store
// included), 1 something failed verification, 64 bad usage, 69 the evidence store could not be
// read, 78 bad settings or key files.
import { join } from 'node:path';
import type { Command } from 'commander';
import { VigieError } from '../../config/errors.ts';
import { loadTrustedKeys, openEvidenceStore, verifyEvidence, type TrustedKey, type VerifyFailure } from '../../crawler/evidence/index.ts';
import { CliError, EXIT_UNAVAILABLE, EXIT_USAGE } from '../cli-error.ts';
import { DATA_DIR_HELP } from '../options.ts';
import { withRuntime } from '../runtime.ts';

/** Exit code when any manifest or artifact fails verification. */
export const EXIT_EVIDENCE_FAILED = 1;

interface VerifyCommandOptions {
  dataDir?: string;
  json?: boolean;
  trustedKey: string[];
  expectKeyId: string[];
  warcCheck: boolean;
}

const KEY_ID = /^[0-9a-f]{16}$/;

export function registerEvidenceCommand(program: Command): void {
  const evidence = program.command('evidence').description('evidence of fetched pages: signed manifests and artifacts');
  evidence
    .command('verify')
    .description('re-hash every artifact and check every manifest signature; print what fails')
    .option('--data-dir <dir>', `${DATA_DIR_HELP}; holds the instance key (and the evidence unless VIGIE_EVIDENCE_S3_URL is set)`)
    .option('--trusted-key <file>', 'also accept signatures by this Ed25519 public key (SPKI PEM); repeatable', collect, [])
    .option('--expect-key-id <id>', 'accept only signatures by this key id (16 hex digits), trusted or not; repeatable', collect, [])
    .option('--no-warc-check', 'do not check the WARC records manifests name (e.g. WARC files kept on another host)')
    .option('--json', 'print the report as one JSON object')
    .addHelpText(
      'after',
      '\nTrusted keys: the instance key, every *.pub in <data-dir>/keys/trusted/, and --trusted-key files.\n' +
        'Those files live in the same writable data directory as the evidence: whoever can rewrite the evidence\n' +
        'can add a key there too. An auditor pins the key ids noted down beforehand with --expect-key-id.\n' +
        'WARC: each manifest\'s WARC file must be in <data-dir>/warc (finished, or still .open), and its record\n' +
        'at the recorded offset must carry the manifest\'s WARC-Record-ID.\n' +
        'Exit codes: 0 everything verified (an empty store too), 1 a failure was found, 64 bad usage, 69 the store could not be read, 78 bad settings or key file.\n',
    )
    .action(async (options: VerifyCommandOptions) => {
      const expectedKeyIds = options.expectKeyId.map((id) => id.trim().toLowerCase());
      const badId = expectedKeyIds.find((id) => !KEY_ID.test(id));
      if (badId !== undefined) throw new CliError(`--expect-key-id ${JSON.stringify(badId)}: a key id is 16 hex digits`, EXIT_USAGE);
      process.exitCode = await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings, closer }) => {
        const trustedKeys = await loadTrustedKeys(settings.dataDir, options.trustedKey);
        const warcDir = options.warcCheck ? join(settings.dataDir, 'warc') : undefined;
        const store = await openEvidenceStore(settings);
        closer.add(() => store.close());
        const report = await storeFailure(() =>
          verifyEvidence(store, {
            trustedKeys,
            expectedKeyIds,
            warcDir,
            onFailure: options.json ? undefined : (failure) => process.stdout.write(`${formatFailure(failure)}\n`),
          }),
        );
        const ok = report.failureCount === 0;
        if (options.json) {
          const keys = trustedKeys.map(({ keyId, source }) => ({ keyId, source }));
          process.stdout.write(`${JSON.stringify({ ok, store: store.describe(), trustedKeys: keys, expectedKeyIds, warcDir: warcDir ?? null, ...report })}\n`);
        } else {
          process.stdout.write(summary(store.describe(), trustedKeys, expectedKeyIds, report));
        }
        return ok ? 0 : EXIT_EVIDENCE_FAILED;
      });
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Failures to read the store are not evidence failures: they end the command with 69. */
async function storeFailure<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof VigieError && err.code.startsWith('evidence-store-')) throw new CliError(err.message, EXIT_UNAVAILABLE);
    throw err;
  }
}

export function formatFailure(failure: VerifyFailure): string {
  const artifact = failure.artifact ? `  ${failure.artifact.role} ${failure.artifact.sha256}` : '';
  return `FAIL ${failure.manifest}  ${failure.url ?? '(unknown URL)'}${artifact}  ${failure.problem.code}: ${failure.problem.message}`;
}

function summary(
  where: string,
  trustedKeys: readonly TrustedKey[],
  expectedKeyIds: readonly string[],
  report: { manifests: number; artifacts: number; failureCount: number },
): string {
  const keys = trustedKeys.length ? trustedKeys.map((key) => `${key.keyId} (${key.source})`).join(', ') : 'none (no instance key yet)';
  if (report.manifests === 0) return `no evidence manifests in ${where}: nothing to verify\n`;
  const verdict = report.failureCount === 0 ? 'all verified' : `${report.failureCount} failure(s)`;
  const pinned = expectedKeyIds.length ? `expected key ids: ${expectedKeyIds.join(', ')}\n` : '';
  return `trusted keys: ${keys}\n${pinned}${where}: ${report.manifests} manifest(s), ${report.artifacts} artifact reference(s) checked: ${verdict}\n`;
}

// `vigie evidence verify`: re-hashes every stored artifact and checks every manifest's signature,
// printing each failure. Exit codes: 0 all verified (an empty store included), 1 something failed
// verification, 69 the evidence store could not be read, 78 bad settings or key files.
import type { Command } from 'commander';
import { VigieError } from '../../config/errors.ts';
import { loadTrustedKeys, openEvidenceStore, verifyEvidence, type TrustedKey, type VerifyFailure } from '../../crawler/evidence/index.ts';
import { CliError, EXIT_UNAVAILABLE } from '../cli-error.ts';
import { DATA_DIR_HELP } from '../options.ts';
import { withRuntime } from '../runtime.ts';

/** Exit code when any manifest or artifact fails verification. */
export const EXIT_EVIDENCE_FAILED = 1;

interface VerifyCommandOptions {
  dataDir?: string;
  json?: boolean;
  trustedKey: string[];
}

export function registerEvidenceCommand(program: Command): void {
  const evidence = program.command('evidence').description('evidence of fetched pages: signed manifests and artifacts');
  evidence
    .command('verify')
    .description('re-hash every artifact and check every manifest signature; print what fails')
    .option('--data-dir <dir>', `${DATA_DIR_HELP}; holds the instance key (and the evidence unless VIGIE_EVIDENCE_S3_URL is set)`)
    .option('--trusted-key <file>', 'also accept signatures by this Ed25519 public key (SPKI PEM); repeatable', collect, [])
    .option('--json', 'print the report as one JSON object')
    .addHelpText(
      'after',
      '\nTrusted keys: the instance key, every *.pub in <data-dir>/keys/trusted/, and --trusted-key files.\n' +
        'Exit codes: 0 everything verified (an empty store too), 1 a failure was found, 69 the store could not be read, 78 bad settings or key file.\n',
    )
    .action(async (options: VerifyCommandOptions) => {
      process.exitCode = await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings, closer }) => {
        const trustedKeys = await loadTrustedKeys(settings.dataDir, options.trustedKey);
        const store = await openEvidenceStore(settings);
        closer.add(() => store.close());
        const report = await storeFailure(() =>
          verifyEvidence(store, { trustedKeys, onFailure: options.json ? undefined : (failure) => process.stdout.write(`${formatFailure(failure)}\n`) }),
        );
        const ok = report.failureCount === 0;
        if (options.json) {
          const keys = trustedKeys.map(({ keyId, source }) => ({ keyId, source }));
          process.stdout.write(`${JSON.stringify({ ok, store: store.describe(), trustedKeys: keys, ...report })}\n`);
        } else {
          process.stdout.write(summary(store.describe(), trustedKeys, report));
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

function summary(where: string, trustedKeys: readonly TrustedKey[], report: { manifests: number; artifacts: number; failureCount: number }): string {
  const keys = trustedKeys.length ? trustedKeys.map((key) => `${key.keyId} (${key.source})`).join(', ') : 'none (no instance key yet)';
  if (report.manifests === 0) return `no evidence manifests in ${where}: nothing to verify\n`;
  const verdict = report.failureCount === 0 ? 'all verified' : `${report.failureCount} failure(s)`;
  return `trusted keys: ${keys}\n${where}: ${report.manifests} manifest(s), ${report.artifacts} artifact reference(s) checked: ${verdict}\n`;
}

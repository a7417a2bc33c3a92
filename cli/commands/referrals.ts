// `vigie referrals verify <file.zip>`: checks a referral package as its recipient would: every
// file's SHA-256 and size against manifest.json, nothing missing or added, the manifest's
// signature by a trusted key, and each page's evidence manifest signed at capture. Exit codes:
// 0 verified, 1 a problem was found (each one printed), 64 bad usage, 66 the file cannot be read,
// 78 bad settings or key file.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadTrustedKeys, sha256Hex } from '../../crawler/evidence/index.ts';
import { verifyReferralPackage, type PackageProblem } from '../../review/referrals/index.ts';
import { CliError, EXIT_USAGE } from '../cli-error.ts';
import { DATA_DIR_HELP } from '../options.ts';
import { withRuntime } from '../runtime.ts';

/** Exit code when the package fails verification. */
export const EXIT_PACKAGE_FAILED = 1;
/** sysexits EX_NOINPUT: the package file cannot be read. */
export const EXIT_NO_INPUT = 66;

interface VerifyOptions {
  dataDir?: string;
  trustedKey: string[];
  sha256?: string;
  json?: boolean;
}

export function registerReferralsCommand(program: Command): void {
  const referrals = program.command('referrals').description('referral packages sent to services');
  referrals
    .command('verify')
    .description('check a referral package: file hashes, missing or extra files, signatures, page evidence')
    .argument('<file>', 'the package (.zip)')
    .option('--data-dir <dir>', `${DATA_DIR_HELP}; its instance key and keys/trusted/*.pub are trusted`)
    .option('--trusted-key <file>', 'also trust this Ed25519 public key (SPKI PEM); repeatable', (value: string, previous: string[]) => [...previous, value], [])
    .option('--sha256 <hex>', 'the package hash noted when it was made (the referral record\'s packageSha256)')
    .option('--json', 'print the report as one JSON object')
    .addHelpText('after', '\nExit codes: 0 verified, 1 a problem was found, 64 bad usage, 66 the file cannot be read, 78 bad settings or key file.\n')
    .action(async (file: string, options: VerifyOptions) => {
      const expectedSha256 = options.sha256?.trim().toLowerCase();
      if (expectedSha256 !== undefined && !/^[0-9a-f]{64}$/.test(expectedSha256)) throw new CliError('--sha256: a SHA-256 is 64 hex digits', EXIT_USAGE);
      process.exitCode = await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings }) => {
        const trustedKeys = await loadTrustedKeys(settings.dataDir, options.trustedKey);
        let bytes: Buffer;
        try {
          bytes = await readFile(file);
        } catch (err) {
          throw new CliError(`${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, EXIT_NO_INPUT);
        }
        const report = verifyReferralPackage(bytes, trustedKeys);
        const sha256 = sha256Hex(bytes);
        if (expectedSha256 !== undefined && sha256 !== expectedSha256) {
          report.problems.unshift({ code: 'file-hash-mismatch', path: file, message: `the package hashes to ${sha256}, not the expected ${expectedSha256}` });
          report.ok = false;
        }
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ file, sha256, trustedKeys: trustedKeys.map(({ keyId, source }) => ({ keyId, source })), ...report })}\n`);
        } else {
          for (const problem of report.problems) process.stdout.write(`${formatProblem(problem)}\n`);
          const keys = trustedKeys.length ? trustedKeys.map((key) => key.keyId).join(', ') : 'none (pass --trusted-key or --data-dir)';
          const referral = report.manifest ? `referral ${report.manifest.referral.id} (alert ${report.manifest.referral.alertId}, ${report.manifest.referral.service.id}), ` : '';
          const verdict = report.ok ? 'verified' : `${report.problems.length} problem(s)`;
          process.stdout.write(`trusted keys: ${keys}\n${file}: ${referral}${report.files} file(s), sha256 ${sha256}: ${verdict}\n`);
        }
        return report.ok ? 0 : EXIT_PACKAGE_FAILED;
      });
    });
}

export function formatProblem(problem: PackageProblem): string {
  return `FAIL ${problem.path ?? '(package)'}  ${problem.code}: ${problem.message}`;
}

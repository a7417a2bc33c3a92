// A real S3-compatible server for the evidence store tests: s3rver in a child process on loopback.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * s3rver on 127.0.0.1 in a child process. It runs with OpenSSL's legacy provider because its
 * ListObjectsV2 continuation tokens use DES, which Node 20's OpenSSL 3 otherwise refuses (the
 * server would answer 500 to every truncated listing).
 */
export async function startS3rver(directory: string, buckets: string[]): Promise<{ endpoint: string; close(): Promise<void> }> {
  const bin = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');
  const bucketArgs = buckets.flatMap((name) => ['--configure-bucket', name]);
  const child = spawn(process.execPath, ['--openssl-legacy-provider', bin, '-d', directory, '-a', '127.0.0.1', '-p', '0', '--silent', ...bucketArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /S3rver listening on [\d.]+:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}): ${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

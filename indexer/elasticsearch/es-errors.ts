// Maps Elasticsearch failures onto Vigie's error policy: an unreachable or overloaded cluster is
// worth retrying, a request the cluster rejects is not.
import { errors } from '@elastic/elasticsearch';
import type { estypes } from '@elastic/elasticsearch';
import { NonRetryableError, RetryableError } from '../../config/errors.ts';
import type { VigieError } from '../../config/errors.ts';

function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export function wrapEsError(err: unknown, what: string): VigieError {
  if (err instanceof NonRetryableError || err instanceof RetryableError) return err;
  if (err instanceof errors.ResponseError) {
    const status = err.statusCode ?? 0;
    const type = (err.body as { error?: { type?: string } } | undefined)?.error?.type ?? 'unknown';
    const message = `${what}: Elasticsearch answered ${status} (${type})`;
    const details = { status, type };
    return retryableStatus(status)
      ? new RetryableError('index-unavailable', message, { cause: err, details })
      : new NonRetryableError('index-request-rejected', message, { cause: err, details });
  }
  if (err instanceof errors.ElasticsearchClientError) {
    // Connection refused, timeout, no living node: the cluster may come back.
    return new RetryableError('index-unavailable', `${what}: ${err.message}`, { cause: err });
  }
  return new NonRetryableError('index-request-rejected', `${what}: ${err instanceof Error ? err.message : String(err)}`, {
    cause: err,
  });
}

/** The error of one failed bulk item, with the same policy as a failed request. */
export function bulkItemError(item: estypes.BulkResponseItem, what: string): VigieError {
  const type = item.error?.type ?? 'unknown';
  const message = `${what}: Elasticsearch refused it with ${item.status} (${type}: ${item.error?.reason ?? ''})`;
  const details = { status: item.status, type };
  return retryableStatus(item.status)
    ? new RetryableError('index-unavailable', message, { details })
    : new NonRetryableError('index-request-rejected', message, { details });
}

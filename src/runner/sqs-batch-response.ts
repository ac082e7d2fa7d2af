/**
 * How an SQS event source mapping reads a function's answer to a batch: which messages
 * are deleted from the queue and which return to it (to be received again), with and
 * without `ReportBatchItemFailures`, by Lambda's documented rules.
 */

/** The fate of each message of a batch. */
export interface SqsBatchOutcome {
  /** Message IDs deleted from the queue. */
  readonly deleted: string[];
  /** Message IDs that become visible again and are retried (or go to the queue's redrive target). */
  readonly returned: string[];
  /** Why, in a sentence. */
  readonly reason: string;
}

/**
 * Reads `payload`, the function's answer to the SQS `event`.
 * @param functionError whether the invocation was a function error (`FunctionError` set)
 * @param reportBatchItemFailures whether the mapping's `FunctionResponseTypes` holds `ReportBatchItemFailures`
 */
export function sqsBatchOutcome(event: unknown, payload: Buffer, functionError: boolean, reportBatchItemFailures: boolean): SqsBatchOutcome {
  const ids = ((event as { Records?: Array<{ messageId?: unknown }> })?.Records ?? []).map((r) => String(r.messageId));
  const all = (reason: string, ok: boolean): SqsBatchOutcome => ({ deleted: ok ? ids : [], returned: ok ? [] : ids, reason });
  if (functionError) {
    return all('The invocation failed: the whole batch returns to the queue', false);
  }
  if (!reportBatchItemFailures) {
    return all('The invocation succeeded: the whole batch is deleted (the mapping does not report batch item failures)', true);
  }
  const text = payload.toString('utf8').trim();
  let response: unknown;
  try {
    response = text === '' ? null : JSON.parse(text);
  } catch {
    return all('The response is not valid JSON: Lambda treats the whole batch as failed', false);
  }
  const failures = (response as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (response === null || typeof response !== 'object' || failures === undefined || failures === null
    || (Array.isArray(failures) && failures.length === 0)) {
    return all('No batchItemFailures: the whole batch is deleted', true);
  }
  if (!Array.isArray(failures)) {
    return all('batchItemFailures is not a list: Lambda treats the whole batch as failed', false);
  }
  const failed = new Set<string>();
  for (const item of failures) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !ids.includes(id)) {
      return all(`batchItemFailures holds an invalid itemIdentifier (${JSON.stringify(id ?? null)}): Lambda treats the whole batch as failed`, false);
    }
    failed.add(id);
  }
  return {
    deleted: ids.filter((id) => !failed.has(id)),
    returned: ids.filter((id) => failed.has(id)),
    reason: `${failed.size} of ${ids.length} messages reported in batchItemFailures return to the queue; the others are deleted`,
  };
}

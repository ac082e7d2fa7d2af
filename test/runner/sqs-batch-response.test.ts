import { sqsBatchOutcome } from '../../src/runner/sqs-batch-response';

const event = { Records: [{ messageId: 'a' }, { messageId: 'b' }, { messageId: 'c' }] };
const read = (answer: string, functionError = false, report = true): { deleted: string[]; returned: string[] } => {
  const { deleted, returned } = sqsBatchOutcome(event, Buffer.from(answer), functionError, report);
  return { deleted, returned };
};

describe('how an SQS mapping reads the answer to a batch', () => {
  test('ReportBatchItemFailures: the reported messages return, the others are deleted', () => {
    expect(read('{"batchItemFailures":[{"itemIdentifier":"b"}]}')).toEqual({ deleted: ['a', 'c'], returned: ['b'] });
  });

  test.each(['', 'null', '{}', '{"batchItemFailures":[]}', '{"batchItemFailures":null}'])('%j is a complete success', (answer) => {
    expect(read(answer)).toEqual({ deleted: ['a', 'b', 'c'], returned: [] });
  });

  test.each([
    'not json',
    '{"batchItemFailures":[{"itemIdentifier":""}]}',
    '{"batchItemFailures":[{"itemIdentifier":null}]}',
    '{"batchItemFailures":[{"id":"b"}]}',
    '{"batchItemFailures":[{"itemIdentifier":"z"}]}',
    '{"batchItemFailures":"b"}',
  ])('%j fails the whole batch', (answer) => {
    expect(read(answer)).toEqual({ deleted: [], returned: ['a', 'b', 'c'] });
  });

  test('a function error returns the whole batch, whatever the answer', () => {
    expect(read('{"batchItemFailures":[]}', true)).toEqual({ deleted: [], returned: ['a', 'b', 'c'] });
  });

  test('without ReportBatchItemFailures the answer is not read: success deletes the batch', () => {
    expect(read('{"batchItemFailures":[{"itemIdentifier":"b"}]}', false, false)).toEqual({ deleted: ['a', 'b', 'c'], returned: [] });
  });
});

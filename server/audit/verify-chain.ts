/**
 * Walks the audit trail from its anchor to its head and reports the first record that was
 * changed, deleted or slipped in. A changed record no longer hashes to its own hash; a changed
 * and re-sealed one no longer matches what the next record (or the head) names; a deleted one
 * leaves a gap in seq, or, at the end, a chain shorter than the head says.
 */
import { hashRecord, type AuditHead } from './audit-record.ts';
import type { AuditStore } from './audit-store.ts';

export type ChainReport =
  | { ok: true; count: number; head: AuditHead }
  | { ok: false; seq: number; problem: 'changed' | 'deleted' | 'added'; message: string };

const broken = (
  seq: number,
  problem: 'changed' | 'deleted' | 'added',
  message: string,
): ChainReport => ({ ok: false, seq, problem, message });

export function verifyChain(store: AuditStore): Promise<ChainReport> {
  return store.readChain(async (head, records) => {
    let expected = head.anchorSeq + 1;
    let prevHash = head.anchorHash;
    for await (const record of records) {
      const { seq } = record;
      if (seq > head.seq) {
        return broken(
          seq,
          'added',
          `Record ${seq} lies past the trail's head (${head.seq}): it was added from outside the server.`,
        );
      }
      if (seq !== expected) {
        const gap = seq - 1 === expected ? `${expected}` : `${expected} to ${seq - 1}`;
        return broken(
          expected,
          'deleted',
          `Record ${gap} is missing: the trail goes from ${expected - 1} to ${seq}. It was deleted.`,
        );
      }
      if (hashRecord(record) !== record.hash) {
        return broken(
          seq,
          'changed',
          `Record ${seq} was changed: its contents no longer match its hash.`,
        );
      }
      if (record.prevHash !== prevHash) {
        return expected - 1 === head.anchorSeq
          ? broken(
              seq,
              'changed',
              `Record ${seq} does not follow the trail's anchor (${head.anchorSeq}): it, or the records before it, were changed.`,
            )
          : broken(
              seq - 1,
              'changed',
              `Record ${seq - 1} was changed: record ${seq} names another hash for it.`,
            );
      }
      prevHash = record.hash;
      expected += 1;
    }
    if (expected - 1 !== head.seq) {
      const gone =
        expected === head.seq ? `Record ${expected} is` : `Records ${expected} to ${head.seq} are`;
      return broken(
        expected,
        'deleted',
        `${gone} missing: the trail ends at ${expected - 1} but its head says ${head.seq}. Deleted from the end.`,
      );
    }
    if (prevHash !== head.hash) {
      return broken(
        head.seq,
        'changed',
        `Record ${head.seq} was changed: the trail's head names another hash for it.`,
      );
    }
    return { ok: true, count: head.seq - head.anchorSeq, head };
  });
}

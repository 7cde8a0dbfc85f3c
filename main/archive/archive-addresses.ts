/**
 * The journal message's addresses. IT's policy may set the firm's journal address
 * (`archiveJournalAddress`) and the domain of the advisor's From (`archiveFromDomain`, which
 * then reads `<their username>@<domain>`); without them the message carries placeholders
 * that deliver nowhere (archive-record.ts). The command line takes whole addresses instead.
 */
import type { ExportOptions } from './export-package.ts';

/** Enough of an address check to catch a slip; the mail system judges the rest. */
export const isMailAddress = (text: string): boolean =>
  text.length <= 254 && /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/.test(text);

/** A domain of two labels or more, letters, digits and hyphens (IDNs as punycode). */
export const isMailDomain = (text: string): boolean =>
  text.length <= 253 &&
  /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i.test(text) &&
  !/^[0-9.]+$/.test(text);

export interface ArchivePolicy {
  archiveJournalAddress?: string;
  archiveFromDomain?: string;
}

/**
 * The export's addresses under IT's policy. The advisor who recorded is named by their username
 * when they are the one signed in (it is what the firm's mail system knows), else by user id.
 */
export function policyAddresses(
  policy: ArchivePolicy,
  signedIn: { id: string; username: string } | null,
): ExportOptions {
  const { archiveJournalAddress: journalTo, archiveFromDomain: fromDomain } = policy;
  return {
    ...(journalTo === undefined ? {} : { journalTo }),
    ...(fromDomain === undefined
      ? {}
      : {
          fromDomain,
          localPartOf: (advisorId: string) =>
            signedIn?.id === advisorId ? signedIn.username : advisorId,
        }),
  };
}

/**
 * The chain journal, `<file>.chain`: one JSON line per chunk, appended as the chunk is written
 * (and synced with the media), so a crash leaves the chain of what reached the disk. The closed
 * manifest carries the whole chain; the journal is removed once that manifest is safely written.
 *
 *   {"i":0,"n":16384,"c":"<SHA-256 of the chunk>","h":"<h(0)>"}
 */
import { z } from 'zod';
import type { ChainLinkRecord } from './hash-chain.ts';
import type { RecordingFs } from './files.ts';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const lineSchema = z.object({
  i: z.number().int().min(0),
  n: z.number().int().min(0),
  c: hex64,
  h: hex64,
});

export const journalLine = (link: ChainLinkRecord): string =>
  `${JSON.stringify({ i: link.index, n: link.length, c: link.sha256, h: link.link })}\n`;

/**
 * The journal's links in order, up to the first line that is torn, malformed or out of order
 * (a crash can cut the last line short). An absent journal is an empty one.
 */
export async function readJournal(fs: RecordingFs, path: string): Promise<ChainLinkRecord[]> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const links: ChainLinkRecord[] = [];
  for (const line of text.split('\n')) {
    let parsed: z.infer<typeof lineSchema>;
    try {
      parsed = lineSchema.parse(JSON.parse(line));
    } catch {
      break;
    }
    if (parsed.i !== links.length) break;
    links.push({ index: parsed.i, length: parsed.n, sha256: parsed.c, link: parsed.h });
  }
  return links;
}

/**
 * Closing what a crash left open. A manifest still saying "recording" means the app stopped
 * without closing that file: the next start checks the file against its chain journal up to the
 * last whole chunk found intact on disk, notes the bytes beyond it, and writes a signed manifest
 * with status "recovered" (never "complete": nobody saw the recording end). A crash at stop,
 * after the finished copy replaced the file (webm-finish.ts) but before the signed manifest, is
 * told by the `finished` layout the writer put in that manifest first: the chain is then checked
 * through it. What else a crash leaves beside recordings is cleared afterwards (leftovers.ts).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { errorCode } from './failures.ts';
import { journalPathOf, manifestPathOf, replaceManifest, type RecordingFs } from './files.ts';
import { CHAIN_SEED, chainLink, sha256Hex, type ChainEntry } from './hash-chain.ts';
import { readJournal } from './journal.ts';
import { clearLeftovers } from './leftovers.ts';
import { scanMedia, type MediaScan, type ScanLayout } from './media-scan.ts';
import {
  buildManifest,
  manifestSchema,
  type RecordingManifest,
  type UnsignedManifest,
} from './manifest.ts';
import type { RecordingSigner } from './signing-key.ts';

export interface RecoverDeps {
  fs: RecordingFs;
  folder: string;
  signer: RecordingSigner;
  /** Manifests of recordings still open in this run: not leftovers. */
  open: ReadonlySet<string>;
}

/** The start journal of the app's first version (before chains): recovered too, chain-less. */
const legacyJournalSchema = z.object({
  version: z.literal(1),
  status: z.literal('recording'),
  callId: z.string(),
  participants: z.array(z.object({ id: z.string(), displayName: z.string() })),
  startedAt: z.string(),
  mimeType: z.string(),
  appVersion: z.string(),
  file: z.string(),
});

function startJournal(raw: unknown): UnsignedManifest | null {
  const current = manifestSchema.safeParse(raw);
  if (current.success) return current.data.status === 'recording' ? current.data : null;
  const legacy = legacyJournalSchema.safeParse(raw);
  if (!legacy.success) return null;
  const { participants, startedAt, ...rest } = legacy.data;
  // That version took the participants from the renderer; the manifest says so.
  const account = {
    participants: participants.map((p) => ({
      ...p,
      nameFrom: 'renderer' as const,
      guest: false,
      joinedAt: null,
      leftAt: null,
    })),
    consent: [],
    participantsCheck: {
      matches: false,
      claimedNotWitnessed: participants,
      witnessedNotClaimed: [],
    },
  };
  const base = { ...rest, startedAt: Date.parse(startedAt) || 0 };
  return buildManifest(base, 'recording', account, null);
}

/** How many journal links the file's chunks reproduce, from the first. */
function intactLinks(
  links: Awaited<ReturnType<typeof readJournal>>,
  scan: MediaScan,
): ChainEntry[] {
  const entries: ChainEntry[] = [];
  let head = CHAIN_SEED;
  for (const link of links) {
    const found = scan.chunkHashes[link.index];
    if (found !== link.sha256) break;
    head = chainLink(head, found, link.index, link.length);
    if (head !== link.link) break;
    entries.push([link.length, found]);
  }
  return entries;
}

/**
 * Whether the file on disk is the finished copy the journal announced (its head replaced), or
 * still as recorded: the recorded head starts the file only in the latter.
 */
async function finishedLayout(
  fs: RecordingFs,
  mediaPath: string,
  finished: UnsignedManifest['finished'],
): Promise<(ScanLayout & { headBytes: number; recordedHead: string }) | null> {
  if (!finished) return null;
  const recordedHead = Buffer.from(finished.recordedHead, 'base64');
  const handle = await fs.open(mediaPath, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const start = Buffer.alloc(recordedHead.length);
    const { bytesRead } = await handle.read(start, 0, start.length, 0);
    if (bytesRead === start.length && start.equals(recordedHead)) return null;
  } finally {
    await handle.close();
  }
  return { ...finished, prefix: recordedHead, skip: finished.headBytes };
}

async function recoverOne(
  deps: RecoverDeps,
  journal: UnsignedManifest,
  manifestPath: string,
): Promise<RecordingManifest> {
  const mediaPath = join(deps.folder, journal.file);
  const links = await readJournal(deps.fs, journalPathOf(mediaPath));
  const layout = await finishedLayout(deps.fs, mediaPath, journal.finished);
  const scan = await scanMedia(
    deps.fs,
    mediaPath,
    links.map((link) => link.length),
    layout ?? undefined,
  ).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  });
  const entries = scan ? intactLinks(links, scan) : [];
  const chained = entries.reduce((sum, [length]) => sum + length, 0);
  // The bytes as recorded: a finished file's new head stands in for the recorded one.
  const recordedBytes = (scan?.size ?? 0) - (layout ? layout.skip - layout.prefix.length : 0);
  const startedMs = Date.parse(journal.startedAt);
  const endedAt = scan ? scan.mtime.getTime() : Number.isFinite(startedMs) ? startedMs : 0;
  const { participants, consent, participantsCheck } = journal;
  const recovered = buildManifest(
    {
      callId: journal.callId,
      ...(journal.recordingId === undefined ? {} : { recordingId: journal.recordingId }),
      file: journal.file,
      mimeType: journal.mimeType,
      appVersion: journal.appVersion,
      startedAt: Number.isFinite(startedMs) ? startedMs : endedAt,
    },
    'recovered',
    // Who joined after the start died with the app: the account written at the start.
    { participants, consent, participantsCheck },
    {
      endedAt,
      bytes: scan?.size ?? 0,
      sha256: scan?.sha256 ?? sha256Hex(''),
      chain: { entries, head: links[entries.length - 1]?.link ?? CHAIN_SEED },
      recovery: {
        journalChunks: links.length,
        verifiedChunks: entries.length,
        unchainedBytes: recordedBytes - chained,
      },
      ...(scan ? {} : { error: 'ENOENT' }),
      ...(layout
        ? { finished: { headBytes: layout.headBytes, recordedHead: layout.recordedHead } }
        : {}),
    },
  );
  const signed = await deps.signer.sign(recovered);
  await replaceManifest(deps.fs, manifestPath, signed);
  await deps.fs.unlink(journalPathOf(mediaPath)).catch(() => undefined);
  return signed;
}

export async function recoverFolder(deps: RecoverDeps): Promise<RecordingManifest[]> {
  let names: string[];
  try {
    names = await deps.fs.readdir(deps.folder);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
  const recovered: RecordingManifest[] = [];
  for (const name of names) {
    const manifestPath = join(deps.folder, name);
    if (!name.endsWith('.json') || deps.open.has(manifestPath)) continue;
    try {
      const journal = startJournal(JSON.parse(await deps.fs.readFile(manifestPath, 'utf8')));
      // The manifest must sit beside its own file: a planted one cannot point elsewhere.
      if (!journal || manifestPathOf(journal.file) !== name) continue;
      recovered.push(await recoverOne(deps, journal, manifestPath));
    } catch {
      // Not one of ours, unreadable, or not writable now: leave it, the next start retries.
      continue;
    }
  }
  await clearLeftovers({ ...deps, names });
  return recovered;
}

/**
 * What a crash can leave beside recordings once recover.ts has closed what it could: the
 * finished copy that was being written at stop (`.<file>.finishing`, as large as the recording)
 * and a chain journal whose manifest was closed just before the crash (`<file>.chain`). Each is
 * removed when the recording it belongs to is there, closed or at least not open in this run;
 * otherwise it is left alone, as it may be all there is. (A manifest's `.tmp` needs no sweep:
 * it only outlives a crash beside a manifest still "recording", and recovery replaces that.)
 */
import { join } from 'node:path';
import { journalPathOf, manifestPathOf, type RecordingFs } from './files.ts';
import { manifestSchema } from './manifest.ts';

export interface LeftoverDeps {
  fs: RecordingFs;
  folder: string;
  /** The folder's entries, as read before recovery. */
  names: readonly string[];
  /** Manifests of recordings still open in this run. */
  open: ReadonlySet<string>;
}

const FINISHING = /^\.(.+)\.finishing$/;
const JOURNAL_SUFFIX = journalPathOf('');

/** Whether the manifest at `path` is one of ours and closed (no longer "recording"). */
async function closedManifest(fs: RecordingFs, path: string): Promise<boolean> {
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(await fs.readFile(path, 'utf8')));
    return parsed.success && parsed.data.status !== 'recording';
  } catch {
    return false;
  }
}

/** Whether `name` is a leftover that may go. */
async function leftoverOf(deps: LeftoverDeps, name: string): Promise<boolean> {
  const present = new Set(deps.names);
  const finishing = FINISHING.exec(name)?.[1];
  if (finishing !== undefined) {
    // The recording itself is intact beside it (as recorded, or already replaced by the copy).
    return present.has(finishing) && !deps.open.has(manifestPathOf(join(deps.folder, finishing)));
  }
  if (name.endsWith(JOURNAL_SUFFIX)) {
    const manifestPath = manifestPathOf(join(deps.folder, name.slice(0, -JOURNAL_SUFFIX.length)));
    return !deps.open.has(manifestPath) && (await closedManifest(deps.fs, manifestPath));
  }
  return false;
}

/** Removes the crash leftovers among `names`; a file that cannot be removed waits for next time. */
export async function clearLeftovers(deps: LeftoverDeps): Promise<void> {
  for (const name of deps.names) {
    if (await leftoverOf(deps, name)) {
      await deps.fs.unlink(join(deps.folder, name)).catch(() => undefined);
    }
  }
}

/**
 * Export for archive: one recorded call as a package folder an archive can ingest. It holds the
 * recording, its signed manifest (so the package can be verified on its own), the JSON record
 * and its schema, and the journal message (.eml) with the record and files attached. Only a
 * recording that is still what was recorded is exported; the app and the command line both
 * come here, so they write the same package.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import { errorCode } from '../recording/failures.ts';
import { manifestSchema } from '../recording/manifest.ts';
import { recordingPaths, verifyRecording } from '../recording/verify.ts';
import { writeJournalMessage } from './archive-eml.ts';
import {
  buildArchiveRecord,
  JOURNAL_PLACEHOLDER,
  RECORD_FILE,
  SCHEMA_FILE,
  type ArchiveFile,
  type ArchiveRecord,
  type RecordOptions,
} from './archive-record.ts';
import schema from './archive-record.schema.json' with { type: 'json' };

export interface ExportOptions extends RecordOptions {
  /** The firm's journal address (To of the .eml); a placeholder when not given. */
  journalTo?: string;
}

export interface ExportedPackage {
  /** The package folder made inside the chosen one. */
  folder: string;
  /** The files in it. */
  files: string[];
  record: ArchiveRecord;
}

const MAX_FOLDER_ATTEMPTS = 99;

const sha256 = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

/** A new, empty package folder: "<recording> archive", then "(2)", "(3)"… if that exists. */
async function makeFolder(outDir: string, stem: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  for (let attempt = 1; attempt <= MAX_FOLDER_ATTEMPTS; attempt++) {
    const folder = join(outDir, `${stem} archive${attempt === 1 ? '' : ` (${attempt})`}`);
    try {
      await mkdir(folder, { mode: 0o700 });
      return folder;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
  }
  throw Object.assign(new Error('no free folder name'), { code: 'EEXIST' });
}

/** Copies the recording, hashing what was written, so the record's SHA-256 is the copy's. */
async function copyHashed(from: string, to: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      done(null, chunk);
    },
  });
  await pipeline(createReadStream(from), tap, createWriteStream(to, { flags: 'wx', mode: 0o600 }));
  return { bytes, sha256: hash.digest('hex') };
}

/** Refuses a recording that is not what was recorded, or not finished, saying why. */
async function checkIntact(mediaPath: string): Promise<void> {
  const result = await verifyRecording(mediaPath);
  const notIntact = result.verdict === 'altered' || result.verdict === 'truncated';
  if (notIntact || result.status === null || result.status === 'recording') {
    throw new BridgeFailure(
      'recording-not-intact',
      `This recording was not exported: ${result.reason}`,
    );
  }
}

function writeFailure(error: unknown, outDir: string): BridgeFailure {
  if (error instanceof BridgeFailure) return error;
  const code = errorCode(error);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new BridgeFailure(
      'disk-full',
      `The disk holding ${outDir} is full: the export was not written.`,
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new BridgeFailure(
      'not-writable',
      `${outDir} cannot be written to. Choose another folder.`,
    );
  }
  const detail = code && /^E[A-Z]+$/.test(code) ? ` (${code})` : '';
  return new BridgeFailure('internal', `The export could not be written${detail}.`);
}

export async function exportRecording(
  path: string,
  outDir: string,
  options: ExportOptions = {},
): Promise<ExportedPackage> {
  const { mediaPath, manifestPath } = recordingPaths(path);
  await checkIntact(mediaPath);
  const manifestText = await readFile(manifestPath, 'utf8');
  const manifest = manifestSchema.parse(JSON.parse(manifestText));
  const mediaName = basename(mediaPath);
  const stem = basename(mediaName, extname(mediaName));
  let folder: string | null = null;
  try {
    folder = await makeFolder(outDir, stem);
    const copied = await copyHashed(mediaPath, join(folder, mediaName));
    if (copied.sha256 !== manifest.sha256 || copied.bytes !== manifest.bytes) {
      throw new BridgeFailure(
        'recording-not-intact',
        'The recording changed while it was being exported: it was not exported.',
      );
    }
    const manifestName = basename(manifestPath);
    await writeFile(join(folder, manifestName), manifestText, { flag: 'wx', mode: 0o600 });
    const id = manifest.recordingId ?? manifest.callId;
    const media: ArchiveFile = {
      fileId: `${id}.media`,
      fileName: mediaName,
      kind: 'media',
      mimeType: manifest.mimeType.split(';')[0]?.trim() || 'application/octet-stream',
      ...copied,
    };
    const manifestFile: ArchiveFile = {
      fileId: `${id}.manifest`,
      fileName: manifestName,
      kind: 'manifest',
      mimeType: 'application/json',
      bytes: Buffer.byteLength(manifestText),
      sha256: sha256(manifestText),
    };
    const record = buildArchiveRecord(manifest, { media, manifest: manifestFile }, options);
    const recordJson = `${JSON.stringify(record, null, 2)}\n`;
    const write = (name: string, text: string) =>
      writeFile(join(folder ?? outDir, name), text, { flag: 'wx', mode: 0o600 });
    await write(RECORD_FILE, recordJson);
    await write(SCHEMA_FILE, `${JSON.stringify(schema, null, 2)}\n`);
    const emlName = `${stem}.eml`;
    await writeJournalMessage(join(folder, emlName), record, recordJson, {
      to: options.journalTo ?? JOURNAL_PLACEHOLDER,
      attachments: [
        { path: join(folder, RECORD_FILE), fileName: RECORD_FILE, contentType: 'application/json' },
        {
          path: join(folder, manifestName),
          fileName: manifestName,
          contentType: 'application/json',
        },
        { path: join(folder, mediaName), fileName: mediaName, contentType: media.mimeType },
      ],
    });
    return {
      folder,
      files: [mediaName, manifestName, RECORD_FILE, SCHEMA_FILE, emlName],
      record,
    };
  } catch (error) {
    // A half-written package must not be mistaken for a whole one: it is ours, remove it.
    if (folder) await rm(folder, { recursive: true, force: true }).catch(() => undefined);
    throw writeFailure(error, outDir);
  }
}

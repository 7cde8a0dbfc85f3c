/**
 * What the app says about the recordings folder: nothing, a warning that a cloud service copies
 * it off the computer, or (when IT's policy sets allowCloudSyncedRecordings to false) a refusal
 * to record there. Shown beside the folder in Settings; the refusal also ends recording:start.
 */
import { cloudSyncProvider, type CloudProvider } from './cloud-sync.ts';

export interface RecordingsFolderStatus {
  provider: CloudProvider | null;
  /** The sentence for the advisor; null when the folder is fine. */
  message: string | null;
  refused: boolean;
}

export interface FolderStatusDeps {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  /** IT's allowCloudSyncedRecordings (default true: warn only). */
  allowCloudSynced: () => boolean;
}

export function recordingsFolderStatus(
  folder: string,
  deps: FolderStatusDeps,
): RecordingsFolderStatus {
  const provider = cloudSyncProvider(folder, deps.platform, deps.env);
  if (!provider) return { provider: null, message: null, refused: false };
  if (!deps.allowCloudSynced()) {
    return {
      provider,
      refused: true,
      message: `Your IT team does not allow recordings in a folder that ${provider} copies to the cloud, so calls cannot be recorded until you choose a recordings folder outside ${provider}.`,
    };
  }
  return {
    provider,
    refused: false,
    message: `This folder is inside ${provider}, which copies its files to the cloud: recordings saved here would not stay on this computer only. Choose a folder outside ${provider}.`,
  };
}

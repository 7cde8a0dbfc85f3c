import { describe, expect, it } from 'vitest';
import { cloudSyncProvider } from './cloud-sync.ts';
import { recordingsFolderStatus } from './folder-status.ts';

const none = {};

describe('cloud-synced recordings folders', () => {
  it.each([
    // Windows: OneDrive's own variables, personal and business, whatever the folder is called.
    [
      'win32',
      'C:\\Users\\ann\\OneDrive\\Documents\\Recordings',
      { OneDrive: 'C:\\Users\\ann\\OneDrive' },
      'OneDrive',
    ],
    [
      'win32',
      'c:\\users\\ann\\onedrive - contoso\\Recordings',
      { OneDriveCommercial: 'C:\\Users\\ann\\OneDrive - Contoso' },
      'OneDrive',
    ],
    ['win32', 'D:\\Sync\\Work\\Recordings', { OneDriveCommercial: 'D:\\Sync\\Work' }, 'OneDrive'],
    ['win32', 'C:\\Users\\ann\\OneDrive - Contoso Ltd\\Calls', none, 'OneDrive'],
    ['win32', 'C:\\Users\\ann\\iCloudDrive\\Recordings', none, 'iCloud Drive'],
    ['win32', 'C:\\Users\\ann\\Dropbox (Contoso)\\Recordings', none, 'Dropbox'],
    ['win32', 'G:\\My Drive\\Recordings', none, 'Google Drive'],
    ['win32', 'C:\\Users\\ann\\My Drive\\Recordings', none, 'Google Drive'],
    // macOS: iCloud Drive's real place, the File Provider folders, the classic Dropbox.
    [
      'darwin',
      '/Users/ann/Library/Mobile Documents/com~apple~CloudDocs/Recordings',
      none,
      'iCloud Drive',
    ],
    ['darwin', '/Users/ann/Library/CloudStorage/OneDrive-Contoso/Recordings', none, 'OneDrive'],
    [
      'darwin',
      '/Users/ann/Library/CloudStorage/GoogleDrive-ann@contoso.com/My Drive/Rec',
      none,
      'Google Drive',
    ],
    ['darwin', '/Users/ann/Library/CloudStorage/Dropbox/Rec', none, 'Dropbox'],
    ['darwin', '/Users/ann/Dropbox/Recordings', none, 'Dropbox'],
    ['linux', '/home/ann/Dropbox/Recordings', none, 'Dropbox'],
    ['linux', '/home/ann/OneDrive/Recordings', none, 'OneDrive'],
  ] as const)('%s %s is inside %s', (platform, folder, env, provider) => {
    expect(cloudSyncProvider(folder, platform, env)).toBe(provider);
  });

  it.each([
    [
      'win32',
      'C:\\Users\\ann\\Documents\\RichesReach Recordings',
      { OneDrive: 'C:\\Users\\ann\\OneDrive' },
    ],
    // A sibling whose name starts the same is not inside.
    [
      'win32',
      'C:\\Users\\ann\\OneDrive Backup\\Recordings',
      { OneDrive: 'C:\\Users\\ann\\OneDrive' },
    ],
    ['win32', 'C:\\Drives\\Recordings', none],
    ['darwin', '/Users/ann/Documents/RichesReach Recordings', none],
    ['darwin', '/Users/ann/Mobile Documents/Recordings', none], // not under Library
    ['linux', '/home/ann/Documents/RichesReach Recordings', { OneDrive: 'relative/path' }],
    ['linux', '/home/ann/dropboxes/Recordings', none],
  ] as const)('%s %s is local', (platform, folder, env) => {
    expect(cloudSyncProvider(folder, platform, env)).toBeNull();
  });

  it('warns by default, refuses when IT sets allowCloudSyncedRecordings to false, says nothing when local', () => {
    const folder = '/home/ann/Dropbox/Recordings';
    const deps = (allowed: boolean) => ({
      platform: 'linux' as const,
      env: none,
      allowCloudSynced: () => allowed,
    });
    expect(recordingsFolderStatus(folder, deps(true))).toEqual({
      provider: 'Dropbox',
      refused: false,
      message:
        'This folder is inside Dropbox, which copies its files to the cloud: recordings saved here would not stay on this computer only. Choose a folder outside Dropbox.',
    });
    expect(recordingsFolderStatus(folder, deps(false))).toEqual({
      provider: 'Dropbox',
      refused: true,
      message:
        'Your IT team does not allow recordings in a folder that Dropbox copies to the cloud, so calls cannot be recorded until you choose a recordings folder outside Dropbox.',
    });
    expect(recordingsFolderStatus('/home/ann/Recordings', deps(false))).toEqual({
      provider: null,
      refused: false,
      message: null,
    });
  });
});

import { buildRenderer } from './host/renderer-build.ts';

export default async function globalSetup(): Promise<void> {
  await buildRenderer();
}

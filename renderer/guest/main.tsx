/** The guest page's entry: no bridge here, only the page's own server (see guest-bridge.ts). */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { config } from 'zod';
import { GuestApp } from './guest-app.tsx';
import { PageErrorBoundary } from './page-error-boundary.tsx';
import '../app/styles.css';
import './guest.css';

// The server's CSP forbids eval: zod must not even probe for it (the probe is reported).
config({ jitless: true });

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <PageErrorBoundary>
        <GuestApp />
      </PageErrorBoundary>
    </StrictMode>,
  );
}

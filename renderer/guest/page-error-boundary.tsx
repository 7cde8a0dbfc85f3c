import { Component, type ReactNode } from 'react';

/** A fault in the page's own code: a plain sentence and a way on, never a blank page. */
export class PageErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <main className="centered">
        <div className="card guest-card">
          <h1>Something went wrong</h1>
          <div role="alert" className="alert">
            <p>This page ran into a problem. Reload it to try again.</p>
          </div>
          <div className="actions">
            <button
              type="button"
              onClick={() => {
                location.reload();
              }}
            >
              Reload the page
            </button>
          </div>
        </div>
      </main>
    );
  }
}

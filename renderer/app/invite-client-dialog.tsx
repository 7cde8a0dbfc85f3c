import { useId } from 'react';
import { useGuestLinks } from './hooks/use-guest-links.ts';
import { useModalDialog } from './hooks/use-modal-dialog.ts';
import { timeInWords, validityInWords } from './link-validity.ts';

/**
 * A meeting link for a client without an account: made when the dialog opens, shown to copy and
 * send on, with how long it stays valid; and the advisor's active links, each revocable.
 */
export function InviteClientDialog({ onClose }: { onClose: () => void }) {
  const titleId = useId();
  const listId = useId();
  const ref = useModalDialog(onClose);
  const { current, links, error, making, copied, create, revoke, copy } = useGuestLinks();
  const now = Date.now();

  return (
    <dialog ref={ref} aria-modal="true" aria-labelledby={titleId} className="card dialog invite">
      <h2 id={titleId}>Invite a client</h2>
      <p className="muted">
        Send this link to your client. They open it in their browser, wait until you let them in,
        and join your call. No account is needed.
      </p>
      {current && (
        <>
          <label>
            Meeting link
            <input
              readOnly
              value={current.link}
              onFocus={(event) => {
                event.currentTarget.select();
              }}
            />
          </label>
          <p>{validityInWords(current, now)}</p>
        </>
      )}
      <div className="actions">
        {current && (
          <button
            type="button"
            className="primary"
            onClick={() => {
              void copy();
            }}
          >
            Copy link
          </button>
        )}
        <button
          type="button"
          disabled={making}
          onClick={() => {
            void create();
          }}
        >
          {making ? 'Making a link…' : current ? 'Make another link' : 'Make a new link'}
        </button>
        {/* Always there, so "Copied" is announced when it appears. */}
        <p role="status" className="copied">
          {copied ? 'Copied' : ''}
        </p>
      </div>
      {error && (
        <div role="alert" className="alert">
          <p>{error}</p>
        </div>
      )}

      <section aria-labelledby={listId} className="links">
        <h3 id={listId}>Your active links ({links.length})</h3>
        {links.length === 0 ? (
          <p className="muted">{making ? 'Loading…' : 'You have no active links.'}</p>
        ) : (
          <ul className="members">
            {links.map((link, index) => {
              const until = timeInWords(link.expiresAt, now);
              const made = timeInWords(link.createdAt, now);
              return (
                <li key={link.id} className="member">
                  <span className="name">Link {index + 1}</span>
                  <span className="presence">
                    made {made}, valid until {until}
                    {link.id === current?.id ? ' (the link above)' : ''}
                  </span>
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Revoke link ${index + 1}, valid until ${until}`}
                    onClick={() => {
                      void revoke(link.id);
                    }}
                  >
                    Revoke link
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <div className="actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </dialog>
  );
}

import { useState } from 'react';
import { InviteClientDialog } from './invite-client-dialog.tsx';

/** "Invite a client": opens the dialog that makes a meeting link (home and call controls). */
export function InviteClientButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        onClick={() => {
          setOpen(true);
        }}
      >
        Invite a client
      </button>
      {open && (
        <InviteClientDialog
          onClose={() => {
            setOpen(false);
          }}
        />
      )}
    </>
  );
}

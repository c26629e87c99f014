import { useRef } from "react";
import { createPortal } from "react-dom";
import { useFocusTrap } from "../useFocusTrap";
import { useFullScreenMode } from "../useFullScreenMode";
import "./door.css";

export interface DoorTicket {
  firstName: string;
  lastName: string;
  barcode: string | null;
  /** The QR drawn locally in Rust (core ops::qr), as a data: URL. */
  qrDataUrl: string | null;
  checkedIn: boolean;
}

interface Props {
  ticket: DoorTicket;
  eventTitle: string;
  onClose: () => void;
}

/** The ticket full-screen for the door scanner: big QR on white (scanners want dark on light,
 * whatever the theme), big name and barcode. Esc or the button closes it; focus stays inside. */
export function DoorMode({ ticket, eventTitle, onClose }: Props) {
  const closeRef = useRef<HTMLButtonElement>(null);

  const dialogRef = useRef<HTMLDivElement>(null);
  useFullScreenMode(onClose, closeRef, { bodyClass: "door-open" });
  // Tab stays on the close button, the mode's only stop.
  useFocusTrap(dialogRef);

  const name = `${ticket.firstName} ${ticket.lastName}`.trim();
  // On <body>: the panel it opens from is its own stacking context.
  return createPortal(
    <div className="door" ref={dialogRef} role="dialog" aria-modal="true" aria-label={`Door mode: ${name}`} data-testid="door-mode">
      <div className="door-top">
        <span className="door-event">{eventTitle}</span>
        <button type="button" className="door-close" data-testid="door-close" ref={closeRef} onClick={onClose}>
          Close (Esc)
        </button>
      </div>
      <div className="door-body">
        <div className="door-qr-tile">
          {ticket.qrDataUrl ? (
            <img className="door-qr" src={ticket.qrDataUrl} alt={`QR code of barcode ${ticket.barcode ?? ""}`} data-testid="door-qr" />
          ) : (
            <p className="door-noqr" data-testid="door-noqr">
              This attendee has no barcode, so there is no QR to scan.
            </p>
          )}
        </div>
        <div className="door-name" data-testid="door-name">
          {name}
        </div>
        <div className="door-barcode" data-testid="door-barcode">
          {ticket.barcode ?? "No barcode"}
        </div>
        {ticket.checkedIn && <div className="door-checked">Already checked in</div>}
      </div>
    </div>,
    document.body,
  );
}

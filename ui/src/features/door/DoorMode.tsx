import { useEffect, useRef } from "react";
import { createPortal } from "react-dom";
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

  useEffect(() => {
    const back = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // The app behind is hidden, not just covered: WebKitGTK paints overlay scrollbars on top.
    document.body.classList.add("door-open");
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        // Capture + stop: the attendee panel under it also closes on Esc.
        e.preventDefault();
        e.stopImmediatePropagation();
        onClose();
      } else if (e.key === "Tab") {
        // The close button is the only stop.
        e.preventDefault();
        closeRef.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => {
      window.removeEventListener("keydown", onKey, true);
      document.body.classList.remove("door-open");
      back?.focus();
    };
  }, [onClose]);

  const name = `${ticket.firstName} ${ticket.lastName}`.trim();
  // On <body>: the panel it opens from is its own stacking context.
  return createPortal(
    <div className="door" role="dialog" aria-modal="true" aria-label={`Door mode: ${name}`} data-testid="door-mode">
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

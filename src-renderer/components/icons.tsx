// The app's own icons, drawn as inline SVG in the text colour, so they render the same on
// every system (an emoji needs a font the system may lack: on Linux 📎 was an empty box).

/** A paperclip (24 × 24 grid, stroked in currentColor); `label` makes it an image to assistive tech. */
export function PaperclipIcon({ label, size = 14 }: { label?: string; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      {...(label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true })}
    >
      <path d="M21.4 11.1l-8.5 8.5a5.5 5.5 0 0 1-7.8-7.8l8.5-8.5a3.7 3.7 0 0 1 5.2 5.2l-8.5 8.5a1.8 1.8 0 0 1-2.6-2.6l7.8-7.8" />
    </svg>
  );
}

/** A five-pointed star, filled when `filled` (a starred conversation), outlined otherwise. */
export function StarIcon({ label, filled = true, size = 14 }: { label?: string; filled?: boolean; size?: number }) {
  return (
    <svg
      className="icon star-icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill={filled ? 'currentColor' : 'none'}
      stroke="currentColor"
      strokeWidth="2"
      strokeLinejoin="round"
      {...(label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true })}
    >
      <path d="M12 2.8l2.8 5.8 6.4.9-4.6 4.5 1.1 6.3L12 17.3l-5.7 3 1.1-6.3-4.6-4.5 6.4-.9z" />
    </svg>
  );
}

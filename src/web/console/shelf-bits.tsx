/** Small pieces shared by the shelf editor and the "now explaining" control. */

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function formatSeconds(total: number): string {
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** The product's first image, or its first letter on a tinted square. */
export function ProductThumb({ image, title }: { image: string | null; title: string }) {
  return image ? (
    <img className="shelf-thumb" src={image} alt="" loading="lazy" />
  ) : (
    <span className="shelf-thumb shelf-thumb-empty" aria-hidden="true">
      {Array.from(title)[0] ?? '?'}
    </span>
  );
}

/** Small helpers shared by the pages. */

const listeners = new Set<() => void>();

/** Client-side navigation (history API); pages re-render on it and on back/forward. */
export function navigate(path: string): void {
  history.pushState(null, '', path);
  for (const l of listeners) l();
}

export function onNavigate(l: () => void): () => void {
  listeners.add(l);
  addEventListener('popstate', l);
  return () => {
    listeners.delete(l);
    removeEventListener('popstate', l);
  };
}

/** A CSS class per status value (colours in style.css). */
export function statusClass(status: string): string {
  return `st-${status.toLowerCase().replace(/[^a-z]/g, '') || 'none'}`;
}

/** `3m ago`, `2h ago`, `5d ago`. */
export function ago(time: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(time)) / 1000));
  if (Number.isNaN(s)) return time;
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

import type { ApiResult } from '../auth/session';

/**
 * Filtered pages fetched in a row while they come back empty, before a list stops
 * and offers the next page instead.
 */
export const MAX_EMPTY_PAGES = 10;

/** A page of a cursor-paged list, as the API answers it. */
export interface Page<T> {
  items: readonly T[];
  nextCursor?: string | null;
}

/**
 * Fetches pages from `cursor` until one has items or the list ends. With filters
 * (applied after the read), or rows the user may not see left out, a page can be
 * empty and still have a next one; after `MAX_EMPTY_PAGES` empty pages the answer is
 * empty with the cursor to go on from.
 */
export async function fetchUntilItems<T>(
  fetchPage: (cursor: string | undefined) => Promise<ApiResult<Page<T>>>,
  cursor: string | undefined,
): Promise<ApiResult<{ items: T[]; nextCursor: string | null }>> {
  let next = cursor;
  for (let page = 0; page < MAX_EMPTY_PAGES; page += 1) {
    const result = await fetchPage(next);
    if (!result.ok) return result;
    next = result.data.nextCursor ?? undefined;
    if (result.data.items.length > 0 || next === undefined) {
      return { ok: true, data: { items: [...result.data.items], nextCursor: next ?? null } };
    }
  }
  return { ok: true, data: { items: [], nextCursor: next ?? null } };
}

/**
 * The next page of a cursor-paged list appended to what is shown. An item already
 * shown (it moved between pages while they were read, or was added here) is not
 * shown twice.
 */
export function appendNew<T extends { id: string }>(previous: readonly T[], next: readonly T[]): T[] {
  const seen = new Set(previous.map((item) => item.id));
  return [...previous, ...next.filter((item) => !seen.has(item.id))];
}

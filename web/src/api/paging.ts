/**
 * The next page of a cursor-paged list appended to what is shown. An item already
 * shown (it moved between pages while they were read, or was added here) is not
 * shown twice.
 */
export function appendNew<T extends { id: string }>(previous: readonly T[], next: readonly T[]): T[] {
  const seen = new Set(previous.map((item) => item.id));
  return [...previous, ...next.filter((item) => !seen.has(item.id))];
}

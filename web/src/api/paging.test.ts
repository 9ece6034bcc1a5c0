import { describe, expect, it, vi } from 'vitest';
import type { ApiResult } from '../auth/session';
import { appendNew, fetchUntilItems, MAX_EMPTY_PAGES, type Page } from './paging';

type Item = { id: string };

/** A list served a page at a time: page N's cursor is `cN`. */
function pages(...contents: Item[][]) {
  return vi.fn((cursor: string | undefined): Promise<ApiResult<Page<Item>>> => {
    const index = cursor === undefined ? 0 : Number(cursor.slice(1));
    const nextCursor = index + 1 < contents.length ? `c${index + 1}` : null;
    return Promise.resolve({ ok: true, data: { items: contents[index] ?? [], nextCursor } });
  });
}

describe('fetchUntilItems', () => {
  it('reads past empty pages to the first one with items, and answers its cursor', async () => {
    const fetchPage = pages([], [], [{ id: 'a' }], [{ id: 'b' }]);
    const result = await fetchUntilItems(fetchPage, undefined);
    expect(result).toEqual({ ok: true, data: { items: [{ id: 'a' }], nextCursor: 'c3' } });
    expect(fetchPage.mock.calls.map(([cursor]) => cursor)).toEqual([undefined, 'c1', 'c2']);
  });

  it('goes on from the cursor it is given and stops at the end of the list', async () => {
    const fetchPage = pages([{ id: 'a' }], [], []);
    expect(await fetchUntilItems(fetchPage, 'c1')).toEqual({ ok: true, data: { items: [], nextCursor: null } });
    expect(fetchPage).toHaveBeenCalledTimes(2);
  });

  it('stops after the most empty pages, offering the cursor to go on from', async () => {
    const fetchPage = pages(...Array.from({ length: MAX_EMPTY_PAGES + 5 }, () => []));
    const result = await fetchUntilItems(fetchPage, undefined);
    expect(result).toEqual({ ok: true, data: { items: [], nextCursor: `c${MAX_EMPTY_PAGES}` } });
    expect(fetchPage).toHaveBeenCalledTimes(MAX_EMPTY_PAGES);
  });

  it('answers the first failure as it is', async () => {
    const failure: ApiResult<Page<Item>> = {
      ok: false,
      problem: { type: 'about:blank', title: 'Unprocessable', status: 422 },
    };
    const fetchPage = vi
      .fn<(cursor: string | undefined) => Promise<ApiResult<Page<Item>>>>()
      .mockResolvedValueOnce({ ok: true, data: { items: [], nextCursor: 'c1' } })
      .mockResolvedValueOnce(failure);
    expect(await fetchUntilItems(fetchPage, undefined)).toBe(failure);
  });
});

describe('appendNew', () => {
  it('appends the next page in its order, leaving out what is already shown', () => {
    const shown = [{ id: 'a' }, { id: 'b' }];
    const next = [{ id: 'b' }, { id: 'c' }, { id: 'd' }];
    expect(appendNew(shown, next).map((item) => item.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps the shown copy of an item that comes again', () => {
    const shown = [{ id: 'a', name: 'shown' }];
    expect(appendNew(shown, [{ id: 'a', name: 'again' }])).toEqual([{ id: 'a', name: 'shown' }]);
  });
});

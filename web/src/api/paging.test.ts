import { describe, expect, it } from 'vitest';
import { appendNew } from './paging';

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

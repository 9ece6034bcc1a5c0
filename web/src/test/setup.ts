import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// findBy… and waitFor give up after 1 s by default; on a loaded two-core machine (vitest's
// workers beside a build) a page's first render can take longer. Waiting longer for a
// condition does not make a failing one pass: it only fails later.
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  cleanup();
});

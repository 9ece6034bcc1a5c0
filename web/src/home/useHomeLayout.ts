import { useEffect, useRef, useState } from 'react';
import type { Problem } from '../api/problem';
import { fetchLayout, saveLayout } from './api';
import { DEFAULT_LAYOUT, normalizeLayout, sameLayout, type Layout } from './layout';

export type LayoutState =
  | { status: 'loading' }
  | {
      status: 'ready';
      layout: Layout;
      /** The stored layout could not be loaded: the default is shown. */
      loadProblem: Problem | null;
      /** The last change could not be saved and was undone. */
      saveProblem: Problem | null;
    };

/**
 * The user's Home layout: loaded once, and saved after every change. A change shows at
 * once; when the server refuses it, the last saved layout comes back with the problem.
 */
export function useHomeLayout() {
  const [state, setState] = useState<LayoutState>({ status: 'loading' });
  /** The layout the server last confirmed, and which change that answer belongs to. */
  const saved = useRef<{ layout: Layout; change: number }>({ layout: DEFAULT_LAYOUT, change: 0 });
  const changes = useRef(0);

  useEffect(() => {
    let live = true;
    void fetchLayout().then((result) => {
      if (!live) return;
      const layout = result.ok ? normalizeLayout(result.data) : DEFAULT_LAYOUT;
      saved.current = { layout, change: 0 };
      setState({ status: 'ready', layout, loadProblem: result.ok ? null : result.problem, saveProblem: null });
    });
    return () => {
      live = false;
    };
  }, []);

  /** Shows `next` and saves it; resolves to what became of it. */
  async function change(next: Layout): Promise<'unchanged' | 'saved' | 'failed'> {
    if (state.status !== 'ready' || sameLayout(state.layout, next)) return 'unchanged';
    changes.current += 1;
    const change = changes.current;
    setState({ ...state, layout: next, saveProblem: null });
    const result = await saveLayout(next);
    if (result.ok) {
      const stored = normalizeLayout(result.data);
      if (change > saved.current.change) saved.current = { layout: stored, change };
      // A later change is on its way; its answer decides what is shown.
      if (change === changes.current) {
        setState((previous) => (previous.status === 'ready' ? { ...previous, layout: stored, loadProblem: null } : previous));
      }
      return 'saved';
    }
    if (change === changes.current) {
      const { layout } = saved.current;
      setState((previous) =>
        previous.status === 'ready' ? { ...previous, layout, saveProblem: result.problem } : previous,
      );
    }
    return 'failed';
  }

  function dismissProblem() {
    setState((previous) =>
      previous.status === 'ready' ? { ...previous, saveProblem: null, loadProblem: null } : previous,
    );
  }

  return { state, change, dismissProblem };
}

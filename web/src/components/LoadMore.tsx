interface LoadMoreProps {
  /** The next page is being read: the button says so and cannot be pressed again. */
  loading: boolean;
  onLoad: () => Promise<void> | void;
  label?: string;
  testId?: string;
  /** The row the button stands in. */
  className?: string;
}

/** The button under a cursor-paged list that appends its next page. */
export function LoadMore({ loading, onLoad, label = 'Load more', testId, className = 'panel__actions' }: LoadMoreProps) {
  return (
    <div className={className}>
      <button
        type="button"
        className="button button--secondary"
        onClick={() => void onLoad()}
        disabled={loading}
        data-testid={testId}
      >
        {loading ? 'Loading…' : label}
      </button>
    </div>
  );
}

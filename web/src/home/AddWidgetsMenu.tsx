import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { WIDGET_TITLES } from './labels';
import type { WidgetId } from './types';

/** "Add widgets": the removed widgets, each to be added back to the end of the page. */
export function AddWidgetsMenu({
  hidden,
  onAdd,
  disabled,
}: {
  hidden: readonly WidgetId[];
  onAdd: (id: WidgetId) => void;
  disabled: boolean;
}) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const none = hidden.length === 0;
  const expanded = open && !none;

  useEffect(() => {
    if (!expanded) return;
    function closeOutside(event: MouseEvent) {
      if (rootRef.current && !rootRef.current.contains(event.target as Node)) setOpen(false);
    }
    document.addEventListener('mousedown', closeOutside);
    return () => document.removeEventListener('mousedown', closeOutside);
  }, [expanded]);

  function handleKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape' && expanded) {
      event.stopPropagation();
      setOpen(false);
      rootRef.current?.querySelector<HTMLButtonElement>('button')?.focus();
    }
  }

  return (
    <div className="add-widgets" ref={rootRef} onKeyDown={handleKeyDown}>
      <button
        type="button"
        className="button button--secondary"
        aria-expanded={expanded}
        aria-controls={panelId}
        disabled={disabled || none}
        title={none ? 'Every widget is on the page' : undefined}
        onClick={() => setOpen((value) => !value)}
        data-testid="add-widgets-open"
      >
        Add widgets{none ? '' : ` (${hidden.length})`}
      </button>
      <div id={panelId} className="add-widgets__panel" hidden={!expanded}>
        <p className="add-widgets__title">Removed widgets</p>
        <ul className="add-widgets__list">
          {hidden.map((id) => (
            <li key={id}>
              <button
                type="button"
                className="add-widgets__item"
                onClick={() => {
                  setOpen(false);
                  onAdd(id);
                }}
                data-testid={`add-widget-${id}`}
              >
                Add {WIDGET_TITLES[id]}
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

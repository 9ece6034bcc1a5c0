import { useRef, type KeyboardEvent, type ReactNode } from 'react';

interface PageTab<T extends string> {
  id: T;
  label: string;
}

interface PageTabsProps<T extends string> {
  /** Names the tab list ("Reports"). */
  label: string;
  tabs: readonly PageTab<T>[];
  current: T;
  onSelect: (tab: T) => void;
  /** The current tab's content. */
  children: ReactNode;
}

/**
 * Tabs across a page: the arrow keys, Home and End move between them and show the
 * tab they reach; only the current tab is in the Tab order.
 */
export function PageTabs<T extends string>({ label, tabs, current, onSelect, children }: PageTabsProps<T>) {
  const refs = useRef(new Map<T, HTMLButtonElement>());
  const panelId = `${label.toLowerCase().replace(/\W+/g, '-')}-tabpanel`;
  const tabId = (tab: T) => `${panelId}-${tab}`;

  function handleKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = tabs.findIndex((tab) => tab.id === current);
    const moves: Record<string, number> = {
      ArrowRight: (index + 1) % tabs.length,
      ArrowLeft: (index - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1,
    };
    const target = tabs[moves[event.key] ?? -1];
    if (!target) return;
    event.preventDefault();
    onSelect(target.id);
    refs.current.get(target.id)?.focus();
  }

  return (
    <>
      <div role="tablist" aria-label={label} className="page-tabs" onKeyDown={handleKeyDown}>
        {tabs.map((tab) => {
          const selected = tab.id === current;
          return (
            <button
              key={tab.id}
              ref={(element) => {
                if (element) refs.current.set(tab.id, element);
                else refs.current.delete(tab.id);
              }}
              type="button"
              role="tab"
              id={tabId(tab.id)}
              className="page-tabs__tab"
              aria-selected={selected}
              aria-controls={panelId}
              tabIndex={selected ? 0 : -1}
              onClick={() => onSelect(tab.id)}
              data-testid={`tab-${tab.id}`}
            >
              {tab.label}
            </button>
          );
        })}
      </div>
      <div role="tabpanel" id={panelId} aria-labelledby={tabId(current)}>
        {children}
      </div>
    </>
  );
}

import { useId, useState, type DragEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { WIDGET_TITLES } from './labels';
import type { WidgetId } from './types';

/** What the page does when a widget is moved or removed. */
export interface WidgetControls {
  /** The widget's place among the shown ones, from 0, and how many are shown. */
  position: number;
  count: number;
  onMove: (id: WidgetId, delta: -1 | 1) => void;
  onRemove: (id: WidgetId) => void;
  /** Drag and drop: the widget being dragged, and a drop of it onto this widget. */
  dragging: WidgetId | null;
  onDragStart: (id: WidgetId) => void;
  onDragEnd: () => void;
  onDrop: (target: WidgetId) => void;
}

interface WidgetProps {
  id: WidgetId;
  controls: WidgetControls;
  /** The guide's "more" link. */
  more?: string | undefined;
  /** Shown beside the title: what the widget shows (e.g. "All customers" on partner-wide widgets). */
  scope?: ReactNode;
  /** Controls in the header, e.g. a range selector. */
  tools?: ReactNode;
  wide?: boolean;
  busy?: boolean;
  children: ReactNode;
}

/** The drag payload type: other drags (files, text) are not widgets and are not accepted. */
const DRAG_TYPE = 'application/x-partner-console-widget';

/**
 * A Home widget: a panel with its title, its "more" link, and controls to move it (a
 * drag handle, and Move up / Move down buttons for keyboards) and to remove it.
 */
export function Widget({ id, controls, more, scope, tools, wide = false, busy = false, children }: WidgetProps) {
  const title = WIDGET_TITLES[id];
  const headingId = useId();
  const [over, setOver] = useState(false);
  const { position, count, dragging } = controls;
  const dropTarget = over && dragging !== null && dragging !== id;

  function handleDragStart(event: DragEvent<HTMLElement>) {
    // The whole widget is the drag image, though only the handle starts a drag.
    const root = event.currentTarget.closest<HTMLElement>('.widget');
    if (event.dataTransfer) {
      event.dataTransfer.effectAllowed = 'move';
      event.dataTransfer.setData(DRAG_TYPE, id);
      // Some browsers start a drag only when it carries data of a common type.
      event.dataTransfer.setData('text/plain', title);
      if (root && typeof event.dataTransfer.setDragImage === 'function') event.dataTransfer.setDragImage(root, 24, 24);
    }
    controls.onDragStart(id);
  }

  function accepts(event: DragEvent<HTMLElement>): boolean {
    return dragging !== null && dragging !== id && (!event.dataTransfer || event.dataTransfer.types.includes(DRAG_TYPE));
  }

  function handleDragOver(event: DragEvent<HTMLElement>) {
    if (!accepts(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
    if (!over) setOver(true);
  }

  function handleDrop(event: DragEvent<HTMLElement>) {
    setOver(false);
    if (!accepts(event)) return;
    event.preventDefault();
    controls.onDrop(id);
  }

  const classes = ['panel', 'widget'];
  if (wide) classes.push('widget--wide');
  if (dragging === id) classes.push('widget--dragging');
  if (dropTarget) classes.push('widget--drop-target');

  return (
    <section
      className={classes.join(' ')}
      aria-labelledby={headingId}
      aria-busy={busy}
      tabIndex={-1}
      data-testid={`widget-${id}`}
      onDragOver={handleDragOver}
      onDragEnter={handleDragOver}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={handleDrop}
    >
      <div className="widget__header">
        <span
          className="widget__handle"
          draggable
          onDragStart={handleDragStart}
          onDragEnd={() => {
            setOver(false);
            controls.onDragEnd();
          }}
          title={`Drag to move ${title}`}
          aria-hidden="true"
          data-testid={`widget-${id}-handle`}
        >
          ⠿
        </span>
        <h2 id={headingId} className="panel__title widget__title">
          {title}
        </h2>
        {scope ? <span className="widget__scope">{scope}</span> : null}
        <div className="widget__tools">
          {tools}
          {more ? (
            <Link to={more} className="widget__more" data-testid={`widget-${id}-more`}>
              More <span className="visually-hidden">on {title}</span>
            </Link>
          ) : null}
          <span className="widget__order">
            <button
              type="button"
              className="widget__icon-button"
              onClick={() => {
                if (position > 0) controls.onMove(id, -1);
              }}
              // aria-disabled rather than disabled: the button keeps focus when the widget reaches the top.
              aria-disabled={position === 0}
              aria-label={`Move ${title} up`}
              title="Move up"
              data-testid={`widget-${id}-up`}
            >
              ↑
            </button>
            <button
              type="button"
              className="widget__icon-button"
              onClick={() => {
                if (position < count - 1) controls.onMove(id, 1);
              }}
              aria-disabled={position === count - 1}
              aria-label={`Move ${title} down`}
              title="Move down"
              data-testid={`widget-${id}-down`}
            >
              ↓
            </button>
          </span>
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={() => controls.onRemove(id)}
            aria-label={`Remove ${title}`}
            data-testid={`widget-${id}-remove`}
          >
            Remove
          </button>
        </div>
      </div>
      <div className="widget__body">{children}</div>
    </section>
  );
}

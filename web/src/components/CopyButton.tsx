import { useEffect, useState } from 'react';

interface CopyButtonProps {
  /** The text put on the clipboard. */
  text: string;
  /** What is copied, for the button's accessible name ("Copy client secret"). */
  what: string;
  testId?: string;
}

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * Copies a value to the clipboard and says so next to the button ("Copied"); where the
 * browser refuses the clipboard, it asks to select and copy the value by hand.
 */
export function CopyButton({ text, what, testId }: CopyButtonProps) {
  const [state, setState] = useState<CopyState>('idle');

  useEffect(() => {
    if (state !== 'copied') return;
    const timer = window.setTimeout(() => setState('idle'), 4000);
    return () => window.clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  }

  return (
    <span className="copy">
      <button
        type="button"
        className="button button--small button--secondary"
        onClick={() => void copy()}
        aria-label={`Copy ${what}`}
        data-testid={testId}
      >
        Copy
      </button>
      <span className="copy__status" role="status">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select it and copy it by hand' : ''}
      </span>
    </span>
  );
}

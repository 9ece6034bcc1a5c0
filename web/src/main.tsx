import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { restoreSession } from './auth/session';
import './styles.css';

// Try once, at start-up, to restore a session from the refresh cookie.
const initialSession = restoreSession();

const container = document.getElementById('root');
if (!container) throw new Error('Missing #root element');

createRoot(container).render(
  <StrictMode>
    <App initialSession={initialSession} />
  </StrictMode>,
);

import { Outlet } from 'react-router';

/** Layout of the pages for visitors who are not signed in. */
export function PublicLayout() {
  return (
    <div className="public">
      <header className="public__header">
        <span className="brand">
          <span className="brand__mark" aria-hidden="true">
            PC
          </span>
          Partner Console
        </span>
      </header>
      <main id="main" className="public__main">
        <Outlet />
      </main>
    </div>
  );
}

import type { Logo } from '../types';

interface ReportPreviewProps {
  headerColour: string;
  themeColour: string;
  logo: Logo | undefined;
  /** The partner's company name, the banner's text beside the logo. */
  company: string;
}

const SAMPLE_ROWS: readonly [string, number, number][] = [
  ['Acme Dental', 42, 3],
  ['Bright Bakery', 17, 0],
];

/**
 * The Preview pane: the top of a report with the colours chosen (saved or not) and the
 * logo scaled to fit its 116 × 110 box. The theme colour is the banner's and the table
 * headers' background; the header font colour is their text's.
 */
export function ReportPreview({ headerColour, themeColour, logo, company }: ReportPreviewProps) {
  return (
    <section className="panel panel--stack report-preview" aria-labelledby="report-preview-heading">
      <h2 id="report-preview-heading" className="panel__title">
        Preview
      </h2>
      <div className="report-preview__page" data-testid="report-preview">
        <div className="report-preview__banner" style={{ backgroundColor: themeColour }} data-testid="preview-banner">
          <div className="report-preview__logo">
            {logo ? (
              <img src={logo.url} alt="Your logo" className="report-preview__image" data-testid="preview-logo" />
            ) : (
              <span className="report-preview__no-logo">Your logo</span>
            )}
          </div>
          <p className="report-preview__company" style={{ color: headerColour }} data-testid="preview-company">
            {company}
          </p>
        </div>
        <div className="report-preview__body">
          <p className="report-preview__title" data-testid="preview-title">
            Monthly security summary
          </p>
          <p className="report-preview__subtitle">Customer Executive Summary · Last 30 days</p>
          <table className="report-preview__table">
            <thead>
              <tr style={{ backgroundColor: themeColour, color: headerColour }} data-testid="preview-table-header">
                <th scope="col">Customer</th>
                <th scope="col">Computers</th>
                <th scope="col">Risks</th>
              </tr>
            </thead>
            <tbody>
              {SAMPLE_ROWS.map(([customer, computers, risks]) => (
                <tr key={customer}>
                  <td>{customer}</td>
                  <td>{computers}</td>
                  <td>{risks}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}

import type { ReactNode } from 'react';
import { formatCount } from '../charts';
import { formatDate, formatDateTime } from '../customers/labels';
import { DashboardContent, type DashboardView } from './DashboardContent';
import { safeUrl, THREAT_LEVEL_NAMES, THREAT_SEVERITY_LABELS, threatLevel, type ThreatLevel } from './labels';
import type { Threat } from './types';
import { Widget, type WidgetControls } from './Widget';

interface InfoWidgetProps {
  controls: WidgetControls;
  view: DashboardView;
  scope: ReactNode;
}

const LEVELS: readonly ThreatLevel[] = [1, 2, 3, 4];

/** The ThreatCon meter: four steps, the current one and those below it filled. */
function ThreatConMeter({ level }: { level: ThreatLevel }) {
  return (
    <div className="threatcon" data-testid="threatcon">
      <p className="threatcon__level">
        <span className="threatcon__label">ThreatCon level</span>{' '}
        <strong data-testid="threatcon-level" className={`threatcon__name threatcon__name--${level}`}>
          {level}: {THREAT_LEVEL_NAMES[level]}
        </strong>
      </p>
      <ol className="threatcon__scale" aria-hidden="true">
        {LEVELS.map((step) => (
          <li
            key={step}
            className={`threatcon__step threatcon__step--${step}${step <= level ? ' threatcon__step--on' : ''}`}
          >
            {THREAT_LEVEL_NAMES[step]}
          </li>
        ))}
      </ol>
    </div>
  );
}

function LatestThreats({ latest }: { latest: readonly Threat[] }) {
  if (latest.length === 0) return <p className="panel__note">No threats are listed.</p>;
  return (
    <div className="table-scroll">
      <table className="table table--compact" data-testid="threats-table">
        <caption className="widget__caption">Latest global threats</caption>
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Protected</th>
          </tr>
        </thead>
        <tbody>
          {latest.map((threat) => {
            const url = safeUrl(threat.url);
            return (
              <tr key={threat.name}>
                <td>
                  <span className={`status status--threat-${threat.severity}`}>
                    {THREAT_SEVERITY_LABELS[threat.severity] ?? threat.severity}
                  </span>
                </td>
                <td>
                  {url ? (
                    <a href={url} target="_blank" rel="noopener noreferrer">
                      {threat.name} <span className="visually-hidden">(opens in a new tab)</span>
                    </a>
                  ) : (
                    threat.name
                  )}
                </td>
                <td>{threat.type}</td>
                <td>{threat.protected ? 'Protected' : <strong className="text-alert">Not protected</strong>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Threats Summary: the ThreatCon level with why, and the latest global threats. */
export function ThreatsSummaryWidget({ controls, view, scope }: InfoWidgetProps) {
  return (
    <Widget id="threatsSummary" controls={controls} scope={scope} busy={view.loading}>
      <DashboardContent view={view}>
        {({ threats }) =>
          threats ? (
            <>
              <ThreatConMeter level={threatLevel(threats.level)} />
              <div className="widget__text">
                <h3 className="widget__subtitle" data-testid="threats-title">
                  {threats.title}
                </h3>
                <p>{threats.description}</p>
                {threats.updatedAt ? (
                  <p className="widget__meta">
                    Updated <time dateTime={threats.updatedAt}>{formatDateTime(threats.updatedAt)}</time>
                  </p>
                ) : null}
              </div>
              <LatestThreats latest={threats.latest ?? []} />
            </>
          ) : (
            <p className="panel__note" data-testid="threats-empty">
              No threat level has been published yet.
            </p>
          )
        }
      </DashboardContent>
    </Widget>
  );
}

/** News Alerts: a snippet of the two newest items; "more" opens the News Alerts page. */
export function NewsAlertsWidget({ controls, view, scope }: InfoWidgetProps) {
  return (
    <Widget id="newsAlerts" controls={controls} more="/news" scope={scope} busy={view.loading}>
      <DashboardContent view={view}>
        {({ news }) =>
          news.length === 0 ? (
            <p className="panel__note">No news yet.</p>
          ) : (
            <ul className="news-snippets" data-testid="news-snippets">
              {news.slice(0, 2).map((item) => (
                <li key={item.id} className="news-snippets__item">
                  <h3 className="widget__subtitle">{item.title}</h3>
                  <p className="widget__meta">
                    <time dateTime={item.publishedAt}>{formatDate(item.publishedAt)}</time>
                  </p>
                  <p>{item.summary}</p>
                </li>
              ))}
            </ul>
          )
        }
      </DashboardContent>
    </Widget>
  );
}

/** My Products: each product with the customers on trials and paid subscriptions of it. */
export function MyProductsWidget({ controls, view, scope }: InfoWidgetProps) {
  return (
    <Widget id="myProducts" controls={controls} more="/products" scope={scope} busy={view.loading}>
      <DashboardContent view={view}>
        {({ myProducts }) =>
          myProducts.length === 0 ? (
            <p className="panel__note">No trials or subscriptions yet.</p>
          ) : (
            <div className="table-scroll">
              <table className="table table--compact" data-testid="my-products-table">
                <caption className="visually-hidden">Products in use</caption>
                <thead>
                  <tr>
                    <th scope="col">Product</th>
                    <th scope="col" className="table__number">
                      Paid customers
                    </th>
                    <th scope="col" className="table__number">
                      Trial customers
                    </th>
                    <th scope="col" className="table__number">
                      Paid seats
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {myProducts.map((usage) => (
                    <tr key={usage.product} data-testid="my-products-row">
                      <th scope="row" className="table__primary">
                        {usage.name}
                      </th>
                      <td className="table__number">{formatCount(usage.paid)}</td>
                      <td className="table__number">{formatCount(usage.trials)}</td>
                      <td className="table__number">{formatCount(usage.seats)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </DashboardContent>
    </Widget>
  );
}

import { useState, type ReactNode } from 'react';
import {
  DEFAULT_RANGE,
  LineChart,
  RANGE_LABELS,
  RangeSelect,
  rangeResolution,
  sliceSeries,
  StackedBarChart,
  sumOf,
  type Range,
} from '../charts';
import { Figures } from '../statistics/shared';
import { DashboardContent, type DashboardView } from './DashboardContent';
import { Widget, type WidgetControls } from './Widget';
import type { WidgetId } from './types';

export interface ActivityWidgetProps {
  controls: WidgetControls;
  view: DashboardView;
  scope: ReactNode;
  /** The customer the Display filter shows, for the "more" pages. */
  customerId: string | null;
}

const NO_COMPUTERS = 'No computers report yet.';

/** A statistics page's address with the widget's range and the Display filter's customer. */
function statisticsLink(path: string, range: Range, customerId: string | null): string {
  const query = new URLSearchParams({ range });
  if (customerId !== null) query.set('customer', customerId);
  return `${path}?${query.toString()}`;
}

/** The range selector of a chart widget (Last 24 hours … Last 3 months). */
function useRange(id: WidgetId): [Range, ReactNode] {
  const [range, setRange] = useState<Range>(DEFAULT_RANGE);
  const select = (
    <RangeSelect
      value={range}
      onChange={setRange}
      label="Period"
      className="widget__range"
      testId={`widget-${id}-range`}
    />
  );
  return [range, select];
}

/** Product Deployment: computers deployed over the range, and how many were installed and removed. */
export function ProductDeploymentWidget({ controls, view, scope, customerId }: ActivityWidgetProps) {
  const [range, select] = useRange('productDeployment');
  return (
    <Widget
      id="productDeployment"
      controls={controls}
      more={statisticsLink('/statistics/deployment', range, customerId)}
      scope={scope}
      tools={select}
      busy={view.loading}
    >
      <DashboardContent view={view}>
        {(dashboard) => {
          const points = sliceSeries(dashboard.deployment, range);
          const deployed = points.at(-1)?.total ?? 0;
          const empty = points.every((point) => point.total === 0 && point.installed === 0 && point.removed === 0);
          return (
            <>
              <Figures
                label={`Product deployment, ${RANGE_LABELS[range].toLowerCase()}`}
                figures={[
                  { label: 'Computers deployed', value: deployed, testId: 'deployment-total' },
                  { label: 'Installed', value: sumOf(points, 'installed'), testId: 'deployment-installed' },
                  { label: 'Removed', value: sumOf(points, 'removed'), testId: 'deployment-removed' },
                ]}
              />
              {empty ? (
                <p className="panel__note">{NO_COMPUTERS}</p>
              ) : (
                <LineChart
                  title="Computers deployed"
                  points={points}
                  series={[{ key: 'total', label: 'Computers deployed' }]}
                  resolution={rangeResolution(range)}
                  height={180}
                  hideLegend
                  testId="deployment-chart"
                />
              )}
            </>
          );
        }}
      </DashboardContent>
    </Widget>
  );
}

/** Virus and Risk Activity: detections over the range by what became of them. */
export function RiskActivityWidget({ controls, view, scope, customerId }: ActivityWidgetProps) {
  const [range, select] = useRange('riskActivity');
  return (
    <Widget
      id="riskActivity"
      controls={controls}
      more={statisticsLink('/statistics/endpoint', range, customerId)}
      scope={scope}
      tools={select}
      busy={view.loading}
    >
      <DashboardContent view={view}>
        {(dashboard) => {
          const points = sliceSeries(dashboard.riskActivity, range);
          const blocked = sumOf(points, 'blocked');
          const quarantined = sumOf(points, 'quarantined');
          const cleaned = sumOf(points, 'cleaned');
          const unresolved = sumOf(points, 'unresolved');
          const detections = blocked + quarantined + cleaned + unresolved;
          return (
            <>
              <Figures
                label={`Virus and risk activity, ${RANGE_LABELS[range].toLowerCase()}`}
                figures={[
                  { label: 'Detections', value: detections, testId: 'risk-detections' },
                  { label: 'Blocked', value: blocked, testId: 'risk-blocked' },
                  { label: 'Quarantined', value: quarantined, testId: 'risk-quarantined' },
                  { label: 'Cleaned', value: cleaned, testId: 'risk-cleaned' },
                  { label: 'Unresolved', value: unresolved, testId: 'risk-unresolved'},
                ]}
              />
              {detections === 0 ? (
                <p className="panel__note">
                  {dashboard.endpointProtection.computers === 0
                    ? NO_COMPUTERS
                    : `No viruses or risks were detected in the ${RANGE_LABELS[range].toLowerCase()}.`}
                </p>
              ) : (
                <StackedBarChart
                  title="Virus and risk detections"
                  points={points}
                  series={[
                    { key: 'blocked', label: 'Blocked' },
                    { key: 'quarantined', label: 'Quarantined' },
                    { key: 'cleaned', label: 'Cleaned' },
                    { key: 'unresolved', label: 'Unresolved' },
                  ]}
                  resolution={rangeResolution(range)}
                  height={180}
                  testId="risk-chart"
                />
              )}
            </>
          );
        }}
      </DashboardContent>
    </Widget>
  );
}

/** Intrusion Prevention: intrusion and firewall events over the range. */
export function IntrusionPreventionWidget({ controls, view, scope, customerId }: ActivityWidgetProps) {
  const [range, select] = useRange('intrusionPrevention');
  return (
    <Widget
      id="intrusionPrevention"
      controls={controls}
      more={statisticsLink('/statistics/endpoint', range, customerId)}
      scope={scope}
      tools={select}
      busy={view.loading}
    >
      <DashboardContent view={view}>
        {(dashboard) => {
          const points = sliceSeries(dashboard.intrusionPrevention, range);
          const intrusions = sumOf(points, 'intrusions');
          const firewall = sumOf(points, 'firewall');
          return (
            <>
              <Figures
                label={`Intrusion prevention, ${RANGE_LABELS[range].toLowerCase()}`}
                figures={[
                  { label: 'Intrusions', value: intrusions, testId: 'intrusion-count' },
                  { label: 'Firewall events', value: firewall, testId: 'intrusion-firewall' },
                ]}
              />
              {intrusions + firewall === 0 ? (
                <p className="panel__note">
                  {dashboard.endpointProtection.computers === 0
                    ? NO_COMPUTERS
                    : `No intrusion events in the ${RANGE_LABELS[range].toLowerCase()}.`}
                </p>
              ) : (
                <StackedBarChart
                  title="Intrusion events"
                  points={points}
                  series={[
                    { key: 'intrusions', label: 'Intrusions' },
                    { key: 'firewall', label: 'Firewall events' },
                  ]}
                  resolution={rangeResolution(range)}
                  height={180}
                  testId="intrusion-chart"
                />
              )}
            </>
          );
        }}
      </DashboardContent>
    </Widget>
  );
}

/** Endpoint Protection: the computers' state now, and the risks handled so far. */
export function EndpointProtectionWidget({ controls, view, scope }: Omit<ActivityWidgetProps, 'customerId'>) {
  return (
    <Widget id="endpointProtection" controls={controls} scope={scope} busy={view.loading}>
      <DashboardContent view={view}>
        {({ endpointProtection: summary }) => (
          <>
            {summary.computers === 0 ? <p className="panel__note">{NO_COMPUTERS}</p> : null}
            <h3 className="widget__subtitle">Computers</h3>
            <Figures
              label="Computers"
              figures={[
                { label: 'Protected', value: summary.protected, testId: 'endpoint-protected' },
                { label: 'Disabled', value: summary.disabled, testId: 'endpoint-disabled'},
                { label: 'Activated', value: summary.activated, testId: 'endpoint-activated' },
                {
                  label: 'Activation required',
                  value: summary.activationRequired,
                  testId: 'endpoint-activation-required',
                },
                {
                  label: 'Agent update required',
                  value: summary.agentUpdateRequired,
                  testId: 'endpoint-agent-update',
                },
                {
                  label: 'Definitions update required',
                  value: summary.definitionUpdateRequired,
                  testId: 'endpoint-definition-update',
                },
                { label: 'Offline', value: summary.offline, testId: 'endpoint-offline'},
              ]}
            />
            <h3 className="widget__subtitle">Risks</h3>
            <Figures
              label="Risks"
              figures={[
                { label: 'Risks blocked', value: summary.risksBlocked, testId: 'endpoint-risks-blocked' },
                { label: 'Quarantined', value: summary.quarantined, testId: 'endpoint-quarantined' },
                { label: 'Infectious items', value: summary.unresolved, testId: 'endpoint-infectious'},
              ]}
            />
          </>
        )}
      </DashboardContent>
    </Widget>
  );
}

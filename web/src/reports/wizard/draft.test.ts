import { describe, expect, it } from 'vitest';
import { reportTypes } from '../fixtures';
import type { ReportTypeInfo } from '../types';
import { mapReportErrors, NEW_REPORT, reportRequest, stepOfErrors, validateStep, withType } from './draft';

function info(type: string): ReportTypeInfo {
  const found = reportTypes.find((candidate) => candidate.type === type);
  if (!found) throw new Error(type);
  return found;
}

describe('report draft', () => {
  it('sends only the options the type offers', () => {
    const draft = {
      ...withType({ ...NEW_REPORT, name: '  Audit  ' }, info('securityAudit')),
      customers: [{ id: 'cus_1', name: 'Acme Dental' }],
      computers: 'active' as const,
      includeMac: true,
      reportBy: 'groups' as const,
      activeUsersOnly: true,
    };
    expect(reportRequest(draft, info('securityAudit'))).toEqual({
      name: 'Audit',
      type: 'securityAudit',
      formats: ['pdf'],
      options: { period: { kind: 'last', range: '7d' }, customers: ['cus_1'], activeUsersOnly: true },
    });
  });

  it('offers a new type’s formats afresh and leaves out formats the type does not render', () => {
    const endpoint = { ...withType(NEW_REPORT, info('endpointSummary')), formats: ['xml', 'pdf', 'csv'] as const };
    const overview = info('securityOverview');
    expect(reportRequest({ ...endpoint, formats: [...endpoint.formats] }, info('endpointSummary')).formats).toEqual([
      'pdf',
      'csv',
      'xml',
    ]);
    expect(withType({ ...endpoint, formats: [...endpoint.formats] }, overview).formats).toEqual(['pdf']);
    expect(validateStep(2, { ...NEW_REPORT, type: 'securityOverview', formats: ['csv'] }, overview, '2026-03-10')).toEqual({
      formats: 'Select at least one format.',
    });
  });

  it('checks custom dates as the API counts them', () => {
    const days = { ...NEW_REPORT, period: 'days' as const, allCustomers: true };
    const check = (from: string, to: string) => validateStep(1, { ...days, from, to }, undefined, '2026-03-10')['options.period'];
    expect(check('2026-03-01', '2026-03-10')).toBeUndefined();
    expect(check('', '2026-03-10')).toBe('Choose the first and the last day of the period.');
    expect(check('2026-03-11', '2026-03-12')).toBe('The period must not start in the future.');
    expect(check('2025-01-01', '2026-03-01')).toBe('The period can be at most 400 days.');
  });

  it('places the API’s field errors on the wizard’s fields, naming customers', () => {
    const { fields, unmatched } = mapReportErrors(
      {
        type: 'about:blank',
        title: 'Unprocessable Entity',
        status: 422,
        errors: [
          { field: 'name', message: 'is required' },
          { field: 'formats[2]', message: 'is chosen twice' },
          { field: 'options.customers[0]', message: 'cus_7 is chosen twice' },
          { field: '/options/period', message: 'must end on or after the day it starts' },
          { field: 'options.reportBy', message: 'is not an option of this report type' },
          { field: 'schedule', message: 'is not known' },
        ],
      },
      (message) => message.replace('cus_7', 'Κλινική Αθηνά'),
    );
    expect(fields).toEqual({
      name: 'The report name is required.',
      formats: 'A format is chosen twice.',
      'options.customers': 'Κλινική Αθηνά is chosen twice.',
      'options.period': 'The time period must end on or after the day it starts.',
      options: 'Report By is not an option of this report type.',
    });
    expect(unmatched).toEqual([{ field: 'schedule', message: 'is not known' }]);
    expect(stepOfErrors(fields)).toBe(0);
    expect(stepOfErrors({ formats: 'x', options: 'y' })).toBe(1);
  });
});

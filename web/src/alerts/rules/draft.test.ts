import { describe, expect, it } from 'vitest';
import { draftOf, mapRuleErrors, NEW_RULE, parseNames, requestOf, ruleFieldOf, validateDraft } from './draft';
import { criticalRule, frontDeskRule } from './fixtures';
import { describeCategories } from './labels';

describe('the rule form', () => {
  it('reads computer and group names one a line or separated by commas, each once', () => {
    expect(parseNames(' PC-1 \n\nPC-2, pc-1,PC-3\n')).toEqual(['PC-1', 'PC-2', 'PC-3']);
    expect(parseNames('  \n , ')).toEqual([]);
  });

  it('sends a saved rule back as the RuleRequest it came from', () => {
    expect(requestOf(frontDeskRule)).toEqual({
      name: 'Front desk warnings',
      enabled: false,
      categories: [{ service: 'endpointProtection', severity: 'warning' }],
      customers: ['cus_1', 'cus_2'],
      computers: { scope: 'computers', names: ['FRONT-01', 'FRONT-02'] },
      recipients: ['usr_2'],
      customerContacts: true,
      webhook: null,
    });
    expect(requestOf(criticalRule).webhook).toEqual({ url: 'https://hooks.example.com/console' });
    expect(requestOf(criticalRule).customers).toBeNull();
  });

  it('puts each API field error on its field', () => {
    expect(
      [
        'name',
        'categories',
        'customers[0]',
        'customers',
        'computers.names',
        'computers.names[3]',
        'recipients[1]',
        'webhook.url',
        '/webhook/url',
        'other',
      ].map(ruleFieldOf),
    ).toEqual([
      'name',
      'categories',
      'customers',
      'customers',
      'computers',
      'computers',
      'recipients',
      'webhook',
      'webhook',
      undefined,
    ]);
    const { fields, unmatched } = mapRuleErrors({
      type: 'about:blank',
      title: 'Unprocessable Entity',
      status: 422,
      errors: [
        { field: 'webhook.url', message: 'must be an https:// URL' },
        { field: 'customers[0]', message: 'cus_9 is not yours' },
        { field: 'customers[1]', message: 'cus_8 is not yours' },
        { field: 'enabled', message: 'must be a boolean' },
      ],
    });
    expect(fields).toEqual({
      webhook: 'The webhook URL must be an https:// URL.',
      customers: 'cus_9 is not yours. cus_8 is not yours.',
    });
    expect(unmatched).toEqual([{ field: 'enabled', message: 'must be a boolean' }]);
  });

  it('checks the name, categories, chosen companies and names, and the webhook address', () => {
    expect(validateDraft(NEW_RULE)).toEqual({
      name: 'Enter a name for the rule.',
      categories: 'Check at least one category.',
    });
    const valid = draftOf(criticalRule);
    expect(validateDraft(valid)).toEqual({});
    expect(validateDraft({ ...valid, name: 'x'.repeat(101) }).name).toBe('Use at most 100 characters.');
    expect(validateDraft({ ...valid, scope: 'groups', names: ' , ' }).computers).toBe('Enter at least one group name.');
    expect(validateDraft({ ...valid, webhookUrl: 'hooks.example.com' }).webhook).toMatch(/Enter the full address/);
    expect(validateDraft({ ...valid, webhookUrl: 'http://hooks.example.com' }).webhook).toMatch(/https:\/\//);
    expect(validateDraft({ ...valid, chooseCustomers: true, customers: [] }).customers).toBe(
      'Choose at least one company, or All companies.',
    );
  });

  it('describes the categories by service', () => {
    expect(describeCategories(criticalRule.categories)).toBe('Endpoint Protection: Error; Account: Error');
    expect(
      describeCategories([
        { service: 'reports', severity: 'informational' },
        { service: 'reports', severity: 'error' },
        { service: 'reports', severity: 'warning' },
      ]),
    ).toBe('Reports: all');
    expect(describeCategories([])).toBe('None checked');
  });
});

import { describe, expect, it } from 'vitest';
import { deliveryOf, parseAddresses, placeRecipientError, recipientsDraftOf, validateRecipients } from './recipients';

describe('report recipients', () => {
  it('reads other addresses one a line or separated by commas, and sends them only with an attached file', () => {
    expect(parseAddresses(' a@example.com,\n\nb@example.com ; c@example.com\n')).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ]);
    const draft = { users: ['usr_1'], attach: false, emails: 'a@example.com' };
    expect(deliveryOf(draft)).toEqual({ users: ['usr_1'], emails: [], attach: false });
    expect(deliveryOf({ ...draft, attach: true })).toEqual({ users: ['usr_1'], emails: ['a@example.com'], attach: true });
    expect(recipientsDraftOf({ users: ['usr_2'], emails: ['a@example.com', 'b@example.com'], attach: true })).toEqual({
      users: ['usr_2'],
      attach: true,
      emails: 'a@example.com\nb@example.com',
    });
  });

  it('checks the addresses as the API does: mailboxes, nobody twice, at most 20', () => {
    const check = (emails: string, attach = true) => validateRecipients({ users: [], attach, emails });
    expect(check('a@example.com\nb@example.com')).toEqual({});
    expect(check('nobody', false)).toEqual({});
    expect(check('a@example.com\nA@example.com\nnot mail')).toEqual({
      'delivery.emails': 'A@example.com is listed twice. “not mail” is not a valid email address.',
    });
    const many = Array.from({ length: 21 }, (_, index) => `p${index}@example.com`).join('\n');
    expect(check(many)['delivery.emails']).toBe('Enter at most 20 other addresses.');
    const users = Array.from({ length: 101 }, (_, index) => `usr_${index}`);
    expect(validateRecipients({ users, attach: false, emails: '' })).toEqual({ 'delivery.users': 'Choose at most 100 users.' });
  });

  it('names the recipient an error of the API is about', () => {
    const sent = { users: ['usr_2'], emails: ['a@example.com', 'b@example.com'], attach: true };
    const name = (id: string) => (id === 'usr_2' ? 'Grace Hopper' : id);
    expect(placeRecipientError('delivery.users[0]', 'no such user', sent, name)).toEqual({
      field: 'delivery.users',
      message: 'Grace Hopper: no such user.',
    });
    expect(placeRecipientError('/delivery/emails/1', 'is chosen twice', sent, name)).toEqual({
      field: 'delivery.emails',
      message: 'b@example.com is chosen twice.',
    });
    expect(placeRecipientError('delivery.emails', 'at most 20 other addresses receive a report', sent, name)).toEqual({
      field: 'delivery.emails',
      message: 'At most 20 other addresses receive a report.',
    });
    expect(placeRecipientError('name', 'is required', sent, name)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { csvField, csvFilename, toCsv } from './csv';

describe('CSV', () => {
  it('quotes fields with commas, quotes and line breaks', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(42)).toBe('42');
    expect(csvField(null)).toBe('');
  });

  it('defuses cells a spreadsheet would run as a formula, like the server', () => {
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+44 20')).toBe("'+44 20");
    expect(csvField('-x')).toBe("'-x");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
  });

  it('writes a header and CRLF-terminated rows', () => {
    expect(
      toCsv(
        [
          { name: 'A', n: 1 },
          { name: 'B, C', n: 2 },
        ],
        [
          { header: 'Name', value: (row) => row.name },
          { header: 'Count', value: (row) => row.n },
        ],
      ),
    ).toBe('Name,Count\r\nA,1\r\n"B, C",2\r\n');
  });

  it('names files after the table, range and customer', () => {
    expect(csvFilename('top-risks', '7d')).toBe('top-risks-7d.csv');
    expect(csvFilename('top-risks', '3m', 'Acme Dental Ltd.')).toBe('top-risks-3m-acme-dental-ltd.csv');
  });
});

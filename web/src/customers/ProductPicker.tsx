import { useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { Catalog, CatalogProduct, CurrentPartner, ProductChoice, ProductRequest } from '../api/client';
import { normalizeFieldPath, type FieldError, type Problem } from '../api/problem';
import { NumberInput, parseWholeNumber, RadioGroup, SelectInput, type RadioOption } from './controls';
import { capacityLabel, durationLabel, formatNumber } from './labels';
import { EXSP_REQUIRED_EXPLANATION } from './problems';

/** One line of "Selected services". */
export interface ProductLine {
  key: number;
  product: string;
  type: ProductChoice;
  /** Paid subscriptions only. */
  seats: number | null;
}

/** Most lines one request may carry (the API's limit). */
export const MAX_PRODUCT_LINES = 10;

export function toProductRequests(lines: readonly ProductLine[]): ProductRequest[] {
  return lines.map((line) =>
    line.type === 'paid'
      ? { product: line.product as ProductRequest['product'], type: 'paid', seats: line.seats }
      : { product: line.product as ProductRequest['product'], type: 'trial' },
  );
}

/** Server errors about the product lines: `products[2].seats` goes to line 2, `products` to the section. */
export interface ProductErrors {
  section?: string;
  lines: Partial<Record<number, string>>;
  /** Errors about other fields. */
  rest: FieldError[];
}

const LINE_FIELD = /^products\[(\d+)\](?:\.(\w+))?$/;

export function productErrors(problem: Problem): ProductErrors {
  const result: ProductErrors = { lines: {}, rest: [] };
  for (const error of problem.errors ?? []) {
    const field = normalizeFieldPath(error.field).replace(/^products\.(\d+)/, 'products[$1]');
    const match = LINE_FIELD.exec(field);
    if (match) {
      const index = Number(match[1]);
      const text = match[2] === 'seats' ? `Seats ${error.message}` : capitalize(error.message);
      result.lines[index] = result.lines[index] ? `${result.lines[index]} ${text}` : text;
    } else if (field === 'products') {
      result.section = capitalize(error.message);
    } else {
      result.rest.push({ field, message: error.message });
    }
  }
  return result;
}

function capitalize(text: string): string {
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

interface ProductPickerProps {
  /** Prefix of the controls' names, unique on the page. */
  name: string;
  catalog: Catalog;
  program: CurrentPartner['program'];
  lines: readonly ProductLine[];
  onLinesChange: (lines: ProductLine[]) => void;
  /** Errors under each line, by index (from the server). */
  lineErrors?: Partial<Record<number, string>>;
  /** An error about the list as a whole, e.g. that it is empty. */
  error?: string | undefined;
  /** Products that cannot be added, with the reason (e.g. already active on the customer). */
  unavailable?: ReadonlyMap<string, string>;
  /** Products whose trial the customer has had already. */
  trialUsed?: ReadonlySet<string>;
}

interface PickerErrors {
  product?: string;
  type?: string;
  seats?: string;
}

/**
 * The "Activate a Product or Trial" section: choose a product, trial or paid (with
 * seats), and Add it to "Selected services"; lines can be removed again. Resellers
 * are told why Paid is not available to them.
 */
export function ProductPicker({
  name,
  catalog,
  program,
  lines,
  onLinesChange,
  lineErrors = {},
  error,
  unavailable,
  trialUsed,
}: ProductPickerProps) {
  const [product, setProduct] = useState('');
  const [type, setType] = useState<ProductChoice | ''>('');
  const [seats, setSeats] = useState('');
  const [pickerErrors, setPickerErrors] = useState<PickerErrors>({});
  const [announcement, setAnnouncement] = useState('');
  const nextKey = useRef(1);
  const headingId = useId();
  const sectionErrorId = useId();
  const reseller = program !== 'exsp';
  const selectId = `field-${`${name}.product`.replace(/[^A-Za-z0-9_-]/g, '-')}`;

  const byId = new Map(catalog.products.map((item) => [item.id, item]));
  const chosen = byId.get(product);
  const full = lines.length >= MAX_PRODUCT_LINES;

  function trialBlocked(item: CatalogProduct): string | null {
    if (!item.hasTrial) return `${item.name} has no trial.`;
    if (trialUsed?.has(item.id)) return `This customer has had a trial of ${item.name} already.`;
    return null;
  }

  function defaultType(item: CatalogProduct | undefined): ProductChoice | '' {
    if (!item) return '';
    if (trialBlocked(item) === null) return 'trial';
    return reseller ? '' : 'paid';
  }

  const productOptions = catalog.products.map((item) => {
    const reason = lines.some((line) => line.product === item.id)
      ? 'selected'
      : (unavailable?.get(item.id) ?? (reseller && trialBlocked(item) !== null ? (item.hasTrial ? 'trial used' : 'no trial') : null));
    return { value: item.id, label: reason ? `${item.name} (${reason})` : item.name, disabled: reason !== null };
  });

  const trialReason = chosen ? trialBlocked(chosen) : null;
  const typeOptions: RadioOption<ProductChoice>[] = [
    {
      value: 'trial',
      label: 'Trial',
      hint: trialReason ?? `${catalog.trialDays} days with ${formatNumber(catalog.trialSeats)} seats.`,
      disabled: chosen !== undefined && trialReason !== null,
    },
    {
      value: 'paid',
      label: 'Paid subscription',
      hint: reseller
        ? 'Needs the ExSP program.'
        : `1 to ${formatNumber(catalog.maxSeats)} seats${chosen ? `, renews every ${chosen.termMonths} months` : ''}.`,
      disabled: reseller,
    },
  ];

  function chooseProduct(value: string) {
    setProduct(value);
    setType(defaultType(byId.get(value)));
    setPickerErrors({});
  }

  function add() {
    const errors: PickerErrors = {};
    const item = byId.get(product);
    if (!item) errors.product = 'Select a product.';
    else if (type === '') errors.type = 'Choose a trial or a paid subscription.';
    let seatCount: number | null = null;
    if (item && type === 'paid') {
      seatCount = parseWholeNumber(seats);
      if (seatCount === null || seatCount < 1 || seatCount > catalog.maxSeats) {
        errors.seats = `Enter a whole number of seats from 1 to ${formatNumber(catalog.maxSeats)}.`;
      }
    }
    if (full) errors.product = `Add at most ${MAX_PRODUCT_LINES} products at a time.`;
    if (Object.keys(errors).length > 0 || !item || type === '') {
      setPickerErrors(errors);
      return;
    }
    const line: ProductLine = { key: nextKey.current, product: item.id, type, seats: type === 'paid' ? seatCount : null };
    nextKey.current += 1;
    onLinesChange([...lines, line]);
    setProduct('');
    setType('');
    setSeats('');
    setPickerErrors({});
    setAnnouncement(`Added ${item.name} (${type === 'trial' ? 'trial' : 'paid subscription'}).`);
  }

  function remove(line: ProductLine) {
    onLinesChange(lines.filter((other) => other.key !== line.key));
    setAnnouncement(`Removed ${byId.get(line.product)?.name ?? line.product}.`);
    document.getElementById(selectId)?.focus();
  }

  return (
    <div className="product-picker">
      <p className="field__hint">
        Trials last {catalog.trialDays} days with {formatNumber(catalog.trialSeats)} seats. Paid subscriptions have 1 to{' '}
        {formatNumber(catalog.maxSeats)} seats and renew automatically until cancelled.
      </p>
      {reseller ? (
        <div className="alert alert--info" data-testid="exsp-required-note">
          <p className="alert__title">Trials only</p>
          <p className="alert__body">
            {EXSP_REQUIRED_EXPLANATION} <Link to="/">Activate a serial number on Home</Link>
          </p>
        </div>
      ) : null}

      <div className="product-picker__chooser">
        <SelectInput
          name={`${name}.product`}
          label="Product"
          value={product}
          onChange={chooseProduct}
          options={productOptions}
          placeholder="Select a product"
          error={pickerErrors.product}
          testId="product-select"
        />
        <RadioGroup<ProductChoice>
          name={`${name}.type`}
          legend="Trial or paid"
          value={type}
          onChange={(value) => {
            setType(value);
            setPickerErrors((previous) => ({ ...previous, type: undefined }));
          }}
          options={typeOptions}
          error={pickerErrors.type}
          testIdPrefix="product-type"
        />
        {type === 'paid' ? (
          <NumberInput
            name={`${name}.seats`}
            label="Seats"
            value={seats}
            onChange={(value) => {
              setSeats(value);
              setPickerErrors((previous) => ({ ...previous, seats: undefined }));
            }}
            error={pickerErrors.seats}
            hint={chosen ? `Capacity in ${chosen.capacityUnit}.` : undefined}
            testId="product-seats"
            onEnter={add}
          />
        ) : null}
        <div className="product-picker__add">
          <button type="button" className="button button--secondary" onClick={add} data-testid="product-add">
            Add
          </button>
        </div>
      </div>

      <div className="product-picker__selected">
        <h3 id={headingId} className="subsection-title">
          Selected services
        </h3>
        {error ? (
          <p className="field__error" id={sectionErrorId} data-testid="products-error">
            {error}
          </p>
        ) : null}
        {lines.length === 0 ? (
          <p className="panel__note" aria-describedby={error ? sectionErrorId : undefined}>
            No products or trials yet. Add at least one.
          </p>
        ) : (
          <div className="table-scroll">
            <table className="table" aria-labelledby={headingId}>
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col">Type</th>
                  <th scope="col">Capacity</th>
                  <th scope="col">Duration</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.map((line, index) => {
                  const item = byId.get(line.product);
                  const productName = item?.name ?? line.product;
                  const lineError = lineErrors[index];
                  const seatsCount = line.type === 'trial' ? catalog.trialSeats : (line.seats ?? 0);
                  return (
                    <tr key={line.key} data-testid="selected-service-row" className={lineError ? 'table__row--invalid' : undefined}>
                      <td>
                        {productName}
                        {lineError ? (
                          <p className="field__error" data-testid="selected-service-error">
                            {lineError}
                          </p>
                        ) : null}
                      </td>
                      <td>{line.type === 'trial' ? 'Trial' : 'Paid'}</td>
                      <td>{capacityLabel(seatsCount, item?.capacityUnit)}</td>
                      <td>{durationLabel(line.type, catalog.trialDays, item?.termMonths ?? 12)}</td>
                      <td className="table__actions">
                        <button
                          type="button"
                          className="button button--small button--secondary"
                          onClick={() => remove(line)}
                          aria-label={`Remove ${productName}`}
                          data-testid="selected-service-remove"
                        >
                          Remove
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
    </div>
  );
}

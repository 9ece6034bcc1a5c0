import { useId, useState } from 'react';
import { CHANNELS, hexToRgb, parseChannel, rgbToHex, type Channel } from './colour';

const CHANNEL_NAMES: Readonly<Record<Channel, string>> = { r: 'Red', g: 'Green', b: 'Blue' };

type Texts = Record<Channel, string>;

function textsOf(hex: string): Texts {
  const rgb = hexToRgb(hex);
  return { r: String(rgb.r), g: String(rgb.g), b: String(rgb.b) };
}

interface ColourFieldProps {
  /** The guide's name of the colour ("Header Font", "Report Theme"). */
  label: string;
  /** `#rrggbb`. */
  value: string;
  onChange: (hex: string) => void;
  testId: string;
  disabled?: boolean;
}

/**
 * A colour as the guide offers it: the colour box (the browser's colour picker) and R, G
 * and B values, kept in step. A channel that is not 0 to 255 is marked while it is typed
 * and goes back to the colour's value when the field is left.
 */
export function ColourField({ label, value, onChange, testId, disabled = false }: ColourFieldProps) {
  const id = useId();
  const [texts, setTexts] = useState<Texts>(() => textsOf(value));
  const [shown, setShown] = useState(value);
  // The picker, a reload or a save changed the colour: the channels follow it.
  if (shown !== value) {
    setShown(value);
    setTexts(textsOf(value));
  }
  const invalid = CHANNELS.filter((channel) => parseChannel(texts[channel]) === null);
  const errorId = `${id}-error`;

  function typeChannel(channel: Channel, text: string) {
    const next = { ...texts, [channel]: text };
    setTexts(next);
    const r = parseChannel(next.r);
    const g = parseChannel(next.g);
    const b = parseChannel(next.b);
    if (r === null || g === null || b === null) return;
    const hex = rgbToHex({ r, g, b });
    setShown(hex);
    if (hex !== value) onChange(hex);
  }

  return (
    <fieldset className="colour-field" data-testid={testId} disabled={disabled}>
      <legend className="colour-field__legend">{label}</legend>
      <div className="colour-field__controls">
        <label className="colour-field__box" htmlFor={`${id}-picker`}>
          <span className="visually-hidden">{`${label} colour`}</span>
          <input
            id={`${id}-picker`}
            type="color"
            className="colour-field__picker"
            value={value}
            onChange={(event) => onChange(event.target.value.toLowerCase())}
            data-testid={`${testId}-picker`}
          />
        </label>
        {CHANNELS.map((channel) => (
          <div className="colour-field__channel" key={channel}>
            <label className="field__label" htmlFor={`${id}-${channel}`}>
              <span aria-hidden="true">{channel.toUpperCase()}</span>
              <span className="visually-hidden">{`${label} ${CHANNEL_NAMES[channel].toLowerCase()}`}</span>
            </label>
            <input
              id={`${id}-${channel}`}
              type="number"
              min={0}
              max={255}
              step={1}
              inputMode="numeric"
              className="field__input colour-field__number"
              value={texts[channel]}
              aria-invalid={invalid.includes(channel) ? true : undefined}
              aria-describedby={invalid.includes(channel) ? errorId : undefined}
              onChange={(event) => typeChannel(channel, event.target.value)}
              onBlur={() => {
                if (invalid.length > 0) setTexts(textsOf(value));
              }}
              data-testid={`${testId}-${channel}`}
            />
          </div>
        ))}
        <output className="colour-field__hex" htmlFor={`${id}-picker`} data-testid={`${testId}-hex`}>
          {value.toUpperCase()}
        </output>
      </div>
      {invalid.length > 0 ? (
        <p className="field__error" id={errorId}>
          R, G and B are whole numbers from 0 to 255.
        </p>
      ) : null}
    </fieldset>
  );
}

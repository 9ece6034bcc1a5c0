import './support.css';
import { useState, type FormEvent } from 'react';
import { FailureAlert, failureOf, type Failure } from '../admin/problems';
import { sendFeedback, type FeedbackForm } from './api';
import { TextAreaField } from '../components/fields';

type Category = FeedbackForm['category'];
type Recommend = FeedbackForm['wouldRecommend'];
type RatingKey = keyof FeedbackForm['rating'];

const CATEGORIES: { value: Category; label: string }[] = [
  { value: 'general', label: 'General comment' },
  { value: 'suggestion', label: 'Suggestion' },
  { value: 'problem', label: 'Problem' },
  { value: 'compliment', label: 'Compliment' },
];

const RATINGS: { key: RatingKey; label: string }[] = [
  { key: 'content', label: 'Content' },
  { key: 'design', label: 'Design' },
  { key: 'usability', label: 'Usability' },
  { key: 'overall', label: 'Overall' },
  { key: 'easeOfUse', label: 'Ease of use' },
];

const RECOMMEND: { value: Recommend; label: string }[] = [
  { value: 'yes', label: 'Yes' },
  { value: 'maybe', label: 'Maybe' },
  { value: 'no', label: 'No' },
];

/**
 * Sending us your feedback: a Comments category, the comments, the Page Rating (one,
 * unsatisfactory, to five, excellent) and whether the user would recommend the service.
 */
export function FeedbackPage() {
  const [category, setCategory] = useState<Category | ''>('');
  const [comments, setComments] = useState('');
  const [rating, setRating] = useState<Partial<Record<RatingKey, number>>>({});
  const [recommend, setRecommend] = useState<Recommend | ''>('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (category === '') found.category = 'Choose a category.';
    if (comments.trim() === '') found.comments = 'Enter your comments.';
    for (const r of RATINGS) if (rating[r.key] === undefined) found[r.key] = `Rate ${r.label.toLowerCase()}.`;
    if (recommend === '') found.recommend = 'Choose an answer.';
    setErrors(found);
    if (Object.keys(found).length > 0 || category === '' || recommend === '') return;
    const full = rating as Record<RatingKey, number>;
    setBusy(true);
    const result = await sendFeedback({ category, comments, rating: full, wouldRecommend: recommend });
    setBusy(false);
    if (result.ok) setSent(true);
    else setFailure(failureOf('Your feedback was not sent', result.problem, result.retryAfterSeconds));
  }

  if (sent) {
    return (
      <div className="page">
        <h1 className="page__title">Feedback</h1>
        <p className="form__message" role="status" data-testid="feedback-sent">
          Thank you: your feedback goes to the product managers of the console.
        </p>
      </div>
    );
  }

  return (
    <div className="page">
      <div className="page__header">
        <div>
          <h1 className="page__title">Feedback</h1>
          <p className="page__subtitle">Tell the product managers of the console what you think.</p>
        </div>
      </div>
      <form className="panel panel--stack" onSubmit={(event) => void submit(event)} noValidate aria-busy={busy}>
        {failure ? <FailureAlert failure={failure} /> : null}
        <div className={['field', errors.category ? 'field--invalid' : ''].filter(Boolean).join(' ')}>
          <label className="field__label" htmlFor="feedback-category">
            Comments
          </label>
          <select
            id="feedback-category"
            className="field__input field__select"
            value={category}
            onChange={(event) => setCategory(event.target.value as Category | '')}
            data-testid="feedback-category"
          >
            <option value="">Choose a category</option>
            {CATEGORIES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
          {errors.category ? <p className="field__error">{errors.category}</p> : null}
        </div>
        <TextAreaField
          name="feedback-comments"
          label="Your comments"
          value={comments}
          onChange={setComments}
          error={errors.comments}
          testId="feedback-comments"
        />
        <fieldset className="fieldset">
          <legend className="field__label">Page Rating (1 unsatisfactory – 5 excellent)</legend>
          {RATINGS.map((r) => (
            <div key={r.key} className="rating" role="radiogroup" aria-label={r.label}>
              <span className="rating__label">{r.label}</span>
              {[1, 2, 3, 4, 5].map((n) => (
                <label key={n} className="rating__option">
                  <input
                    type="radio"
                    name={`rating-${r.key}`}
                    value={n}
                    checked={rating[r.key] === n}
                    onChange={() => setRating({ ...rating, [r.key]: n })}
                    data-testid={`rating-${r.key}-${n}`}
                  />{' '}
                  {n}
                </label>
              ))}
              {errors[r.key] ? <span className="field__error">{errors[r.key]}</span> : null}
            </div>
          ))}
        </fieldset>
        <div className={['field', errors.recommend ? 'field--invalid' : ''].filter(Boolean).join(' ')}>
          <label className="field__label" htmlFor="feedback-recommend">
            Would you recommend this service to a colleague?
          </label>
          <select
            id="feedback-recommend"
            className="field__input field__select"
            value={recommend}
            onChange={(event) => setRecommend(event.target.value as Recommend | '')}
            data-testid="feedback-recommend"
          >
            <option value="">Choose an answer</option>
            {RECOMMEND.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
          {errors.recommend ? <p className="field__error">{errors.recommend}</p> : null}
        </div>
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy} data-testid="feedback-submit">
            {busy ? 'Sending…' : 'Submit'}
          </button>
        </div>
      </form>
    </div>
  );
}

import { Link, useLocation, useParams } from 'react-router';
import { redirectTarget, type SignInLocationState } from '../app/locationState';
import { HELP_TOPICS, helpTopic, type HelpSection, type HelpTopic } from './topics';

function Section({ section }: { section: HelpSection }) {
  return (
    <section className="help-section">
      <h2>{section.heading}</h2>
      {section.text?.map((paragraph) => <p key={paragraph}>{paragraph}</p>)}
      {section.steps ? (
        <ol>
          {section.steps.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
      ) : null}
      {section.terms ? (
        <dl className="help-terms">
          {section.terms.map(([term, meaning]) => (
            <div key={term}>
              <dt>{term}</dt>
              <dd>{meaning}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </section>
  );
}

/** Where "Back to the page" goes: the page the help was opened from, if any. */
function useOpenedFrom(): string | null {
  const location = useLocation();
  const state = location.state as SignInLocationState | null;
  if (!state?.from) return null;
  const target = redirectTarget(state);
  return target.startsWith('/help') ? null : target;
}

function Contents() {
  const groups = [...new Set(HELP_TOPICS.map((topic) => topic.group))];
  return (
    <div className="page">
      <title>Help · Partner Console</title>
      <h1 className="page__title">Help</h1>
      <p className="page__subtitle">How the Partner Console works, page by page.</p>
      {groups.map((group) => (
        <section key={group} className="help-section">
          <h2>{group}</h2>
          <ul className="help-list">
            {HELP_TOPICS.filter((topic) => topic.group === group).map((topic) => (
              <li key={topic.id}>
                <Link to={`/help/${topic.id}`}>{topic.title}</Link>
                <span className="muted"> — {topic.summary}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function Topic({ topic, from }: { topic: HelpTopic; from: string | null }) {
  const related = (topic.related ?? []).map(helpTopic).filter((t): t is HelpTopic => t !== undefined);
  return (
    <article className="page help-topic" data-testid="help-topic">
      <title>{`${topic.title} · Help · Partner Console`}</title>
      <p className="help-topic__nav">
        <Link to="/help">Help contents</Link>
        {from ? (
          <>
            {' · '}
            <Link to={from}>Back to the page</Link>
          </>
        ) : null}
      </p>
      <h1 className="page__title">{topic.title}</h1>
      <p className="page__subtitle">{topic.summary}</p>
      {topic.sections.map((section) => (
        <Section key={section.heading} section={section} />
      ))}
      {related.length > 0 ? (
        <section className="help-section">
          <h2>See also</h2>
          <ul className="help-list">
            {related.map((other) => (
              <li key={other.id}>
                <Link to={`/help/${other.id}`} state={from ? { from } : undefined}>
                  {other.title}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </article>
  );
}

/** The console's help: the contents at /help, a topic at /help/:topicId. */
export function HelpPage() {
  const { topicId } = useParams();
  const from = useOpenedFrom();
  if (topicId === undefined) return <Contents />;
  const topic = helpTopic(topicId);
  if (!topic) {
    return (
      <div className="page">
        <title>Help · Partner Console</title>
        <h1 className="page__title">No such help topic</h1>
        <p>
          <Link to="/help">See every help topic</Link>
        </p>
      </div>
    );
  }
  return <Topic key={topic.id} topic={topic} from={from} />;
}

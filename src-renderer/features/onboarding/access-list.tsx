// What a sign-in lets Mailbridge do and what it does not, in words, with the permissions
// asked: one card per mailbox or CRM on the first-run screen.

export interface Access {
  title: string;
  will: string[];
  willNot: string[];
  /** The OAuth scopes asked; absent for a password sign-in (IMAP). */
  scopes?: string;
}

export function AccessList({ access }: { access: Access }) {
  return (
    <div className="access">
      <h3>{access.title}</h3>
      <p className="access-heading">Mailbridge will</p>
      <ul>
        {access.will.map((line) => <li key={line}>{line}</li>)}
      </ul>
      <p className="access-heading">It will not</p>
      <ul>
        {access.willNot.map((line) => <li key={line}>{line}</li>)}
      </ul>
      {access.scopes && <p className="access-scopes">Permissions asked: {access.scopes}</p>}
    </div>
  );
}

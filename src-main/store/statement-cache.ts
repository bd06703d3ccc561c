// Statements whose SQL is built from a query's shape (inbox filters, search operators),
// prepared once per shape and connection and reused after.
import type { Db } from './types.ts';

export type Statement = ReturnType<Db['prepare']>;

/** `prepare(sql)`, memoised by the SQL text. */
export function statementCache(db: Db): (sql: string) => Statement {
  const statements = new Map<string, Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}

/**
 * Points DATABASE_URL, the database every CLI command opens, at `url` for a test; the returned
 * function puts back what was there (unset stays unset, not the string "undefined").
 */
export function useDatabaseUrl(url: string): () => void {
  const previous = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  return () => {
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  };
}

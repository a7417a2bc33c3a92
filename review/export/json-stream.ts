// A JSON document written a piece at a time: `{ ...head, "<listKey>": [ item, item, ... ] }`.
// An export of tens of thousands of pages is never held in memory as one string, and what is
// sent is one valid JSON document whatever the row count.

export async function* jsonDocumentChunks<T>(
  head: Readonly<Record<string, unknown>>,
  listKey: string,
  items: AsyncIterable<T>,
): AsyncGenerator<string> {
  // The list goes last, even if `head` named the same key.
  const rest = Object.fromEntries(Object.entries(head).filter(([key]) => key !== listKey));
  const opening = JSON.stringify({ ...rest, [listKey]: [] });
  // `{"a":1,"pages":[]}` -> `{"a":1,"pages":[` then the items, then `]}`.
  yield opening.slice(0, -2);
  let first = true;
  for await (const item of items) {
    yield `${first ? '' : ','}\n${JSON.stringify(item)}`;
    first = false;
  }
  yield '\n]}\n';
}

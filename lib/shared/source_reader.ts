/**
 * What a stage reads from: a stream, or a reader that is not a stream's (a stage that reads on
 * for its consumer saves a web-streams stage per event).
 */
export interface SourceReader<T> {
  read(): Promise<ReadableStreamReadResult<T>>;
  cancel(reason?: unknown): Promise<void>;
}

/** A stream's reader, or the reader given. */
export function readerOf<T>(source: ReadableStream<T> | SourceReader<T>): SourceReader<T> {
  return source instanceof ReadableStream ? source.getReader() : source;
}

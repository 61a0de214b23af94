/** The slice of nach2 (a CommonJS package without typings) that the ACH file builder uses. */
declare module 'nach2' {
  interface Field {
    value: unknown;
  }

  class File {
    constructor(options: Readonly<Record<string, unknown>>);
    readonly control: Record<string, Field>;
    addBatch(batch: Batch): void;
    generateFile(callback: (text: string) => void): void;
  }

  class Batch {
    constructor(options: Readonly<Record<string, unknown>>);
    readonly control: Record<string, Field>;
    /** Internal, but appending here avoids addEntry's quadratic re-totalling. */
    readonly _entries: Entry[];
    addEntry(entry: Entry): void;
    set(field: string, value: unknown): void;
  }

  class Entry {
    constructor(options: Readonly<Record<string, unknown>>);
  }

  const nach: { readonly File: typeof File; readonly Batch: typeof Batch; readonly Entry: typeof Entry };
  export default nach;
}

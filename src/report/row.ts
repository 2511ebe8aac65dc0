/** A CSV cell (undefined: an empty cell, where a value does not exist) and a row by column name. */
export type Cell = string | number | undefined;
export type Row = Record<string, Cell>;

/**
 * `true` when `A` and `B` describe the same values: each is assignable to the other, so neither has a field the other
 * lacks, and a field optional in one is optional in the other.
 */
export type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Compiles only when `A` and `B` are the same type, so that a response schema and the type of what its route
 * returns (declared elsewhere: a report builder, a database row) cannot drift apart unnoticed. Does nothing at run
 * time.
 */
export function assertSameType<A, B>(...proof: Equal<A, B> extends true ? [] : [never]): void {
  void proof;
}

/** `T` as JSON carries it: dates become ISO strings (what `c.json` sends for a `Date`). */
export type Json<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

/** One member step of a receiver chain (bindings.ts builds them; member-types.ts follows them through the index). */
export interface Step {
  name: string;
  /** `m()`: the return type of method `m`, not the type of field `m`. */
  call: boolean;
  /** Rust: an element of what the step gives (`for x in self.items`: an element of field `items`; rust-elements.ts). */
  element?: boolean;
  /** Rust: a field (position or name) of enum variant `name` of the type so far (`State::Open(conn)`; rust-variants.ts). */
  variant?: number | string;
  /** Rust: a part of the tuple the call returns (`let (tx, rx) = x.split()`: tx part 0; rust-tuples.ts). */
  part?: number;
}

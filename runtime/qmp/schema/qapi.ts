/**
 * QAPI's type language, as data: the few types the commands lockstep serves use (qapi/*.json: `str`,
 * `bool`, `uint8`…`size`, enums, `StrOrNull`, arrays, structs, flat unions). A command table written in
 * these types is the one schema: validation ({@link toValibot}), the differential corpus and the
 * TypeScript types ({@link Infer}) are derived from it.
 * @packageDocumentation
 */

/** One QAPI type. @public */
export type QapiType =
  | { readonly kind: 'str' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'uint'; readonly bits: 8 | 16 | 32 | 64 }
  | { readonly kind: 'enum'; readonly values: readonly [string, ...string[]] }
  | { readonly kind: 'str-or-null' }
  | { readonly kind: 'array'; readonly of: QapiType }
  | QapiStruct
  | QapiUnion;

/** A struct: its members in declaration order (the order QEMU checks them in). @public */
export interface QapiStruct {
  readonly kind: 'struct';
  readonly members: Readonly<Record<string, QapiMember>>;
}

/** A flat union: the discriminator member `type` picks the branch whose members follow. @public */
export interface QapiUnion {
  readonly kind: 'union';
  readonly discriminator: string;
  readonly branches: Readonly<Record<string, QapiStruct>>;
}

/** One member of a struct. @public */
export interface QapiMember {
  readonly type: QapiType;
  /** `*name` in the schema. */
  readonly optional: boolean;
}

/** `str`. @public */
export const str = { kind: 'str' } as const;
/** `bool`. @public */
export const bool = { kind: 'bool' } as const;
/** `uint8`, `uint32`, `uint64`, `size` (64). @public */
export const uint = <B extends 8 | 16 | 32 | 64>(bits: B) => ({ kind: 'uint', bits }) as const;
/** An enum. @public */
export const enumOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  ({ kind: 'enum', values }) as const;
/** `StrOrNull` (qapi/common.json). @public */
export const strOrNull = { kind: 'str-or-null' } as const;
/** `[T]`. @public */
export const array = <T extends QapiType>(of: T) => ({ kind: 'array', of }) as const;
/** A required member. @public */
export const required = <T extends QapiType>(type: T) => ({ type, optional: false }) as const;
/** An optional member. @public */
export const optional = <T extends QapiType>(type: T) => ({ type, optional: true }) as const;
/** A struct. @public */
export const struct = <const M extends Readonly<Record<string, QapiMember>>>(members: M) =>
  ({ kind: 'struct', members }) as const;
/** A flat union on `discriminator`. @public */
export const union = <const D extends string, const B extends Readonly<Record<string, QapiStruct>>>(
  discriminator: D,
  branches: B,
) => ({ kind: 'union', discriminator, branches }) as const;

/** `T` with its intersections flattened, for readable hovers. @public */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The TypeScript type of a struct's members `M`: required ones plain, optional ones `?`. @public */
export type InferStruct<M> = Simplify<
  {
    -readonly [K in keyof M as M[K] extends { optional: false } ? K : never]: M[K] extends QapiMember
      ? Infer<M[K]['type']>
      : never;
  } & {
    -readonly [K in keyof M as M[K] extends { optional: true } ? K : never]?: M[K] extends QapiMember
      ? Infer<M[K]['type']>
      : never;
  }
>;

/** The TypeScript type of a value of QAPI type `T`, as the validator returns it. @public */
export type Infer<T> = T extends { kind: 'str' }
  ? string
  : T extends { kind: 'bool' }
    ? boolean
    : T extends { kind: 'uint' }
      ? number
      : T extends { kind: 'enum'; values: readonly (infer V)[] }
        ? V
        : T extends { kind: 'str-or-null' }
          ? string | null
          : T extends { kind: 'array'; of: infer E }
            ? Infer<E>[]
            : T extends { kind: 'struct'; members: infer M }
              ? InferStruct<M>
              : T extends { kind: 'union'; discriminator: infer D extends string; branches: infer B }
                ? { [K in keyof B]: Simplify<{ [P in D]: K } & Infer<B[K]>> }[keyof B]
                : never;

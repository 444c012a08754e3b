/**
 * The key of the phantom field through which a matrix or an expression carries the names
 * of its two dimensions in its type (`Matrix<'samples', 'features'>`). The field holds
 * nothing at run time. It is public and keyed by a symbol, rather than private, because
 * a declaration file drops the types of private fields: the names would stop counting
 * for code that uses nmfkit's compiled package.
 */
export const DIMENSIONS: unique symbol = Symbol('nmfkit.dimensions')

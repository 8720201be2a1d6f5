export { TypedError, isTypedError, type ErrorEntry, type TypedErrorOptions } from './typed-error';
export { createErrorClass, defineErrorCatalog, type ErrorCatalog, type ErrorClass } from './create-error';

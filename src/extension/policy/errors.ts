// Errors that name the file and the reason, so the CLI and the panel can say what to fix.

export type ModelLoadReason =
  | 'missing-file'
  | 'manifest-invalid'
  | 'hash-mismatch'
  | 'onnx-invalid'
  | 'unknown-feature'
  | 'input-name'
  | 'input-type'
  | 'input-shape'
  | 'output-name'
  | 'output-type'
  | 'output-shape'
  | 'non-finite'
  | 'bad-action';

/** Its message is `subject: detail`; its name is given by each class (the bundle renames classes). */
abstract class PolicyError extends Error {
  constructor(name: string, subject: string, detail: string) {
    super(`${subject}: ${detail}`);
    this.name = name;
  }
}

export class ModelLoadError extends PolicyError {
  constructor(
    readonly reason: ModelLoadReason,
    readonly file: string,
    detail: string,
  ) {
    super('ModelLoadError', file, `${reason}: ${detail}`);
  }
}

export type PolicyRuntimeReason = 'non-finite' | 'bad-action';

/** A problem while running a loaded policy: a NaN/Inf feature or output, or an action outside the manifest's range. */
export class PolicyRuntimeError extends PolicyError {
  constructor(
    readonly reason: PolicyRuntimeReason,
    detail: string,
  ) {
    super('PolicyRuntimeError', reason, detail);
  }
}

/** Bad market data: a file, a line and what is wrong with it. */
export class DataError extends PolicyError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super('DataError', file, detail);
  }
}

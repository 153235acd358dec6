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

export class ModelLoadError extends Error {
  constructor(
    readonly reason: ModelLoadReason,
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${reason}: ${detail}`);
    this.name = 'ModelLoadError';
  }
}

export type PolicyRuntimeReason = 'non-finite' | 'bad-action';

/** A problem while running a loaded policy: a NaN/Inf feature or output, or an action outside the manifest's range. */
export class PolicyRuntimeError extends Error {
  constructor(
    readonly reason: PolicyRuntimeReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'PolicyRuntimeError';
  }
}

/** Bad market data: a file, a line and what is wrong with it. */
export class DataError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'DataError';
  }
}

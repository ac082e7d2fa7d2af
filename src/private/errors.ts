import { IConstruct } from 'constructs';

/**
 * An invalid property, found at synth time.
 *
 * The message always starts with the construct path, so the user can find the mistake in a large app.
 */
export class InvalidPropertyError extends Error {
  /**
   * @param scope the construct whose property is wrong, or its path when the construct does not exist yet
   */
  constructor(scope: IConstruct | string, message: string) {
    super(`${typeof scope === 'string' ? scope : scope.node.path}: ${message}`);
    this.name = 'InvalidPropertyError';
  }
}
